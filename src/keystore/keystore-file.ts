import { join } from 'node:path'
import { fromString, toString } from 'uint8arrays'
import { KEYSTORE_DATA_KEY_BYTES, KEYSTORE_FILE, KEYSTORE_MAX_FILE_BYTES, KEYSTORE_SALT_BYTES } from '../constants.js'
import { bytesToHex, open, randomBytes } from '../crypto/index.js'
import { CorruptFileError, deletePrivateFile, fileExists, readPrivateJson, writePrivateFile } from '../store/index.js'
import { WrongPassphraseError } from './errors.js'
import { deriveWrappingKey, scryptParamsProblem, type ScryptParams } from './kdf.js'
import { atRestAad, parseSealed, sealSecret, type SealedValue } from './sealed-field.js'

/**
 * `keystore.json`: the scrypt parameters and salt, and the data key sealed under the
 * key they derive from the passphrase. Changing the passphrase rewrites only this file.
 */
export interface KeystoreFile {
  version: 1
  /** Random id of the data key (hex): the same across passphrase changes, new for each `set`. */
  keyId: string
  kdf: { name: 'scrypt', logN: number, r: number, p: number, salt: string }
  /** The data key, sealed with label `keystore|<keyId>`. */
  dataKey: SealedValue
}

/** A keystore as read: its file, and where it lives. */
export interface LoadedKeystore {
  path: string
  file: KeystoreFile
}

/** Path of the keystore in `dataDir`. */
export function keystorePath (dataDir: string): string {
  return join(dataDir, KEYSTORE_FILE)
}

/** Whether `dataDir` has a passphrase (a keystore file). */
export function hasKeystore (dataDir: string): boolean {
  return fileExists(keystorePath(dataDir))
}

function wrapLabel (keyId: string): string {
  return `keystore|${keyId}`
}

/** Read and check `dataDir`'s keystore, or undefined when it has none. */
export function readKeystoreFile (dataDir: string): LoadedKeystore | undefined {
  const path = keystorePath(dataDir)
  if (!fileExists(path)) return undefined
  const raw = readPrivateJson(path, KEYSTORE_MAX_FILE_BYTES) as Partial<KeystoreFile> | null
  const kdf = raw?.kdf
  if (raw == null || typeof raw !== 'object' || raw.version !== 1 || typeof raw.keyId !== 'string' || !/^[0-9a-f]{32}$/.test(raw.keyId) ||
    kdf == null || typeof kdf !== 'object' || kdf.name !== 'scrypt' || typeof kdf.salt !== 'string' || parseSealed(raw.dataKey) == null) {
    throw new CorruptFileError(path, 'not a CryptoChat keystore')
  }
  // Bounded before anything is derived: a hostile file must not make us allocate gigabytes.
  const problem = scryptParamsProblem({ logN: kdf.logN, r: kdf.r, p: kdf.p })
  if (problem != null) throw new CorruptFileError(path, problem)
  return { path, file: raw as KeystoreFile }
}

/** A new data key with its id. */
export function newDataKey (): { dataKey: Uint8Array, keyId: string } {
  return { dataKey: randomBytes(KEYSTORE_DATA_KEY_BYTES), keyId: bytesToHex(randomBytes(16)) }
}

/** A keystore file holding `dataKey`, wrapped under `passphrase` with a fresh salt. */
export async function wrapDataKey (dataKey: Uint8Array, keyId: string, passphrase: string, params: ScryptParams): Promise<KeystoreFile> {
  const salt = randomBytes(KEYSTORE_SALT_BYTES)
  const kek = await deriveWrappingKey(passphrase, salt, params)
  try {
    return {
      version: 1,
      keyId,
      kdf: { name: 'scrypt', logN: params.logN, r: params.r, p: params.p, salt: toString(salt, 'base64') },
      dataKey: sealSecret(kek, wrapLabel(keyId), dataKey)
    }
  } finally {
    kek.fill(0)
  }
}

/** The data key of `loaded`, or {@link WrongPassphraseError} when `passphrase` does not open it. */
export async function unwrapDataKey (loaded: LoadedKeystore, passphrase: string, dataDir: string): Promise<Uint8Array> {
  const { file, path } = loaded
  let salt: Uint8Array
  try {
    salt = fromString(file.kdf.salt, 'base64')
  } catch {
    throw new CorruptFileError(path, 'its salt is not valid base64')
  }
  const kek = await deriveWrappingKey(passphrase, salt, file.kdf)
  const sealed = parseSealed(file.dataKey)
  if (sealed == null) throw new CorruptFileError(path, 'its data key is malformed')
  try {
    const dataKey = open(kek, sealed.nonce, atRestAad(wrapLabel(file.keyId)), sealed.ciphertext)
    if (dataKey.length !== KEYSTORE_DATA_KEY_BYTES) throw new CorruptFileError(path, 'its data key has the wrong length')
    return dataKey
  } catch (err) {
    if (err instanceof CorruptFileError) throw err
    // An AEAD failure here cannot tell a wrong passphrase from an altered file; the
    // passphrase is by far the likelier.
    throw new WrongPassphraseError(dataDir)
  } finally {
    kek.fill(0)
  }
}

/** Write `dataDir`'s keystore atomically (temporary file, fsync, rename, fsync of the directory). */
export function writeKeystoreFile (dataDir: string, file: KeystoreFile): void {
  writePrivateFile(keystorePath(dataDir), JSON.stringify(file, null, 2) + '\n')
}

/** Delete `dataDir`'s keystore (durably: the directory is synced). */
export function deleteKeystoreFile (dataDir: string): void {
  deletePrivateFile(keystorePath(dataDir))
}
