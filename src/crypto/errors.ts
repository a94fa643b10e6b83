/** AEAD authentication failed: wrong key, wrong associated data, or tampered bytes. */
export class DecryptionError extends Error {
  override readonly name: string = 'DecryptionError'
  constructor (message = 'ciphertext could not be authenticated') { super(message) }
}

/** A key or nonce of the wrong length was passed to a primitive. */
export class KeyLengthError extends Error {
  override readonly name: string = 'KeyLengthError'
}
