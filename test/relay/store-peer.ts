/**
 * A peer that talks to a relay's blind store over the sync protocol, as a member does:
 * with a proof made from a room secret it holds (a real room's, or one it made up).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { createChatNode, requestSync, type ChatNode } from '../../src/net/index.js'
import { randomBytes } from '../../src/crypto/index.js'
import { PROTOCOL_VERSION } from '../../src/constants.js'
import {
  encodeEnvelope, signSyncRequest, topicKeyForRoom, topicOfKey, unpackBits, wire, type SyncQuery, type SyncResponse
} from '../../src/protocol/index.js'
import { makeRoom, type TestRoom } from '../protocol/forge.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, tempDirs } from '../helpers/index.js'

export { makeRoom, type TestRoom }

/** The chat topic of a test room. */
export function topicOf (room: TestRoom): string {
  return topicOfKey(topicKeyForRoom(room.secret, room.roomId).publicKey)
}

/** A well-formed envelope of random content (the store cannot tell it from a real one). */
export function randomEnvelope (size = 100): Uint8Array<ArrayBuffer> {
  return wire(encodeEnvelope({ version: PROTOCOL_VERSION, epoch: 0, nonce: wire(randomBytes(24)), ciphertext: wire(randomBytes(size)) }))
}

export interface StorePeer {
  node: ChatNode
  peerId: string
  /** Send one request for `room` and collect every response frame; a refusal or BUSY rejects (SyncRequestError). */
  request(room: TestRoom, query: Partial<SyncQuery>): Promise<SyncResponse[]>
  /** Put `envelopes` on the room's topic: per envelope, whether the store now holds it. */
  put(room: TestRoom, envelopes: Uint8Array[]): Promise<boolean[]>
  /** Read the room's envelopes (`fetch`): all of them, and the last cursor. */
  fetch(room: TestRoom, query?: Partial<SyncQuery>): Promise<{ envelopes: Uint8Array[], cursor: bigint }>
  stop(): Promise<void>
}

/** A fresh libp2p node connected to the relay at `relayAddr`. */
export async function startStorePeer (relayAddr: string): Promise<StorePeer> {
  const node = await createChatNode()
  await node.dial(multiaddr(relayAddr))
  const relayId = multiaddr(relayAddr).getComponents().findLast((c) => c.name === 'p2p')?.value as string
  const peerId = node.peerId.toString()
  const request = async (room: TestRoom, query: Partial<SyncQuery>): Promise<SyncResponse[]> => {
    const frames: SyncResponse[] = []
    const signed = signSyncRequest(topicKeyForRoom(room.secret, room.roomId), peerId, relayId, query)
    for await (const frame of requestSync(node, relayId, signed)) frames.push(frame)
    return frames
  }
  return {
    node,
    peerId,
    request,
    async put (room, envelopes) {
      const frames = await request(room, { put: envelopes.map(wire) })
      if (frames.length !== 1 || frames[0]?.done !== true) throw new Error(`a put is answered in one frame, got ${frames.length}`)
      return unpackBits(frames[0].have, envelopes.length)
    },
    async fetch (room, query = {}) {
      const frames = await request(room, { fetch: true, ...query })
      // Plain arrays (the decoder hands out Buffers), to compare with what was put.
      return { envelopes: frames.flatMap((f) => f.envelopes.map((e) => new Uint8Array(e))), cursor: frames[frames.length - 1]?.cursor ?? 0n }
    },
    async stop () { await node.stop() }
  }
}

/** Relays with a store and peers started by a test file, all stopped by `stopAll`. */
export interface StoreFixture {
  relayWithStore(store?: Record<string, unknown>): Promise<{ relay: Relay, addr: string }>
  peer(addr: string): Promise<StorePeer>
  /** Stop this too at the end (an outsider, a store opened directly). */
  track(stoppable: { stop(): Promise<void> | void }): void
  /** A fresh temporary directory, removed at the end. */
  dir(name: string): string
  stopAll(): Promise<void>
}

/** One test file's relays, peers and temporary directories. */
export function storeFixture (prefix: string): StoreFixture {
  const dirs = tempDirs(prefix)
  const relays: Relay[] = []
  const others: Array<{ stop(): Promise<void> | void }> = []
  return {
    async relayWithStore (store = {}) {
      const started = await startTestRelay({ store: { enabled: true, dir: dirs.make('store'), ...store } })
      relays.push(started.relay)
      return started
    },
    async peer (addr) {
      const p = await startStorePeer(addr)
      others.push(p)
      return p
    },
    track (stoppable) { others.push(stoppable) },
    dir: (name) => dirs.make(name),
    async stopAll () {
      for (const p of others.splice(0)) await p.stop()
      for (const r of relays.splice(0)) await r.stop()
      dirs.removeAll()
    }
  }
}
