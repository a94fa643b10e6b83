/**
 * @packageDocumentation
 *
 * The libp2p node factory shared by the client, the relay and the benchmark, and the
 * gossipsub settings every CryptoChat node uses.
 *
 * @example
 * ```ts
 * const node = await createChatNode({ gossip: { relayPeerIds } })
 * node.services.pubsub.subscribe(topic)
 * ```
 */
export { createChatNode, type ChatNode, type ChatNodeInit, type ChatServices } from './node.js'
export { gossipOptions, gossipService, meshPeers, type GossipInit } from './gossip.js'
export { RELAY_AGENT_HUB, RELAY_AGENT_NO_HUB } from './agents.js'
export { handleSync, requestSync, withinLimit, SyncRequestError, SyncBusyError, type SyncServe, type HandleSyncInit } from './sync-stream.js'
