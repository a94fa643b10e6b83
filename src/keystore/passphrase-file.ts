import { PASSPHRASE_FILE_MAX_BYTES } from '../constants.js'
import { readPrivateFile } from '../store/index.js'
import { PassphraseFileError } from './errors.js'

/**
 * The passphrase in a file: its first line (without the line ending). The file is a
 * secret: one that other users can read or write is refused ({@link InsecurePermissionsError}),
 * as key files are. `what` names where the path came from, for messages.
 */
export function readPassphraseFile (path: string, what: string): string {
  let bytes: Buffer
  try {
    bytes = readPrivateFile(path, PASSPHRASE_FILE_MAX_BYTES)
  } catch (err: any) {
    if (err?.name === 'InsecurePermissionsError' || err?.name === 'CorruptFileError') throw err
    throw new PassphraseFileError(`cannot read the passphrase file ${path} (${what}): ${String(err?.code ?? err?.message)}`)
  }
  const text = bytes.toString('utf8')
  const newline = text.indexOf('\n')
  const first = (newline < 0 ? text : text.slice(0, newline)).replace(/\r$/, '')
  if (first.length === 0) throw new PassphraseFileError(`the passphrase file ${path} (${what}) is empty: its first line must be the passphrase`)
  return first
}
