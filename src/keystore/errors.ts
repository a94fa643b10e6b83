import { PASSPHRASE_FILE_ENV } from '../constants.js'

/** The passphrase given does not unlock the data directory. Nothing on disk was changed. */
export class WrongPassphraseError extends Error {
  override readonly name: string = 'WrongPassphraseError'
  constructor (readonly dataDir: string) {
    super(`wrong passphrase for ${dataDir} (it does not unlock its keystore.json); nothing was changed`)
  }
}

/** A passphrase is needed and none could be asked for (no terminal, no file). */
export class PassphraseRequiredError extends Error {
  override readonly name: string = 'PassphraseRequiredError'
  constructor (readonly dataDir: string, message = `${dataDir} is locked with a passphrase: run this in a terminal to be asked for it, or set ${PASSPHRASE_FILE_ENV} to a file (mode 600) whose first line is the passphrase`) {
    super(message)
  }
}

/** `passphrase set` when one is already set. */
export class PassphraseAlreadySetError extends Error {
  override readonly name: string = 'PassphraseAlreadySetError'
  constructor (readonly dataDir: string) {
    super(`${dataDir} already has a passphrase; change it with: cryptochat passphrase change`)
  }
}

/** `passphrase change|remove` when none is set. */
export class NoPassphraseError extends Error {
  override readonly name: string = 'NoPassphraseError'
  constructor (readonly dataDir: string) {
    super(`${dataDir} has no passphrase; set one with: cryptochat passphrase set`)
  }
}

/** A new passphrase that is empty, too short or too long. */
export class InvalidPassphraseError extends Error {
  override readonly name: string = 'InvalidPassphraseError'
}

/** A passphrase file (named by an environment variable) that cannot be read or is empty. */
export class PassphraseFileError extends Error {
  override readonly name: string = 'PassphraseFileError'
}

/**
 * The data directory's passphrase was set, changed to another key, or removed by
 * another process after this one opened it: writing a secret now would store it in a
 * form the directory no longer reads. Nothing was written.
 */
export class KeystoreChangedError extends Error {
  override readonly name: string = 'KeystoreChangedError'
  constructor (readonly dataDir: string) {
    super(`the passphrase of ${dataDir} was set or removed by another cryptochat process after this one started; nothing was written: restart this command`)
  }
}
