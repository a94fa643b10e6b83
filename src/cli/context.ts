import { resolveDataDir } from '../store/index.js'
import { identitySecretField, loadOrCreateIdentity, readPublicIdentity, type Identity } from '../identity/index.js'
import { hasKeystore, openKeystore, secretsStatus, setPassphrase, type SecretFieldRef } from '../keystore/index.js'
import { createRoomStore, roomSecretFields, type RoomStore } from '../room/index.js'
import type { Output } from './output.js'
import { PASSPHRASE_NEW_FILE_ENV } from '../constants.js'
import { newPassphraseFromUser, scryptCost, unlockFromUser, type PromptIO } from './passphrase-prompt.js'

/** Options every command accepts. */
export interface CommonOptions {
  dataDir?: string
  json?: boolean
}

/** What a command works with: the data directory, identity and rooms. */
export interface CommandContext {
  dataDir: string
  identity: Identity
  rooms: RoomStore
  output: Output
}

/** Every file of `dataDir` that holds a secret: the identity's and each room's. */
export function dataDirSecrets (dataDir: string): SecretFieldRef[] {
  return [identitySecretField(dataDir), ...roomSecretFields(dataDir)]
}

/**
 * Resolve the data directory, unlock it when it has a passphrase (asked on the terminal,
 * or read from `CRYPTOCHAT_PASSPHRASE_FILE`), and load (or create on first use) the
 * identity. For commands that need a secret; `id` and `rooms` read only public data.
 */
export async function openContext (opts: CommonOptions, output: Output, io?: PromptIO): Promise<CommandContext> {
  const dataDir = resolveDataDir(opts.dataDir)
  // First run with CRYPTOCHAT_NEW_PASSPHRASE_FILE set: the keys are locked from the start
  // (the identity is then created sealed, and never exists in clear on disk).
  const newFile = (io?.env ?? process.env)[PASSPHRASE_NEW_FILE_ENV]
  const firstRunLock = newFile != null && newFile !== '' && !hasKeystore(dataDir) && readPublicIdentity(dataDir) == null
  if (firstRunLock) {
    await setPassphrase({ dataDir, secrets: dataDirSecrets(dataDir), newPassphrase: newPassphraseFromUser(dataDir, io), scrypt: scryptCost(io?.env ?? process.env) })
  }
  const unlock = firstRunLock ? unlockFromUser(dataDir, io, { path: newFile, what: PASSPHRASE_NEW_FILE_ENV }) : unlockFromUser(dataDir, io)
  const keystore = await openKeystore(dataDir, unlock)
  const { identity, created } = loadOrCreateIdentity(dataDir, { keystore })
  if (created && opts.json !== true) {
    output.err(keystore.sealing
      ? `Created a new identity in ${dataDir} (its key sealed with your passphrase)`
      : `Created a new identity in ${dataDir}. Its key is stored unencrypted (readable by you only); to lock it with a passphrase: cryptochat passphrase set`)
  }
  if (keystore.sealing) {
    // Only after a `passphrase set` or `remove` that stopped half-way (a crash).
    const { plain } = secretsStatus(dataDir, dataDirSecrets(dataDir))
    if (plain > 0) output.err(`! ${plain} secret file${plain === 1 ? '' : 's'} in ${dataDir} not yet encrypted (an interrupted 'cryptochat passphrase set' or 'remove'): run it again to finish`)
  }
  return { dataDir, identity, rooms: createRoomStore(dataDir, { keystore }), output }
}
