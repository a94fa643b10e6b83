/**
 * @packageDocumentation
 *
 * Thin wrappers over audited primitives (@noble/ciphers, @noble/hashes, @noble/curves):
 * XChaCha20-Poly1305 AEAD, HKDF-SHA256 and Ed25519 with domain separation. Nothing here
 * knows about rooms, files or the network.
 *
 * @example
 * ```ts
 * const { nonce, ciphertext } = seal(key, aad, plaintext)
 * const back = open(key, nonce, aad, ciphertext)
 * ```
 */
export { seal, open, type Sealed } from './aead.js'
export { deriveKey, hash } from './kdf.js'
export {
  generateSigningKeyPair, publicKeyOf, sign, verify, isStrongPublicKey,
  PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, SIGNATURE_BYTES, type SigningKeyPair
} from './sign.js'
export { DecryptionError, KeyLengthError } from './errors.js'
export { randomBytes, concatBytes, bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
export { equalBytes, compareBytes } from './bytes.js'
export { wrapKey, unwrapKey, type KeyPackage, type WrappedKey } from './key-wrap.js'
