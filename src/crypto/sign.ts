import { ed25519 } from '@noble/curves/ed25519.js'
import { concatBytes } from '@noble/hashes/utils.js'

const encoder = new TextEncoder()

/** An Ed25519 key pair: 32-byte secret seed and 32-byte public key. */
export interface SigningKeyPair {
  secretKey: Uint8Array
  publicKey: Uint8Array
}

export const PUBLIC_KEY_BYTES = 32
export const SECRET_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64

/** A fresh random Ed25519 key pair. */
export function generateSigningKeyPair (): SigningKeyPair {
  const { secretKey, publicKey } = ed25519.keygen()
  return { secretKey, publicKey }
}

/** The public key of a 32-byte secret seed. */
export function publicKeyOf (secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey)
}

/**
 * Signing input: the domain label, a zero byte, then the message. The label keeps a
 * signature made for one purpose (an invite) from being valid for another (a message).
 */
function signingInput (domain: string, message: Uint8Array): Uint8Array {
  return concatBytes(encoder.encode(domain), new Uint8Array([0]), message)
}

/** Sign `message` under a domain-separation label. */
export function sign (secretKey: Uint8Array, domain: string, message: Uint8Array): Uint8Array {
  return ed25519.sign(signingInput(domain, message), secretKey)
}

/** Verify a signature made by {@link sign}; never throws, malformed inputs are `false`. */
export function verify (publicKey: Uint8Array, domain: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
  try {
    return ed25519.verify(signature, signingInput(domain, message), publicKey)
  } catch {
    return false
  }
}
