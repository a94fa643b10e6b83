import type { PrivateKey } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { join, resolve } from 'node:path'
import { STORE_DIR_NAME } from '../src/constants.js'
import { createChatNode, RELAY_AGENT_HUB, RELAY_AGENT_NO_HUB, type ChatNode } from '../src/net/index.js'
import { RelayConfigError, parseRelayConfig, type RelayConfig, type RelayConfigInput } from './config.js'
import { createTopicHub, type TopicHub } from './hub.js'
import { createBlindStore, type BlindStore } from './store.js'
import { serveBlindStore } from './store-service.js'
import { sweepBlindStore } from './store-sweep.js'

const log = logger('cryptochat:relay')

/** Options of {@link createRelay}. */
export interface RelayInit {
  /** The relay's persistent libp2p key. */
  privateKey: PrivateKey
  /** Settings; anything omitted takes the documented default (config/relay.json). */
  config?: RelayConfigInput
  /** Called when the hub joins or leaves a room topic. */
  onTopic?: (event: 'join' | 'leave', topic: string) => void
  /** The relay's data directory: the blind store lives in `<dataDir>/store` unless `store.dir` says otherwise. */
  dataDir?: string
}

/** A running relay. */
export interface Relay {
  readonly node: ChatNode
  readonly config: RelayConfig
  /** The topic hub (discovery topics always; chat topics unless `hub.enabled` is false). */
  readonly hub: TopicHub
  /** The blind store (when `store.enabled`): the last envelopes members put on each chat topic. */
  readonly store?: BlindStore
  /** Peer id as a string. */
  peerId(): string
  /** Full multiaddrs, each ending in `/p2p/<peerId>`. */
  multiaddrs(): string[]
  stop(): Promise<void>
}

/**
 * Start a CryptoChat relay: bootstrap point, circuit relay v2 server with explicit
 * limits, (unless disabled) the gossipsub hub for opaque room topics, and (if enabled)
 * the blind store, which keeps the envelopes members put (with a proof that they know
 * the room) and nothing the hub merely forwards.
 */
export async function createRelay (init: RelayInit): Promise<Relay> {
  const config = parseRelayConfig(init.config ?? {})
  // Opened first: a store directory in use by another relay is refused before we listen.
  const store = config.store.enabled ? openBlindStore(config, init.dataDir) : undefined
  let node: ChatNode
  try {
    node = await startNode(init.privateKey, config)
  } catch (err) {
    store?.close()
    throw err
  }
  const hub = createTopicHub(node.services.pubsub, {
    maxTopics: config.hub.maxTopics,
    maxMessageBytes: config.hub.maxMessageBytes,
    chat: config.hub.enabled,
    ...(init.onTopic != null ? { onChange: init.onTopic } : {})
  })
  const stopSweeps = store != null ? sweepBlindStore(store) : undefined
  // Members put their envelopes and fetch what they missed (each request with a proof that
  // they know the room) over the sync protocol.
  if (store != null) {
    const { requestBurst, requestsPerSecond, maxConcurrentReads, newTopicsPerPeer } = config.store
    await serveBlindStore(node, store, { requestBurst, requestsPerSecond, maxConcurrentReads, newTopicsPerPeer })
  }
  log('relay %s started%s', node.peerId.toString(), store != null ? ', blind store on' : '')

  return {
    node,
    config,
    hub,
    ...(store != null ? { store } : {}),
    peerId: () => node.peerId.toString(),
    multiaddrs: () => node.getMultiaddrs().map((ma) => ma.toString()),
    async stop () {
      hub.stop()
      try {
        await node.stop()
      } finally {
        stopSweeps?.()
        store?.close()
      }
    }
  }
}

/** The blind store's directory: `store.dir`, else `<dataDir>/store`. */
function openBlindStore (config: RelayConfig, dataDir: string | undefined): BlindStore {
  const { dir, maxAgeMs, maxTopicBytes, maxTotalBytes, maxTopics, maxEnvelopes } = config.store
  if (dir == null && dataDir == null) throw new RelayConfigError("setting 'store.dir' is needed: the store is on and no data directory was given")
  const where = dir != null ? resolve(dir) : join(dataDir as string, STORE_DIR_NAME)
  return createBlindStore({ dir: where, maxAgeMs, maxTopicBytes, maxTotalBytes, maxTopics, maxEnvelopes, maxEnvelopeBytes: config.hub.maxMessageBytes })
}

async function startNode (privateKey: PrivateKey, config: RelayConfig): Promise<ChatNode> {
  const cr = config.circuitRelay
  return await createChatNode({
    privateKey,
    listen: config.listen,
    announce: config.announce,
    relayTransport: false,
    // Clients read this to know whether to wait for the relay in a room's chat mesh.
    agentVersion: config.hub.enabled ? RELAY_AGENT_HUB : RELAY_AGENT_NO_HUB,
    gossip: {
      meshDegree: config.hub.meshDegree,
      maxFrameBytes: config.hub.maxFrameBytes,
      maxTopicsPerPeer: config.hub.maxTopicsPerPeer,
      decodeRpcLimits: config.rpcDecodeLimits
    },
    relayServer: {
      maxInboundHopStreams: cr.maxInboundHopStreams,
      maxOutboundStopStreams: cr.maxOutboundStopStreams,
      reservations: {
        maxReservations: cr.maxReservations,
        reservationTtl: cr.reservationTtlMs,
        applyDefaultLimit: true,
        defaultDurationLimit: cr.durationLimitMs,
        defaultDataLimit: BigInt(cr.dataLimitBytes)
      }
    },
    connectionManager: {
      maxConnections: config.connections.maxConnections,
      inboundConnectionThreshold: config.connections.inboundConnectionsPerIpPerSecond,
      maxIncomingPendingConnections: config.connections.maxIncomingPendingConnections
    }
  })
}
