/**
 * @packageDocumentation
 *
 * `cryptochat-relay`: a bootstrap point, circuit relay v2 server and gossipsub hub for
 * opaque room topics. It holds no room key and can read no room id, nick or message.
 *
 * @example
 * ```ts
 * const { key } = await loadOrCreateRelayKey(dataDir)
 * const relay = await createRelay({ privateKey: key, config: { listen: ['/ip4/127.0.0.1/tcp/0'] } })
 * console.log(relay.multiaddrs())
 * await relay.stop()
 * ```
 */
export { createRelay, type Relay, type RelayInit } from './relay.js'
export { loadOrCreateRelayKey, RELAY_KEY_FILE } from './key.js'
export { parseRelayConfig, loadRelayConfig, relayConfigSchema, RelayConfigError, type RelayConfig, type RelayConfigInput } from './config.js'
export { createTopicHub, type TopicHub, type TopicHubInit } from './hub.js'
export { createBlindStore, type BlindStore, type BlindStoreInit, type BlindStoreStats, type StoredEnvelope } from './store.js'
export { serveBlindStore, type BlindStoreServiceInit } from './store-service.js'
export { sweepBlindStore } from './store-sweep.js'
