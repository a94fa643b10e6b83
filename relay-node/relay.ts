import type { PrivateKey } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { createChatNode, RELAY_AGENT_HUB, RELAY_AGENT_NO_HUB, type ChatNode } from '../src/net/index.js'
import { parseRelayConfig, type RelayConfig, type RelayConfigInput } from './config.js'
import { createTopicHub, type TopicHub } from './hub.js'

const log = logger('cryptochat:relay')

/** Options of {@link createRelay}. */
export interface RelayInit {
  /** The relay's persistent libp2p key. */
  privateKey: PrivateKey
  /** Settings; anything omitted takes the documented default (config/relay.json). */
  config?: RelayConfigInput
  /** Called when the hub joins or leaves a room topic. */
  onTopic?: (event: 'join' | 'leave', topic: string) => void
}

/** A running relay. */
export interface Relay {
  readonly node: ChatNode
  readonly config: RelayConfig
  /** The topic hub (discovery topics always; chat topics unless `hub.enabled` is false). */
  readonly hub: TopicHub
  /** Peer id as a string. */
  peerId(): string
  /** Full multiaddrs, each ending in `/p2p/<peerId>`. */
  multiaddrs(): string[]
  stop(): Promise<void>
}

/**
 * Start a CryptoChat relay: bootstrap point, circuit relay v2 server with explicit
 * limits, and (unless disabled) the gossipsub hub for opaque room topics.
 */
export async function createRelay (init: RelayInit): Promise<Relay> {
  const config = parseRelayConfig(init.config ?? {})
  const cr = config.circuitRelay
  const node = await createChatNode({
    privateKey: init.privateKey,
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
  const hub = createTopicHub(node.services.pubsub, {
    maxTopics: config.hub.maxTopics,
    maxMessageBytes: config.hub.maxMessageBytes,
    chat: config.hub.enabled,
    ...(init.onTopic != null ? { onChange: init.onTopic } : {})
  })
  log('relay %s started', node.peerId.toString())

  return {
    node,
    config,
    hub,
    peerId: () => node.peerId.toString(),
    multiaddrs: () => node.getMultiaddrs().map((ma) => ma.toString()),
    async stop () {
      hub.stop()
      await node.stop()
    }
  }
}
