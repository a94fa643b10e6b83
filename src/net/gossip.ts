import { gossipsub, StrictNoSign, type GossipsubOpts } from '@libp2p/gossipsub'
import { hash } from '../crypto/index.js'
import { CLIENT_MAX_RPC_FRAME_BYTES, CLIENT_MAX_TOPICS_PER_PEER, CLIENT_RPC_DECODE_LIMITS, GOSSIP_HEARTBEAT_MS, RELAY_APP_SCORE } from '../constants.js'

/** What gossipsub 17 charges per tracked topic of a peer, plus a topic string's length. */
const TOPIC_ENTRY_BYTES = 1024 + 128

/** Gossipsub settings a node's role adds to the shared ones. */
export interface GossipInit {
  /** Peer ids (strings) of relays: boosted so garbage they forward cannot get them graylisted. */
  relayPeerIds?: Set<string>
  /** Mesh degree (D); Dlo/Dhi follow. A hub wants every member in its mesh. */
  meshDegree?: number
  /** Largest accepted RPC frame (messages, control, subscriptions), bytes. */
  maxFrameBytes?: number
  /** RPC decode limits. */
  decodeRpcLimits?: GossipsubOpts['decodeRpcLimits']
  /** Bound on a peer's subscriptions (in topics). */
  maxTopicsPerPeer?: number
}

/**
 * Gossipsub settings shared by clients, the relay hub and the benchmark, so all of them
 * run the same protocol:
 * - `StrictNoSign` and a content-hash message id: the network sees no sender identity;
 *   the sender is proven only by the signature inside the ciphertext.
 * - `runOnLimitedConnection`: relayed (circuit) connections carry the room too.
 * - No IP colocation penalty: many members behind one NAT (or one relay) are normal.
 */
export function gossipOptions (init: GossipInit = {}): Partial<GossipsubOpts> {
  const relays = init.relayPeerIds ?? new Set<string>()
  const D = init.meshDegree ?? 6
  return {
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: (msg) => hash(msg.data),
    emitSelf: false,
    fallbackToFloodsub: false,
    runOnLimitedConnection: true,
    allowPublishToZeroTopicPeers: false,
    heartbeatInterval: GOSSIP_HEARTBEAT_MS,
    maxInboundDataLength: init.maxFrameBytes ?? CLIENT_MAX_RPC_FRAME_BYTES,
    decodeRpcLimits: init.decodeRpcLimits ?? CLIENT_RPC_DECODE_LIMITS,
    maxTopicBytesPerPeer: (init.maxTopicsPerPeer ?? CLIENT_MAX_TOPICS_PER_PEER) * TOPIC_ENTRY_BYTES,
    D,
    Dlo: Math.max(1, Math.min(D, Math.floor(D * 2 / 3))),
    Dhi: D * 2,
    Dout: Math.min(2, Math.floor(D / 2)),
    doPX: false,
    scoreParams: {
      IPColocationFactorWeight: 0,
      appSpecificScore: (peerId: string) => relays.has(peerId) ? RELAY_APP_SCORE : 0
    }
  }
}

/** The gossipsub service factory with CryptoChat's settings. */
export function gossipService (init: GossipInit = {}): ReturnType<typeof gossipsub> {
  return gossipsub(gossipOptions(init))
}

/**
 * Peer ids (strings) in our gossipsub mesh for `topic`. The implementation has this;
 * the published `GossipSub` interface does not declare it.
 */
export function meshPeers (pubsub: unknown, topic: string): string[] {
  return (pubsub as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic)
}

/**
 * Keep gossipsub talking to a peer whose connection was replaced. gossipsub 17 opens its
 * outbound stream to a peer only when a connection opens, and skips that if it still
 * holds a stream (on the connection that is closing); once that old stream closes, the
 * peer stays connected with no stream from us, so it silently hears nothing (seen when
 * a relay cut a circuit and the members re-linked). When a connection closes and
 * another to the same peer is still open, ask gossipsub for a stream on it, after the
 * old stream's close has been handled. gossipsub does nothing if it already has one.
 */
export function keepGossipStreams (node: {
  getConnections(peerId?: any): Array<{ status: string, remotePeer: any }>
  addEventListener(type: 'connection:close', listener: (evt: CustomEvent<{ remotePeer: any }>) => void): void
  services: { pubsub: unknown }
}): void {
  const pubsub = node.services.pubsub as { createOutboundStream?: (peerId: unknown, connection: unknown) => Promise<void> }
  node.addEventListener('connection:close', (evt) => {
    const peer = evt.detail.remotePeer
    setTimeout(() => {
      const open = node.getConnections(peer).find((c) => c.status === 'open')
      if (open != null) pubsub.createOutboundStream?.(peer, open).catch(() => {})
    }, 0)
  })
}
