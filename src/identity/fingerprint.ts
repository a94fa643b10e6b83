import { bytesToHex, concatBytes, hash } from '../crypto/index.js'

const LABEL = new TextEncoder().encode('cryptochat/1/fingerprint')

/** Length of a fingerprint in hex characters (160 bits). */
export const FINGERPRINT_CHARS = 40

/** Length of the short form shown next to nicks. */
export const SHORT_FINGERPRINT_CHARS = 8

/**
 * The fingerprint of an identity public key: the first 160 bits of
 * SHA-256("cryptochat/1/fingerprint" | key), as 40 lowercase hex characters.
 */
export function fingerprint (publicKey: Uint8Array): string {
  return bytesToHex(hash(concatBytes(LABEL, publicKey))).slice(0, FINGERPRINT_CHARS)
}

/** A fingerprint in groups of four for reading aloud: `1a2b 3c4d ...`. */
export function groupFingerprint (fp: string): string {
  return fp.replace(/(.{4})(?=.)/g, '$1 ')
}

/** The short form of a fingerprint, enough to tell members apart at a glance. */
export function shortFingerprint (fp: string): string {
  return fp.slice(0, SHORT_FINGERPRINT_CHARS)
}
