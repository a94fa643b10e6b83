import { PROTOCOL_VERSION } from '../src/constants.js'
import { decodeEnvelope, encodeEnvelope } from '../src/protocol/index.js'

/** A chat-sized message body carrying its id (every variant sends the same bytes). */
export function body (id: number): string {
  return `m${id} `.padEnd(96, 'lorem ipsum dolor sit amet ')
}

/** The id a message body carries; -1 for a body that is not ours. */
export function idOf (text: string): number {
  return Number(/^m(\d+) /.exec(text)?.[1] ?? -1)
}

/**
 * What C's sealing adds to a body on the wire (signature, sender key, fields, AEAD tag),
 * measured from a real envelope of this body; B pads its frames by the same amount.
 */
const SEAL_OVERHEAD_BYTES = 143

/**
 * B's payload: the body in plaintext, framed as an envelope the size of C's, so that the
 * relay's hub (which forwards only well-formed envelopes) carries B's messages as it
 * carries C's, and the wire carries the same number of bytes. No crypto.
 */
export function framedBody (id: number): Uint8Array {
  const text = new TextEncoder().encode(body(id))
  const ciphertext = new Uint8Array(text.length + SEAL_OVERHEAD_BYTES)
  ciphertext.set(text)
  return encodeEnvelope({ version: PROTOCOL_VERSION, epoch: 0, nonce: new Uint8Array(24), ciphertext })
}

/** The id a B payload carries; -1 when it is not one. */
export function idOfFramed (bytes: Uint8Array): number {
  try {
    const text = new TextDecoder().decode(decodeEnvelope(bytes).ciphertext.subarray(0, 96))
    return idOf(text)
  } catch {
    return -1
  }
}
