import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayServerInit } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { PrivateKey, ConnectionGater } from '@libp2p/interface'
import type { ConnectionManagerInit } from 'libp2p'
import { CLIENT_INBOUND_CONNECTIONS_PER_IP_PER_SECOND, CLIENT_MAX_CONNECTIONS } from '../constants.js'
import { gossipService, keepGossipStreams, type GossipInit } from './gossip.js'

/** The libp2p services every CryptoChat node runs. */
export interface ChatServices {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  [key: string]: unknown
}

/** A libp2p node with CryptoChat's services. */
export type ChatNode = Libp2p<ChatServices>

/** Options of {@link createChatNode}. */
export interface ChatNodeInit {
  /** Persistent key (the relay); omitted: a fresh key per run (clients, for unlinkability). */
  privateKey?: PrivateKey
  /** Addresses to listen on; default none (a client only dials out). */
  listen?: string[]
  /** Addresses to announce instead of the listen addresses. */
  announce?: string[]
  /** Gossipsub settings for this role. */
  gossip?: GossipInit
  /** Run a circuit relay v2 server with these limits (relays only). */
  relayServer?: CircuitRelayServerInit
  /** Dial peers through circuit relays (clients). Default true. */
  relayTransport?: boolean
  /** Try to upgrade relayed connections to direct ones (DCUtR hole punching; clients). */
  holePunching?: boolean
  /** Connection manager limits. */
  connectionManager?: ConnectionManagerInit
  connectionGater?: ConnectionGater
  /** Agent version shown to peers in identify; kept generic so it says little. */
  agentVersion?: string
  /** Start listening immediately. Default true. */
  start?: boolean
}

/**
 * Build a libp2p node with the CryptoChat stack (DESIGN §2): TCP, Noise, Yamux,
 * identify, ping, gossipsub, and circuit relay v2 (server for relays, transport for
 * clients). Used by the client, the relay and the benchmark, so all run the same stack.
 */
export async function createChatNode (init: ChatNodeInit = {}): Promise<ChatNode> {
  const services: Record<string, any> = {
    identify: identify({ runOnLimitedConnection: true }),
    ping: ping({ runOnLimitedConnection: true }),
    pubsub: gossipService(init.gossip)
  }
  if (init.relayServer != null) services.relay = circuitRelayServer(init.relayServer)
  if (init.holePunching === true) services.dcutr = dcutr()
  const transports: any[] = [tcp()]
  if (init.relayTransport !== false) transports.push(circuitRelayTransport())

  const node = await createLibp2p<ChatServices>({
    ...(init.privateKey != null ? { privateKey: init.privateKey } : {}),
    start: init.start ?? true,
    addresses: {
      listen: init.listen ?? [],
      ...(init.announce != null && init.announce.length > 0 ? { announce: init.announce } : {})
    },
    nodeInfo: { userAgent: init.agentVersion ?? 'cryptochat' },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: CLIENT_MAX_CONNECTIONS, inboundConnectionThreshold: CLIENT_INBOUND_CONNECTIONS_PER_IP_PER_SECOND, ...init.connectionManager },
    ...(init.connectionGater != null ? { connectionGater: init.connectionGater } : {}),
    services: services as any
  })
  keepGossipStreams(node as any)
  return node
}
