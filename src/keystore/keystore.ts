import { toString } from 'uint8arrays'
import { CorruptFileError } from '../store/index.js'
import { KeystoreChangedError, PassphraseRequiredError, WrongPassphraseError } from './errors.js'
import { readKeystoreFile, unwrapDataKey, type LoadedKeystore } from './keystore-file.js'
import { openSealedSecret, readPlainSecret, sealedFieldName, sealSecret, secretForm, type SecretFieldRef } from './sealed-field.js'

/**
 * Asks for the passphrase: `attempt` is 1 at first, then 2, 3... after a wrong one (a
 * prompt can say so). Throws (e.g. {@link PassphraseRequiredError}) when it cannot ask.
 */
export type PassphraseSource = (attempt: number) => Promise<string>

/** Options of {@link openKeystore}. */
export interface KeystoreInit {
  /** Asked only when the data directory has a passphrase. Without it, a locked directory is a {@link PassphraseRequiredError}. */
  passphrase?: PassphraseSource
  /** Passphrases tried before a wrong one is final (default 1; a terminal prompt may allow a few). */
  attempts?: number
}

/**
 * The secrets of one data directory as its files hold them: in clear (no passphrase) or
 * sealed under the data key (a passphrase is set and this keystore was unlocked with
 * it). The identity loader and the room store read and write every secret field through
 * one; nothing above them learns about passphrases.
 */
export interface Keystore {
  readonly dataDir: string
  /** Whether a passphrase is set: secrets written through this keystore are sealed. */
  readonly sealing: boolean
  /**
   * The secret of `ref` in `json` (a parsed file), in clear or sealed. A sealed secret
   * read through a keystore that was not unlocked is a {@link PassphraseRequiredError}.
   */
  readSecret(json: Record<string, unknown>, ref: SecretFieldRef): Uint8Array
  /**
   * Put `secret` into `json`, about to be written to `ref.path`, in the form the
   * directory uses now. Refuses ({@link KeystoreChangedError}, {@link PassphraseRequiredError})
   * when the directory's passphrase changed under this process, so that a secret is
   * never written in clear into a locked directory, nor sealed under a key it dropped.
   */
  writeSecret(json: Record<string, unknown>, ref: SecretFieldRef, secret: Uint8Array): void
}

/** How a keystore writes: in clear, sealed, or in clear while a passphrase is being removed. */
export type KeystoreMode = 'plain' | 'sealed' | 'removing'

interface KeystoreState {
  dataDir: string
  mode: KeystoreMode
  dataKey?: Uint8Array
  keyId?: string
  /** A plain keystore opened on purpose (its directory had no passphrase then), not a library default. */
  opened?: boolean
}

/** A keystore over `state` (internal: see {@link openKeystore} and {@link plainKeystore}). */
export function keystoreOf (state: KeystoreState): Keystore {
  const { dataDir, mode, dataKey, keyId } = state
  function checkUnchanged (): void {
    if (mode === 'removing') return
    const onDisk = readKeystoreFile(dataDir)
    if (mode === 'plain' && onDisk != null) {
      if (state.opened === true) throw new KeystoreChangedError(dataDir)
      throw new PassphraseRequiredError(dataDir, `${dataDir} is locked with a passphrase: open it with the passphrase to store a secret in it`)
    }
    if (mode === 'sealed' && onDisk?.file.keyId !== keyId) throw new KeystoreChangedError(dataDir)
  }
  return {
    dataDir,
    sealing: mode === 'sealed',
    readSecret (json, ref) {
      const form = secretForm(json, ref)
      if (form === 'plain') return readPlainSecret(json, ref)
      if (form === 'missing') throw new CorruptFileError(ref.path, `its ${ref.field} is missing`)
      if (dataKey == null) throw new PassphraseRequiredError(dataDir)
      return openSealedSecret(dataKey, json, ref)
    },
    writeSecret (json, ref, secret) {
      checkUnchanged()
      delete json[ref.field]
      delete json[sealedFieldName(ref.field)]
      if (mode === 'sealed' && dataKey != null) json[sealedFieldName(ref.field)] = sealSecret(dataKey, ref.label, secret)
      else json[ref.field] = toString(secret, 'base64')
    }
  }
}

/**
 * The keystore used when a caller passes none: reads secrets in clear, and refuses
 * sealed ones and any write into a directory that has a passphrase
 * ({@link PassphraseRequiredError}). Tests and tools on plain directories need nothing else.
 */
export function plainKeystore (dataDir: string): Keystore {
  return keystoreOf({ dataDir, mode: 'plain' })
}

/** The data key of `loaded`, asking `source` up to `attempts` times. */
export async function unlockDataKey (dataDir: string, loaded: LoadedKeystore, source: PassphraseSource | undefined, attempts = 1): Promise<Uint8Array> {
  if (source == null) throw new PassphraseRequiredError(dataDir)
  for (let attempt = 1; ; attempt++) {
    const passphrase = await source(attempt)
    try {
      return await unwrapDataKey(loaded, passphrase, dataDir)
    } catch (err) {
      if (!(err instanceof WrongPassphraseError) || attempt >= attempts) throw err
    }
  }
}

/**
 * Open `dataDir`'s secrets: when it has a passphrase (`keystore.json`), ask `init.passphrase`
 * for it and unlock the data key (scrypt: about 0.4 s at the default cost); otherwise
 * return a keystore that keeps secrets in clear, without asking anything.
 * A wrong passphrase is a {@link WrongPassphraseError} and changes nothing on disk.
 *
 * @example
 * ```ts
 * const keystore = await openKeystore(dataDir, { passphrase: async () => await askUser() })
 * const { identity } = loadOrCreateIdentity(dataDir, { keystore })
 * const rooms = createRoomStore(dataDir, { keystore })
 * ```
 */
export async function openKeystore (dataDir: string, init: KeystoreInit = {}): Promise<Keystore> {
  const loaded = readKeystoreFile(dataDir)
  if (loaded == null) return keystoreOf({ dataDir, mode: 'plain', opened: true })
  const dataKey = await unlockDataKey(dataDir, loaded, init.passphrase, init.attempts)
  return keystoreOf({ dataDir, mode: 'sealed', dataKey, keyId: loaded.file.keyId })
}
