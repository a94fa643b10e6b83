import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { NONCE_BYTES } from '../constants.js'
import { DecryptionError, KeyLengthError } from './errors.js'

/** XChaCha20-Poly1305 output: the random 192-bit nonce and the ciphertext with its tag. */
export interface Sealed {
  nonce: Uint8Array
  ciphertext: Uint8Array
}

const KEY_BYTES = 32

function checkKey (key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new KeyLengthError(`key must be ${KEY_BYTES} bytes`)
}

/**
 * Encrypt and authenticate `plaintext` under `key`, binding `aad`.
 * Random 192-bit nonces are safe at any volume we will see (unlike 96-bit GCM nonces).
 */
export function seal (key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Sealed {
  checkKey(key)
  const nonce = randomBytes(NONCE_BYTES)
  const ciphertext = xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
  return { nonce, ciphertext }
}

/** Decrypt `ciphertext`; throws {@link DecryptionError} on any authentication failure. */
export function open (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  checkKey(key)
  if (nonce.length !== NONCE_BYTES) throw new DecryptionError('nonce has the wrong length')
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(ciphertext)
  } catch {
    throw new DecryptionError()
  }
}
