/**
 * @packageDocumentation
 *
 * Keys locked at rest. With a passphrase set, every secret field in the data directory
 * (the identity's secret key, each room's secret) is sealed with XChaCha20-Poly1305 under
 * a random 32-byte data key, bound to a label naming the field and its file. The data
 * key lives in `keystore.json`, wrapped under scrypt(passphrase, salt) (N = 2^17, r = 8,
 * p = 1 by default). Without a passphrase, secrets stay in clear in 0600 files.
 *
 * The identity loader and the room store take a {@link Keystore} and read and write every
 * secret through it; the chat library above them gets an unlocked identity and a room
 * store that opens secrets, and never learns about passphrases.
 *
 * @example
 * ```ts
 * const keystore = await openKeystore(dataDir, { passphrase: async () => readPassphraseFile(file, 'my script') })
 * const { identity } = loadOrCreateIdentity(dataDir, { keystore })
 * const rooms = createRoomStore(dataDir, { keystore })
 * ```
 */
export { openKeystore, plainKeystore, type Keystore, type KeystoreInit, type PassphraseSource } from './keystore.js'
export {
  setPassphrase, changePassphrase, removePassphrase, secretsStatus,
  type PassphraseChangeInit, type PassphraseChangeResult, type SecretsStatus
} from './passphrase.js'
export { readPassphraseFile } from './passphrase-file.js'
export { checkNewPassphrase, DEFAULT_SCRYPT, type ScryptParams } from './kdf.js'
export { hasKeystore, keystorePath, type KeystoreFile } from './keystore-file.js'
export { sealedFieldName, type SecretFieldRef, type SealedValue } from './sealed-field.js'
export {
  WrongPassphraseError, PassphraseRequiredError, PassphraseAlreadySetError, NoPassphraseError,
  InvalidPassphraseError, PassphraseFileError, KeystoreChangedError
} from './errors.js'
