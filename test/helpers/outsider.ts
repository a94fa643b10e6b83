import { multiaddr } from '@multiformats/multiaddr'
import { createChatNode, meshPeers, type ChatNode } from '../../src/net/index.js'
import { waitFor } from './index.js'

/**
 * A non-member libp2p peer that knows a room's topic (as anyone connected to the relay
 * can learn it) but not its key. Records every gossipsub RPC byte it receives and every
 * message on the topic.
 */
export interface Outsider {
  node: ChatNode
  /** Raw gossipsub RPC frames received (after transport decryption). */
  rpcBytes: Uint8Array[]
  /** Data of every message received on the topic. */
  messages: Uint8Array[]
  publish(data: Uint8Array): Promise<void>
  stop(): Promise<void>
}

export async function startOutsider (relayAddr: string, topic: string, relayNode?: { services: { pubsub: unknown } }): Promise<Outsider> {
  const node = await createChatNode()
  const pubsub = node.services.pubsub as any
  const rpcBytes: Uint8Array[] = []
  const messages: Uint8Array[] = []
  // decodeRpc receives each RPC frame exactly as it arrived on the gossipsub stream.
  const decodeRpc = pubsub.decodeRpc.bind(pubsub)
  pubsub.decodeRpc = (bytes: Uint8Array) => {
    rpcBytes.push(Uint8Array.from(bytes))
    return decodeRpc(bytes)
  }
  node.services.pubsub.addEventListener('message', (evt) => {
    if (evt.detail.topic === topic) messages.push(evt.detail.data)
  })
  await node.dial(multiaddr(relayAddr))
  node.services.pubsub.subscribe(topic)
  const relayId = multiaddr(relayAddr).getComponents().findLast((c) => c.name === 'p2p')?.value as string
  await waitFor(() => meshPeers(node.services.pubsub, topic).includes(relayId), 10_000, 'the relay in the outsider\'s mesh')
  // Mesh membership is decided on each side: also wait for the relay to have taken the
  // outsider into its own mesh, so that it forwards the room's messages at once.
  const self = node.peerId.toString()
  if (relayNode != null) await waitFor(() => meshPeers(relayNode.services.pubsub, topic).includes(self), 10_000, 'the outsider in the relay\'s mesh')
  return {
    node,
    rpcBytes,
    messages,
    async publish (data) { await node.services.pubsub.publish(topic, data) },
    async stop () { await node.stop() }
  }
}

/** Whether `needle` occurs anywhere in `haystack`. */
export function containsBytes (haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle)) !== -1
}

/** An envelope with an unknown protobuf field appended: same content, new gossipsub message id. */
export function withUnknownField (envelope: Uint8Array): Uint8Array {
  // field 15, wire type 2 (length-delimited), 3 bytes
  return Uint8Array.from([...envelope, 0x7a, 0x03, 0x01, 0x02, 0x03])
}
