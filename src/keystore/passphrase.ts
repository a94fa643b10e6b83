import { CorruptFileError, fileExists, readPrivateJson, removeStaleTempFiles, writePrivateFile } from '../store/index.js'
import { NoPassphraseError, PassphraseAlreadySetError } from './errors.js'
import { checkNewPassphrase, DEFAULT_SCRYPT, type ScryptParams } from './kdf.js'
import { deleteKeystoreFile, newDataKey, readKeystoreFile, wrapDataKey, writeKeystoreFile, keystorePath } from './keystore-file.js'
import { keystoreOf, unlockDataKey, type PassphraseSource } from './keystore.js'
import { secretForm, type SecretFieldRef, type SecretForm } from './sealed-field.js'

/** Options of {@link setPassphrase}, {@link changePassphrase} and {@link removePassphrase}. */
export interface PassphraseChangeInit {
  dataDir: string
  /** Every file holding a secret: the identity's and each room's (`identitySecretField`, `roomSecretFields`). */
  secrets: SecretFieldRef[]
  /** The current passphrase (change, remove, and a `set` finishing an interrupted one). */
  passphrase?: PassphraseSource
  /** Tries of `passphrase` before a wrong one is final (default 1). */
  attempts?: number
  /** The new passphrase (set, change); checked with the rules of `checkNewPassphrase`. */
  newPassphrase?: () => Promise<string>
  /** scrypt cost of the keystore written (default: the documented one; tests lower it). */
  scrypt?: ScryptParams
  /** Called after each file is durably written (tests crash the process there). */
  afterWrite?: (path: string) => void
}

/** What a passphrase change did. */
export interface PassphraseChangeResult {
  /** Secret files rewritten (sealed by `set`, opened by `remove`; 0 for `change`). */
  converted: number
  /** `set` finished the work of an interrupted `set` (or `remove`) with the existing passphrase. */
  resumed: boolean
}

/** How the secrets of a data directory are stored. */
export interface SecretsStatus {
  passphrase: boolean
  plain: number
  sealed: number
}

function readJson (ref: SecretFieldRef): Record<string, unknown> {
  const json = readPrivateJson(ref.path, ref.maxBytes)
  if (json == null || typeof json !== 'object' || Array.isArray(json)) throw new CorruptFileError(ref.path, 'not a JSON object')
  return json as Record<string, unknown>
}

/** The form each existing file holds its secret in (files that do not exist are left out). */
function scan (secrets: SecretFieldRef[]): Array<{ ref: SecretFieldRef, form: SecretForm }> {
  return secrets.filter((ref) => fileExists(ref.path)).map((ref) => ({ ref, form: secretForm(readJson(ref), ref) }))
}

/** How `dataDir`'s secrets are stored: whether it has a passphrase, how many files hold their secret in clear or sealed. */
export function secretsStatus (dataDir: string, secrets: SecretFieldRef[]): SecretsStatus {
  const forms = scan(secrets)
  return {
    passphrase: readKeystoreFile(dataDir) != null,
    plain: forms.filter((f) => f.form === 'plain').length,
    sealed: forms.filter((f) => f.form === 'sealed').length
  }
}

/**
 * Rewrite every secret of `secrets` into the form `mode` writes, one file at a time, each
 * atomically. Every secret is read first, so that a damaged file stops the whole change
 * before anything is written. Returns how many files were rewritten.
 */
function convert (init: PassphraseChangeInit, mode: 'sealed' | 'removing', dataKey: Uint8Array, keyId: string): number {
  const { dataDir, secrets } = init
  // 'removing' reads sealed secrets and writes them in clear; 'sealed' the other way round.
  const keystore = keystoreOf({ dataDir, mode, dataKey, keyId })
  const todo = scan(secrets).filter(({ form }) => form === (mode === 'sealed' ? 'plain' : 'sealed'))
  for (const { ref } of todo) keystore.readSecret(readJson(ref), ref)
  for (const { ref } of todo) {
    // Read again: the file is rewritten from its current content, every other field kept.
    const json = readJson(ref)
    keystore.writeSecret(json, ref, keystore.readSecret(json, ref))
    writePrivateFile(ref.path, JSON.stringify(json, null, 2) + '\n')
    init.afterWrite?.(ref.path)
  }
  return todo.length
}

/**
 * Delete what killed writes left beside the secret files and the keystore: a temporary
 * file of an interrupted `remove` (or of a first run) holds a secret in clear, and would
 * outlive the passphrase that is meant to protect it.
 */
function sweep (init: PassphraseChangeInit): void {
  for (const ref of init.secrets) removeStaleTempFiles(ref.path)
  removeStaleTempFiles(keystorePath(init.dataDir))
}

async function askNew (init: PassphraseChangeInit): Promise<string> {
  if (init.newPassphrase == null) throw new TypeError('a new passphrase source is required')
  const passphrase = await init.newPassphrase()
  checkNewPassphrase(passphrase)
  return passphrase
}

/**
 * Lock `dataDir`'s secrets with a new passphrase. Crash-safe at every step: the keystore
 * (a new random data key, wrapped under scrypt(passphrase)) is written first, then each
 * secret file is sealed in turn; readers accept either form per file. Run again after a
 * crash, it finishes the job with the passphrase the interrupted run set (asked through
 * `passphrase`, else `newPassphrase`). {@link PassphraseAlreadySetError} when all is sealed.
 */
export async function setPassphrase (init: PassphraseChangeInit): Promise<PassphraseChangeResult> {
  const { dataDir } = init
  const loaded = readKeystoreFile(dataDir)
  const forms = scan(init.secrets)
  const sealed = forms.filter((f) => f.form === 'sealed').length
  const plain = forms.filter((f) => f.form === 'plain').length
  if (loaded != null && sealed > 0) {
    if (plain === 0) throw new PassphraseAlreadySetError(dataDir)
    const source = init.passphrase ?? (init.newPassphrase != null ? async () => await (init.newPassphrase as () => Promise<string>)() : undefined)
    const dataKey = await unlockDataKey(dataDir, loaded, source, init.attempts)
    sweep(init)
    return { converted: convert(init, 'sealed', dataKey, loaded.file.keyId), resumed: true }
  }
  // No keystore, or one that seals nothing yet (a `set` that stopped right after writing
  // it): a fresh data key, replacing it. Every secret is read first: a damaged file stops
  // the change before even the keystore is written.
  const reader = keystoreOf({ dataDir, mode: 'removing' })
  for (const { ref } of forms.filter((f) => f.form === 'plain')) reader.readSecret(readJson(ref), ref)
  const passphrase = await askNew(init)
  const { dataKey, keyId } = newDataKey()
  const file = await wrapDataKey(dataKey, keyId, passphrase, init.scrypt ?? DEFAULT_SCRYPT)
  sweep(init)
  writeKeystoreFile(dataDir, file)
  init.afterWrite?.(keystorePath(dataDir))
  return { converted: convert(init, 'sealed', dataKey, keyId), resumed: false }
}

/**
 * Replace the passphrase: the same data key, wrapped under the new one with a fresh
 * salt. Only `keystore.json` is rewritten (atomically), so a crash leaves the old or the
 * new passphrase working, never neither. {@link NoPassphraseError} when none is set.
 */
export async function changePassphrase (init: PassphraseChangeInit): Promise<PassphraseChangeResult> {
  const { dataDir } = init
  const loaded = readKeystoreFile(dataDir)
  if (loaded == null) throw new NoPassphraseError(dataDir)
  const dataKey = await unlockDataKey(dataDir, loaded, init.passphrase, init.attempts)
  const passphrase = await askNew(init)
  const file = await wrapDataKey(dataKey, loaded.file.keyId, passphrase, init.scrypt ?? DEFAULT_SCRYPT)
  sweep(init)
  writeKeystoreFile(dataDir, file)
  init.afterWrite?.(keystorePath(dataDir))
  return { converted: 0, resumed: false }
}

/**
 * Store `dataDir`'s secrets in clear again (files stay 0600): each sealed file is
 * rewritten in turn, and the keystore is deleted only once none is left, so a crash
 * leaves a directory that still opens with the passphrase, and running it again finishes.
 */
export async function removePassphrase (init: PassphraseChangeInit): Promise<PassphraseChangeResult> {
  const { dataDir } = init
  const loaded = readKeystoreFile(dataDir)
  if (loaded == null) throw new NoPassphraseError(dataDir)
  const dataKey = await unlockDataKey(dataDir, loaded, init.passphrase, init.attempts)
  sweep(init)
  const converted = convert(init, 'removing', dataKey, loaded.file.keyId)
  deleteKeystoreFile(dataDir)
  init.afterWrite?.(keystorePath(dataDir))
  return { converted, resumed: false }
}
