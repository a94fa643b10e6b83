import { openSync } from 'node:fs'
import { ReadStream } from 'node:tty'
import { read } from 'read'
import { KEYSTORE_TEST_LOG_N_ENV, PASSPHRASE_FILE_ENV, PASSPHRASE_NEW_FILE_ENV, PASSPHRASE_PROMPT_ATTEMPTS } from '../constants.js'
import { checkNewPassphrase, DEFAULT_SCRYPT, PassphraseRequiredError, readPassphraseFile, type PassphraseSource, type ScryptParams } from '../keystore/index.js'
import { PassphraseMismatchError, PromptCanceledError, UsageError } from './errors.js'

/** Where passphrases are asked: a terminal (stdin) and where prompts go (stderr, so stdout stays clean for --json). */
export interface PromptIO {
  input: NodeJS.ReadStream
  output: NodeJS.WriteStream
  env: NodeJS.ProcessEnv
}

const processIO = (): PromptIO => ({ input: process.stdin, output: process.stderr, env: process.env })

/**
 * The terminal to prompt on. Not stdin itself when it can be helped: readline leaves a
 * keypress decoder on any stream it reads in terminal mode, and the full-screen UI
 * (blessed) then saw every key twice. A stream of its own on /dev/tty, closed after the
 * prompt, leaves stdin untouched.
 */
function promptInput (io: PromptIO): { input: NodeJS.ReadStream, close: () => void } {
  if (io.input === process.stdin && process.platform !== 'win32') {
    try {
      const tty = new ReadStream(openSync('/dev/tty', 'r'))
      return { input: tty, close: () => { tty.destroy() } }
    } catch {
      // No controlling terminal to open (stdin may still be one): fall back to stdin.
    }
  }
  return { input: io.input, close: () => {} }
}

/** One line from the terminal, never echoed. Ctrl-C or Ctrl-D is a {@link PromptCanceledError}. */
async function askHidden (prompt: string, io: PromptIO): Promise<string> {
  const { input, close } = promptInput(io)
  // `read` settles on a line or Ctrl-C; Ctrl-D closes its readline without either, which
  // shows here as the input pausing before an answer arrived.
  let onPause = (): void => {}
  const closed = new Promise<never>((_resolve, reject) => {
    onPause = () => { setImmediate(() => { reject(new PromptCanceledError()) }) }
    input.once('pause', onPause)
  })
  closed.catch(() => {})
  const answer = read({ prompt, silent: true, input, output: io.output, terminal: true }).catch((err: Error) => {
    throw err.message === 'canceled' ? new PromptCanceledError() : err
  })
  try {
    return await Promise.race([answer, closed])
  } finally {
    input.off('pause', onPause)
    close()
    // The Enter was muted with the rest: end the prompt's line.
    io.output.write('\n')
  }
}

function isTerminal (io: PromptIO): boolean {
  return io.input.isTTY === true
}

/** How a command unlocks a data directory: the passphrase source and how many tries it gets. */
export interface Unlock {
  passphrase: PassphraseSource
  attempts: number
}

/**
 * The current passphrase of `dataDir`: from the file named by `CRYPTOCHAT_PASSPHRASE_FILE`
 * (one try), else a no-echo prompt on the terminal (three tries), else (no terminal, no
 * file) a {@link PassphraseRequiredError} saying how to give it. Asked only when the
 * directory has a passphrase. `fallbackFile` is tried before the prompt (see `passphrase set`).
 */
export function unlockFromUser (dataDir: string, io: PromptIO = processIO(), fallbackFile?: { path: string, what: string }): Unlock {
  const path = io.env[PASSPHRASE_FILE_ENV]
  if (path != null && path !== '') return { passphrase: async () => readPassphraseFile(path, PASSPHRASE_FILE_ENV), attempts: 1 }
  if (fallbackFile != null) return { passphrase: async () => readPassphraseFile(fallbackFile.path, fallbackFile.what), attempts: 1 }
  return {
    passphrase: async (attempt) => {
      if (!isTerminal(io)) throw new PassphraseRequiredError(dataDir)
      if (attempt > 1) io.output.write('Wrong passphrase; try again.\n')
      return await askHidden(`Passphrase for ${dataDir}:`, io)
    },
    attempts: PASSPHRASE_PROMPT_ATTEMPTS
  }
}

/**
 * A new passphrase for `dataDir`: from the file named by `CRYPTOCHAT_NEW_PASSPHRASE_FILE`,
 * else asked twice on the terminal (the two must match), else a {@link PassphraseRequiredError}.
 */
export function newPassphraseFromUser (dataDir: string, io: PromptIO = processIO()): () => Promise<string> {
  return async () => {
    const path = io.env[PASSPHRASE_NEW_FILE_ENV]
    if (path != null && path !== '') return readPassphraseFile(path, PASSPHRASE_NEW_FILE_ENV)
    if (!isTerminal(io)) {
      throw new PassphraseRequiredError(dataDir, `a new passphrase for ${dataDir} is needed: run this in a terminal to be asked for it, or set ${PASSPHRASE_NEW_FILE_ENV} to a file (mode 600) whose first line is the new passphrase`)
    }
    const first = await askHidden(`New passphrase for ${dataDir}:`, io)
    // Said before the confirmation, not after typing it twice.
    checkNewPassphrase(first)
    const again = await askHidden('Repeat the new passphrase:', io)
    if (again !== first) throw new PassphraseMismatchError()
    return first
  }
}

/** The scrypt cost of a keystore written now: the documented default, unless a test lowers it. */
export function scryptCost (env: NodeJS.ProcessEnv): ScryptParams {
  const raw = env[KEYSTORE_TEST_LOG_N_ENV]
  if (raw == null || raw === '') return DEFAULT_SCRYPT
  const logN = /^[0-9]{1,2}$/.test(raw) ? Number(raw) : NaN
  if (!(logN >= 10 && logN <= DEFAULT_SCRYPT.logN)) throw new UsageError(`${KEYSTORE_TEST_LOG_N_ENV} (tests only) must be a whole number from 10 to ${DEFAULT_SCRYPT.logN}`)
  return { ...DEFAULT_SCRYPT, logN }
}
