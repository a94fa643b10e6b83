import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { randomBytes } from '../../src/crypto/index.js'
import {
  SyncRequest, decodeSyncRequest, decodeSyncResponse, packBits, signSyncRequest, topicKeyForRoom, topicForRoom,
  unpackBits, verifySyncRequest
} from '../../src/protocol/index.js'
import { GAP_MAX_SPAN, SYNC_PROOF_SKEW_MS } from '../../src/constants.js'
import { throwsNamed } from '../unit-helpers.js'

const secret = randomBytes(32)
const roomId = randomBytes(16)
const key = topicKeyForRoom(secret, roomId)
const A = '12D3KooWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const R = '12D3KooWRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR'
const now = 1_800_000_000_000

describe('protocol/sync', () => {
  it('a request signed by the topic key verifies for its link, and names the room\'s topic', () => {
    const request = decodeSyncRequest(SyncRequest.encode(signSyncRequest(key, A, R, { fetch: true }, now)))
    assert.equal(verifySyncRequest(request, A, R, now + 1000), topicForRoom(secret, roomId))
  })

  it('is refused on another link, later, or signed by a key other than the topic\'s', () => {
    const request = signSyncRequest(key, A, R, { fetch: true }, now)
    throwsNamed(() => verifySyncRequest(request, R, R, now), 'SyncProofError') // replayed by someone else
    throwsNamed(() => verifySyncRequest(request, A, A, now), 'SyncProofError') // to another responder
    throwsNamed(() => verifySyncRequest(request, A, R, now + SYNC_PROOF_SKEW_MS + 1), 'SyncProofError')
    const other = topicKeyForRoom(randomBytes(32), roomId)
    const forged = { ...signSyncRequest(other, A, R, { fetch: true }, now), topicKey: request.topicKey }
    throwsNamed(() => verifySyncRequest(forged, A, R, now), 'SyncProofError')
  })

  it('bounds what a request may ask: ranges, hashes, puts', () => {
    const base = signSyncRequest(key, A, R, {}, now)
    const sender = randomBytes(32) as Uint8Array<ArrayBuffer>
    const enc = (over: Partial<SyncRequest>): Uint8Array => SyncRequest.encode({ ...base, ...over })
    throwsNamed(() => decodeSyncRequest(enc({ want: [{ sender, first: 1n, last: BigInt(GAP_MAX_SPAN) + 1n }] })), 'MalformedMessageError')
    throwsNamed(() => decodeSyncRequest(enc({ want: [{ sender, first: 5n, last: 4n }] })), 'MalformedMessageError')
    throwsNamed(() => decodeSyncRequest(enc({ want: [{ sender, first: 0n, last: 4n }] })), 'MalformedMessageError')
    throwsNamed(() => decodeSyncRequest(enc({ have: [randomBytes(31) as Uint8Array<ArrayBuffer>] })), 'MalformedMessageError')
    throwsNamed(() => decodeSyncRequest(enc({ put: [new Uint8Array(9000)] })), 'MalformedMessageError')
    throwsNamed(() => decodeSyncRequest(enc({ put: [new Uint8Array(10)], have: [randomBytes(32) as Uint8Array<ArrayBuffer>] })), 'MalformedMessageError')
    assert.equal(decodeSyncRequest(enc({ want: [{ sender, first: 1n, last: BigInt(GAP_MAX_SPAN) }] })).want.length, 1)
  })

  it('decoders throw only typed errors on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      for (const decode of [decodeSyncRequest, decodeSyncResponse]) {
        try { decode(bytes) } catch (err) { assert.equal((err as Error).name, 'MalformedMessageError') }
      }
    }), { numRuns: 2000 })
  })

  it('bitmaps round-trip', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 100 }), (bits) => {
      assert.deepEqual(unpackBits(packBits(bits), bits.length), bits)
    }))
  })
})
