import { MAX_ENVELOPE_BYTES, NONCE_BYTES, PROTOCOL_VERSION } from '../constants.js'
import { equalBytes } from '../crypto/bytes.js'
import { Envelope } from './cryptochat.js'
import { MalformedEnvelopeError, UnsupportedVersionError } from './errors.js'

export type { Envelope }

/** Encode an envelope for the wire. */
export function encodeEnvelope (envelope: Envelope): Uint8Array {
  return Envelope.encode(envelope)
}

/**
 * Decode an envelope from untrusted bytes. Total: every failure is a
 * {@link MalformedEnvelopeError} or {@link UnsupportedVersionError}, never another throw.
 */
export function decodeEnvelope (bytes: Uint8Array): Envelope {
  if (bytes.length > MAX_ENVELOPE_BYTES) throw new MalformedEnvelopeError(`envelope of ${bytes.length} bytes exceeds ${MAX_ENVELOPE_BYTES}`)
  let envelope: Envelope
  try {
    envelope = Envelope.decode(bytes)
  } catch {
    throw new MalformedEnvelopeError('envelope is not valid protobuf')
  }
  if (envelope.version !== PROTOCOL_VERSION) throw new UnsupportedVersionError(`envelope version ${envelope.version} is not supported`)
  if (envelope.nonce.length !== NONCE_BYTES) throw new MalformedEnvelopeError('envelope nonce has the wrong length')
  if (envelope.ciphertext.length === 0) throw new MalformedEnvelopeError('envelope has no ciphertext')
  // Only the one canonical encoding is accepted. The generated decoder ignores wire types
  // of known fields and skips unknown ones, so without this, other byte strings (a flipped
  // wire-type bit, an appended field, a repeated field) would open to the same message
  // under a different gossipsub message id.
  if (!equalBytes(Envelope.encode(envelope), bytes)) throw new MalformedEnvelopeError('envelope is not in canonical form')
  return envelope
}

/** The epoch an envelope names (-1 if it does not decode). */
export function envelopeEpoch (data: Uint8Array): number {
  try {
    return decodeEnvelope(data).epoch
  } catch {
    return -1
  }
}
