import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'

const encoder = new TextEncoder()

/** HKDF-SHA256 with a text `info` label (domain separation). */
export function deriveKey (ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Uint8Array {
  return hkdf(sha256, ikm, salt, encoder.encode(info), length)
}

/** SHA-256 of `data`. */
export function hash (data: Uint8Array): Uint8Array {
  return sha256(data)
}
