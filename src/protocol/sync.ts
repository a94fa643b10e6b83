import {
  MAX_CONTROL_OPS,
  GAP_MAX_SPAN, MAX_ENVELOPE_BYTES, PROTOCOL_VERSION, SYNC_MAX_PUT, SYNC_MAX_FRAME_BYTES, SYNC_MAX_HAVE, SYNC_MAX_KNOWN,
  SYNC_MAX_RANGES, SYNC_PROOF_SKEW_MS
} from '../constants.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, concatBytes, hash, sign, verify } from '../crypto/index.js'
import { SyncKnown, SyncRange, SyncRequest, SyncResponse } from './cryptochat.js'
import { MalformedMessageError } from './errors.js'
import { topicOfKey } from './keys.js'
import { wire } from './wire.js'

export { SyncKnown, SyncRange, SyncRequest, SyncResponse }

const PROOF_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/sync-proof`
const IDENTITY_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/sync-identity`
const encoder = new TextEncoder()
/** Envelope hashes are full SHA-256 (the same as gossipsub's message ids). */
const HASH_BYTES = 32

/** The id of an envelope: SHA-256 of its exact bytes (also its gossipsub message id). */
export function envelopeHash (envelope: Uint8Array): Uint8Array {
  return hash(envelope)
}

/** Bytes a sync proof signs: both peer ids (so it is useless on another link) and the time. */
function proofInput (requester: string, responder: string, timestamp: bigint): Uint8Array {
  const ts = new Uint8Array(8)
  new DataView(ts.buffer).setBigUint64(0, timestamp)
  const a = encoder.encode(requester)
  const b = encoder.encode(responder)
  return concatBytes(new Uint8Array([a.length]), a, new Uint8Array([b.length]), b, ts)
}

/** What a request asks, without its proof. */
export type SyncQuery = Omit<SyncRequest, 'topicKey' | 'timestamp' | 'proof'>

/**
 * A sync request for the room whose topic key pair is `topicKey`, from transport peer
 * `requester` to `responder`, proving knowledge of the room secret.
 */
export function signSyncRequest (
  topicKey: { secretKey: Uint8Array, publicKey: Uint8Array }, requester: string, responder: string, query: Partial<SyncQuery>, now = Date.now(),
  identity?: { secretKey: Uint8Array, publicKey: Uint8Array }
): SyncRequest {
  const timestamp = BigInt(now)
  const signedBy = identity != null
    ? { identity: wire(identity.publicKey), identityProof: wire(sign(identity.secretKey, IDENTITY_DOMAIN, identityInput('request', requester, responder, timestamp, topicKey.publicKey))) }
    : {}
  return {
    have: [],
    after: 0n,
    since: 0n,
    known: [],
    want: [],
    limit: 0,
    fetch: false,
    put: [],
    log: false,
    logHave: [],
    identity: new Uint8Array(0),
    identityProof: new Uint8Array(0),
    ...query,
    ...signedBy,
    topicKey: wire(topicKey.publicKey),
    timestamp,
    proof: wire(sign(topicKey.secretKey, PROOF_DOMAIN, proofInput(requester, responder, timestamp)))
  }
}

/** What a member's identity signs on a sync link: which side it is, both peers, the request's time and the topic key. */
function identityInput (side: 'request' | 'response', requester: string, responder: string, timestamp: bigint, topicKey: Uint8Array): Uint8Array {
  return concatBytes(encoder.encode(side), proofInput(requester, responder, timestamp), topicKey)
}

/**
 * The requester's identity (hex key) if the request carries one whose signature binds it
 * to this link; undefined otherwise. (Check the request's proof first.)
 */
export function requestIdentity (request: SyncRequest, requester: string, responder: string): Uint8Array | undefined {
  if (request.identity.length !== PUBLIC_KEY_BYTES || request.identityProof.length !== SIGNATURE_BYTES) return undefined
  return verify(request.identity, IDENTITY_DOMAIN, identityInput('request', requester, responder, request.timestamp, request.topicKey), request.identityProof) ? request.identity : undefined
}

/** A responder's identity fields for its first frame, bound to this link and request. */
export function signResponseIdentity (identity: { secretKey: Uint8Array, publicKey: Uint8Array }, request: SyncRequest, requester: string, responder: string): Pick<SyncResponse, 'identity' | 'identityProof'> {
  return { identity: wire(identity.publicKey), identityProof: wire(sign(identity.secretKey, IDENTITY_DOMAIN, identityInput('response', requester, responder, request.timestamp, request.topicKey))) }
}

/** The responder's identity if its frame carries one bound to this link and request. */
export function responseIdentity (frame: SyncResponse, request: SyncRequest, requester: string, responder: string): Uint8Array | undefined {
  if (frame.identity.length !== PUBLIC_KEY_BYTES || frame.identityProof.length !== SIGNATURE_BYTES) return undefined
  return verify(frame.identity, IDENTITY_DOMAIN, identityInput('response', requester, responder, request.timestamp, request.topicKey), frame.identityProof) ? frame.identity : undefined
}

/** Why a sync request is refused: the responder answers DENIED. */
export class SyncProofError extends Error {
  override readonly name: string = 'SyncProofError'
}

/**
 * Check a request's proof as its responder: signed by the topic key, for this very link
 * (requester is the stream's remote peer, authenticated by Noise; responder is us), and
 * recent. Returns the chat topic it proves knowledge of.
 */
export function verifySyncRequest (request: SyncRequest, requester: string, responder: string, now = Date.now()): string {
  const ts = Number(request.timestamp)
  if (Math.abs(now - ts) > SYNC_PROOF_SKEW_MS) throw new SyncProofError('sync proof is stale (check both clocks)')
  if (!verify(request.topicKey, PROOF_DOMAIN, proofInput(requester, responder, request.timestamp), request.proof)) {
    throw new SyncProofError('sync proof does not verify')
  }
  return topicOfKey(request.topicKey)
}

/** Decode a sync request from untrusted bytes, within every bound. Total: throws only MalformedMessageError. */
export function decodeSyncRequest (bytes: Uint8Array): SyncRequest {
  if (bytes.length > SYNC_MAX_FRAME_BYTES) throw new MalformedMessageError('sync request too large')
  let request: SyncRequest
  try {
    request = SyncRequest.decode(bytes, { limits: { have: SYNC_MAX_HAVE, known: SYNC_MAX_KNOWN, want: SYNC_MAX_RANGES, put: SYNC_MAX_PUT, logHave: MAX_CONTROL_OPS } })
  } catch {
    throw new MalformedMessageError('sync request is not valid protobuf')
  }
  if (request.topicKey.length !== PUBLIC_KEY_BYTES || request.proof.length !== SIGNATURE_BYTES) throw new MalformedMessageError('sync request has a malformed proof')
  if (request.have.some((h) => h.length !== HASH_BYTES)) throw new MalformedMessageError('sync request has a malformed hash')
  // A range is bounded like a gap (GAP_MAX_SPAN): the responder walks it.
  if (request.known.some((k) => k.sender.length !== PUBLIC_KEY_BYTES) ||
    request.want.some((w) => w.sender.length !== PUBLIC_KEY_BYTES || w.first < 1n || w.last < w.first || w.last - w.first >= BigInt(GAP_MAX_SPAN))) {
    throw new MalformedMessageError('sync request has a malformed range')
  }
  if (request.put.length > 0 && (request.have.length > 0 || request.put.some((e) => e.length === 0 || e.length > MAX_ENVELOPE_BYTES))) {
    throw new MalformedMessageError('sync request has a malformed put')
  }
  return request
}

/** Decode a sync response from untrusted bytes. Total: throws only MalformedMessageError. */
export function decodeSyncResponse (bytes: Uint8Array): SyncResponse {
  if (bytes.length > SYNC_MAX_FRAME_BYTES) throw new MalformedMessageError('sync response too large')
  try {
    return SyncResponse.decode(bytes, { limits: { envelopes: SYNC_MAX_FRAME_BYTES / 64, log: SYNC_MAX_FRAME_BYTES / 64 } })
  } catch {
    throw new MalformedMessageError('sync response is not valid protobuf')
  }
}

/** A response frame: OK, nothing in it, not the last, except for what `fields` sets. */
export function syncResponse (fields: Partial<SyncResponse> = {}): SyncResponse {
  return { status: SyncResponse.Status.OK, envelopes: [], have: new Uint8Array(0), cursor: 0n, done: false, log: [], identity: new Uint8Array(0), identityProof: new Uint8Array(0), ...fields }
}

/** A bitmap of `bits` (bit i in byte i/8, mask 1 << i%8). */
export function packBits (bits: boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8))
  bits.forEach((b, i) => { if (b) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7)) })
  return out
}

/** Read `count` bits from a bitmap made by {@link packBits} (missing bytes are zeros). */
export function unpackBits (bytes: Uint8Array, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => (((bytes[i >> 3] ?? 0) >> (i & 7)) & 1) === 1)
}
