import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { concatBytes } from '@noble/hashes/utils.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { DecryptionError, KeyLengthError } from './errors.js'
import { deriveKey } from './kdf.js'
import { isStrongPublicKey } from './sign.js'

/** One recipient's copy of a wrapped key: its Ed25519 identity key, and the key sealed to it. */
export interface WrappedKey {
  recipient: Uint8Array
  /** 32-byte key + 16-byte tag. */
  wrapped: Uint8Array
}

/** A key wrapped for several recipients under one ephemeral X25519 key. */
export interface KeyPackage {
  /** X25519 public key of the sender's one-time key. */
  ephemeral: Uint8Array
  keys: WrappedKey[]
}

const WRAP_LABEL = 'cryptochat/1/key-wrap'
// Each key-encryption key is used exactly once (one ephemeral key, one recipient), so a
// fixed nonce is safe and saves 24 bytes per recipient in a size-bounded message.
const ZERO_NONCE = new Uint8Array(24)

function kek (shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, context: Uint8Array): Uint8Array {
  // A low-order point gives an all-zero secret: refuse it rather than derive from it.
  if (shared.every((b) => b === 0)) throw new DecryptionError('degenerate key exchange')
  return deriveKey(shared, concatBytes(ephemeral, recipient), WRAP_LABEL + '|' + Buffer.from(context).toString('hex'))
}

/**
 * Seal a 32-byte key to each recipient's Ed25519 identity (converted to X25519, RFC 7748
 * birational map), ECDH with one fresh ephemeral key, HKDF bound to the ephemeral key,
 * the recipient and `context` (e.g. room id and epoch), then XChaCha20-Poly1305. Whoever
 * signs the package (here: the message carrying it) vouches for the key.
 */
export function wrapKey (key: Uint8Array, recipients: Uint8Array[], context: Uint8Array): KeyPackage {
  if (key.length !== 32) throw new KeyLengthError('a wrapped key must be 32 bytes')
  const eph = x25519.keygen()
  // A weak key could not have signed its way into a room; skip it rather than fail the
  // whole package (and with it a removal).
  const keys = recipients.filter((r) => isStrongPublicKey(r)).map((recipient) => {
    const shared = x25519.getSharedSecret(eph.secretKey, ed25519.utils.toMontgomery(recipient))
    const k = kek(shared, eph.publicKey, recipient, context)
    return { recipient, wrapped: xchacha20poly1305(k, ZERO_NONCE, context).encrypt(key) }
  })
  return { ephemeral: eph.publicKey, keys }
}

/** Open our copy of a wrapped key with our Ed25519 identity secret. Throws DecryptionError. */
export function unwrapKey (ephemeral: Uint8Array, wrapped: Uint8Array, identitySecretKey: Uint8Array, identityPublicKey: Uint8Array, context: Uint8Array): Uint8Array {
  if (ephemeral.length !== 32 || wrapped.length !== 48) throw new DecryptionError()
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(identitySecretKey), ephemeral)
  } catch {
    throw new DecryptionError()
  }
  try {
    return xchacha20poly1305(kek(shared, ephemeral, identityPublicKey, context), ZERO_NONCE, context).decrypt(wrapped)
  } catch {
    throw new DecryptionError('this key was not wrapped for us, or was altered')
  }
}
