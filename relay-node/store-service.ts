import { SYNC_ENVELOPES_PER_FRAME, SYNC_MAX_ENVELOPES, TOPIC_PATTERN } from '../src/constants.js'
import { handleSync, type ChatNode } from '../src/net/index.js'
import { SyncResponse, packBits, wire, type SyncRequest } from '../src/protocol/index.js'
import type { BlindStore } from './store.js'

/**
 * Serve the blind store over the sync protocol. A request must carry a proof of room
 * knowledge (checked by handleSync: a signature by the room's topic key, whose hash is the
 * topic, over both peer ids and the time), so knowing a topic's name (anyone connected to
 * the relay does) is not enough to fetch its past ciphertext.
 */
export async function serveBlindStore (node: ChatNode, store: BlindStore): Promise<void> {
  await handleSync(node, (topic, request) => TOPIC_PATTERN.test(topic) ? storeFrames(store, topic, request) : undefined)
}

/** Answer one request: which envelopes are held (`have`), and/or those after a cursor. */
async function * storeFrames (store: BlindStore, topic: string, request: SyncRequest): AsyncGenerator<SyncResponse> {
  const empty: SyncResponse = { status: SyncResponse.Status.OK, envelopes: [], have: new Uint8Array(0), cursor: 0n, done: false }
  if (request.have.length > 0) {
    yield { ...empty, have: wire(packBits(store.has(topic, request.have))), done: !request.fetch }
    if (!request.fetch) return
  }
  if (!request.fetch) {
    yield { ...empty, done: true }
    return
  }
  // A cursor beyond what the store ever gave out means its files were replaced: start over
  // (members refuse what they already hold).
  let after = request.after > store.latest(topic) ? 0n : request.after
  let left = Math.min(request.limit === 0 ? SYNC_MAX_ENVELOPES : request.limit, SYNC_MAX_ENVELOPES)
  while (left > 0) {
    const batch = store.read(topic, after, Math.min(SYNC_ENVELOPES_PER_FRAME, left))
    if (batch.length === 0) break
    after = batch[batch.length - 1]?.cursor ?? after
    left -= batch.length
    yield { ...empty, envelopes: batch.map((e) => wire(e.data)), cursor: after }
  }
  yield { ...empty, cursor: after, done: true }
}
