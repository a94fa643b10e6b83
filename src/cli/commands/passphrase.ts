import { PASSPHRASE_FILE_ENV, PASSPHRASE_NEW_FILE_ENV } from '../../constants.js'
import { loadOrCreateIdentity, readPublicIdentity } from '../../identity/index.js'
import {
  changePassphrase, hasKeystore, removePassphrase, secretsStatus, setPassphrase,
  type PassphraseChangeInit, type PassphraseChangeResult
} from '../../keystore/index.js'
import { roomSecretFields } from '../../room/index.js'
import { resolveDataDir } from '../../store/index.js'
import { dataDirSecrets, type CommonOptions } from '../context.js'
import type { Output } from '../output.js'
import { newPassphraseFromUser, scryptCost, unlockFromUser } from '../passphrase-prompt.js'

/** What `cryptochat passphrase` does. */
export type PassphraseAction = 'set' | 'change' | 'remove'

/** A `set` on a directory whose secrets are still in clear needs an identity first, so that there is one to lock. */
function ensureIdentity (dataDir: string, opts: CommonOptions, output: Output): void {
  if (hasKeystore(dataDir) || readPublicIdentity(dataDir) != null) return
  loadOrCreateIdentity(dataDir)
  if (opts.json !== true) output.err(`Created a new identity in ${dataDir}`)
}

async function run (action: PassphraseAction, init: PassphraseChangeInit): Promise<PassphraseChangeResult> {
  if (action === 'set') return await setPassphrase(init)
  if (action === 'change') return await changePassphrase(init)
  return await removePassphrase(init)
}

function describe (action: PassphraseAction, dataDir: string, result: PassphraseChangeResult, rooms: number): string {
  const what = `your identity key and ${rooms} room secret${rooms === 1 ? '' : 's'}`
  if (action === 'change') return `Passphrase of ${dataDir} changed. The old one no longer opens it.`
  if (action === 'remove') return `Passphrase of ${dataDir} removed: ${what} are stored unencrypted again (readable by you only).`
  return `Passphrase set${result.resumed ? ' (finishing an interrupted set)' : ''}: ${what} in ${dataDir} are encrypted. ` +
    `create, invite, join and history ask for it; scripts can set ${PASSPHRASE_FILE_ENV}. It cannot be recovered: without it, this identity and these rooms are lost.`
}

/**
 * `cryptochat passphrase set|change|remove`: lock the data directory's keys with a
 * passphrase, replace it, or store them in clear again. New passphrases are asked twice
 * on the terminal, or read from `CRYPTOCHAT_NEW_PASSPHRASE_FILE`; the current one as for
 * any command. Each is crash-safe: run again after a crash, it finishes.
 */
export async function passphraseCommand (action: PassphraseAction, opts: CommonOptions, output: Output): Promise<void> {
  const dataDir = resolveDataDir(opts.dataDir)
  const scrypt = scryptCost(process.env)
  if (action === 'set') ensureIdentity(dataDir, opts, output)
  // Finishing an interrupted `set` needs the passphrase it set: the same file as then will do.
  const newFile = process.env[PASSPHRASE_NEW_FILE_ENV]
  const fallback = action === 'set' && newFile != null && newFile !== '' ? { path: newFile, what: PASSPHRASE_NEW_FILE_ENV } : undefined
  const unlock = unlockFromUser(dataDir, undefined, fallback)
  const result = await run(action, {
    dataDir,
    secrets: dataDirSecrets(dataDir),
    passphrase: unlock.passphrase,
    attempts: unlock.attempts,
    newPassphrase: newPassphraseFromUser(dataDir),
    scrypt
  })
  const status = secretsStatus(dataDir, dataDirSecrets(dataDir))
  const rooms = roomSecretFields(dataDir).length
  if (opts.json === true) {
    output.json({ type: 'passphrase', action, dataDir, passphrase: status.passphrase, sealed: status.sealed, plain: status.plain, converted: result.converted, resumed: result.resumed })
    return
  }
  output.out(describe(action, dataDir, result, rooms))
}
