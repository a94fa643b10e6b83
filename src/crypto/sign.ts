import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
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

// DER prefixes that wrap a raw Ed25519 seed (PKCS#8) or public key (SPKI), so that
// node:crypto (OpenSSL) can use them: it signs and verifies ~10-20x faster than the
// pure-JS implementation, and verification runs once per received message per member.
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

/** Parsed keys, by their bytes: a room hears the same few senders again and again. */
const MAX_CACHED_KEYS = 4096
const keyCache = new Map<string, KeyObject>()

function cached (kind: 'sk' | 'pk', bytes: Uint8Array, make: () => KeyObject): KeyObject {
  const id = kind + Buffer.from(bytes).toString('base64')
  let key = keyCache.get(id)
  if (key == null) {
    key = make()
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value as string)
    keyCache.set(id, key)
  }
  return key
}

function privateKeyObject (secretKey: Uint8Array): KeyObject {
  return cached('sk', secretKey, () => createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, secretKey)), format: 'der', type: 'pkcs8' }))
}

function publicKeyObject (publicKey: Uint8Array): KeyObject {
  return cached('pk', publicKey, () => createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' }))
}

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

/** Sign `message` under a domain-separation label (Ed25519, RFC 8032). */
export function sign (secretKey: Uint8Array, domain: string, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(null, signingInput(domain, message), privateKeyObject(secretKey)))
}

/** Keys already checked by {@link isStrongPublicKey}, by their bytes. */
const strongKeys = new Map<string, boolean>()

/**
 * Whether 32 bytes are a canonically encoded Ed25519 point of large order. A small-order
 * key (the identity point, say) "verifies" a made-up signature over any message in
 * OpenSSL's cofactored check, and gives an all-zero X25519 secret: no such key may sign
 * for, or be handed a key in, a room. About 0.1 ms, cached per key.
 */
export function isStrongPublicKey (publicKey: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES) return false
  const id = Buffer.from(publicKey).toString('base64')
  let strong = strongKeys.get(id)
  if (strong == null) {
    try {
      strong = !ed25519.Point.fromBytes(publicKey).isSmallOrder()
    } catch {
      strong = false
    }
    if (strongKeys.size >= MAX_CACHED_KEYS) strongKeys.delete(strongKeys.keys().next().value as string)
    strongKeys.set(id, strong)
  }
  return strong
}

/** Verify a signature made by {@link sign}; never throws, malformed inputs (and weak keys) are `false`. */
export function verify (publicKey: Uint8Array, domain: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
  if (!isStrongPublicKey(publicKey)) return false
  try {
    return nodeVerify(null, signingInput(domain, message), publicKeyObject(publicKey), signature)
  } catch {
    return false
  }
}
