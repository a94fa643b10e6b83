import { logger } from '@libp2p/logger'
import { RateLimiter } from '@libp2p/utils'
import {
  STORE_MAX_CONCURRENT_READS, STORE_NEW_TOPIC_WINDOW_MS, STORE_NEW_TOPICS_PER_PEER, STORE_REQUEST_BURST, STORE_REQUESTS_PER_SECOND,
  SYNC_ENVELOPES_PER_FRAME, SYNC_MAX_ENVELOPES, SYNC_PROOF_BURST, SYNC_PROOFS_PER_SECOND, TOPIC_PATTERN
} from '../src/constants.js'
import { handleSync, withinLimit, type ChatNode, type SyncServe } from '../src/net/index.js'
import { SyncResponse, decodeEnvelope, syncResponse, envelopeHash, packBits, wire, type SyncRequest } from '../src/protocol/index.js'
import type { BlindStore } from './store.js'

const log = logger('cryptochat:relay:store')

/** Options of {@link serveBlindStore}; defaults in src/constants.ts (the `store.*` settings of the same names). */
export interface BlindStoreServiceInit {
  /**
   * Requests one peer may make in a burst (default {@link STORE_REQUEST_BURST}); it may then
   * make `requestBurst` more each `requestBurst / requestsPerSecond` seconds (a fixed window).
   */
  requestBurst?: number
  /** Requests per second one peer may make on average (default {@link STORE_REQUESTS_PER_SECOND}). */
  requestsPerSecond?: number
  /** Reads served at once, from all peers (default {@link STORE_MAX_CONCURRENT_READS}). */
  maxConcurrentReads?: number
  /** Topics one peer may create per `newTopicWindowMs` (default {@link STORE_NEW_TOPICS_PER_PEER}). */
  newTopicsPerPeer?: number
  /** default {@link STORE_NEW_TOPIC_WINDOW_MS} (an hour) */
  newTopicWindowMs?: number
}

/**
 * Serve the blind store over the sync protocol. Every request carries a proof of room
 * knowledge (checked by handleSync: a signature by the room's topic key, whose hash is the
 * topic, over both peer ids and the time), so knowing a topic's name (anyone connected to
 * the relay does) is not enough to fetch its past ciphertext, nor to put into it.
 */
export async function serveBlindStore (node: ChatNode, store: BlindStore, init: BlindStoreServiceInit = {}): Promise<void> {
  // The proof check's own allowance stays above the store's, so members meet the store's
  // "busy" (counted per request) rather than the check's.
  const burst = init.requestBurst ?? STORE_REQUEST_BURST
  const rate = init.requestsPerSecond ?? STORE_REQUESTS_PER_SECOND
  await handleSync(node, blindStoreService(store, init), {
    proofBurst: Math.max(SYNC_PROOF_BURST, 2 * burst),
    proofsPerSecond: Math.max(SYNC_PROOFS_PER_SECOND, 2 * rate)
  })
}

const OK = syncResponse()
const BUSY: SyncResponse = { ...OK, status: SyncResponse.Status.BUSY, done: true }


/**
 * The store's answers to verified sync requests (see {@link SyncServe}): a put, an
 * acknowledgement query (`have`), or a read (`fetch`). A peer past its request allowance,
 * or a read past the cap on concurrent reads, is answered BUSY.
 */
export function blindStoreService (store: BlindStore, init: BlindStoreServiceInit = {}): SyncServe {
  const burst = init.requestBurst ?? STORE_REQUEST_BURST
  const requests = new RateLimiter({ points: burst, duration: burst / (init.requestsPerSecond ?? STORE_REQUESTS_PER_SECOND), keyPrefix: '' })
  const newTopics = new RateLimiter({
    points: init.newTopicsPerPeer ?? STORE_NEW_TOPICS_PER_PEER,
    duration: (init.newTopicWindowMs ?? STORE_NEW_TOPIC_WINDOW_MS) / 1000,
    keyPrefix: ''
  })
  const maxReads = init.maxConcurrentReads ?? STORE_MAX_CONCURRENT_READS
  let reading = 0

  /** Keep what a member put; `have` says, per envelope, whether the store now holds it. */
  const put = (topic: string, envelopes: Uint8Array[], remotePeer: string): SyncResponse => {
    const creates = !store.holds(topic)
    if (creates && !withinLimit(newTopics, remotePeer)) {
      log('%s may create no more topics for now', remotePeer)
      return { ...OK, have: wire(packBits(envelopes.map(() => false))), done: true }
    }
    const held = envelopes.map((data) => {
      if (!wellFormed(data)) return false
      // Undefined also for a duplicate: held all the same.
      return store.put(topic, data) != null || store.has(topic, [envelopeHash(data)])[0] === true
    })
    // Nothing kept (malformed, or no slot for a new topic): the topic was not created.
    if (creates && !store.holds(topic)) newTopics.reward(remotePeer)
    log('put from %s: %d of %d held', remotePeer, held.filter(Boolean).length, envelopes.length)
    return { ...OK, have: wire(packBits(held)), done: true }
  }

  async function * answer (topic: string, request: SyncRequest, remotePeer: string): AsyncGenerator<SyncResponse> {
    if (!withinLimit(requests, remotePeer)) {
      log('%s is past its request allowance: busy', remotePeer)
      yield BUSY
      return
    }
    if (request.put.length > 0) {
      yield put(topic, request.put, remotePeer)
      return
    }
    const have = (done: boolean): SyncResponse => ({ ...OK, have: wire(packBits(store.has(topic, request.have))), done })
    if (!request.fetch) {
      yield have(true)
      return
    }
    // Checked and counted in one synchronous step: no other request runs in between.
    if (reading >= maxReads) {
      log('%d reads under way: busy for %s', reading, remotePeer)
      yield BUSY
      return
    }
    reading++
    try {
      if (request.have.length > 0) yield have(false)
      yield * readFrames(store, topic, request)
    } finally {
      reading--
    }
  }

  return (topic, request, remotePeer) => TOPIC_PATTERN.test(topic) ? answer(topic, request, remotePeer) : undefined
}

/** Whether `data` is a well-formed envelope in its one canonical encoding (no key needed to tell). */
function wellFormed (data: Uint8Array): boolean {
  try {
    decodeEnvelope(data)
    return true
  } catch {
    return false
  }
}

/**
 * The envelopes after the request's cursor, in frames. A first read (`after` 0) with a
 * `since` starts at the first envelope the store received at or after that time, so a new
 * member does not download days of history it would refuse by date.
 */
async function * readFrames (store: BlindStore, topic: string, request: SyncRequest): AsyncGenerator<SyncResponse> {
  // A cursor beyond what the store ever gave out means its files were replaced: start over
  // (members refuse what they already hold).
  let after = request.after > store.latest(topic) ? 0n : request.after
  if (request.after === 0n && request.since > 0n) after = store.cursorAt(topic, Number(request.since))
  let left = Math.min(request.limit === 0 ? SYNC_MAX_ENVELOPES : request.limit, SYNC_MAX_ENVELOPES)
  while (left > 0) {
    const batch = store.read(topic, after, Math.min(SYNC_ENVELOPES_PER_FRAME, left))
    if (batch.length === 0) break
    after = batch[batch.length - 1]?.cursor ?? after
    left -= batch.length
    yield { ...OK, envelopes: batch.map((e) => wire(e.data)), cursor: after }
  }
  yield { ...OK, cursor: after, done: true }
}
