import { createInterface } from 'node:readline'
import { hexToBytes } from '../../crypto/index.js'
import { groupFingerprint, readPublicIdentity, safetyCode, safetyCodeLines, shortFingerprint, type PublicIdentity } from '../../identity/index.js'
import { resolveDataDir } from '../../store/index.js'
import { qrLines } from '../../tui/index.js'
import { IdentityBook, parseFingerprintPrefix, UnknownIdentityError, type FoundIdentity } from '../../verify/index.js'
import type { CommonOptions } from '../context.js'
import { ConfirmationRequiredError, PromptCanceledError, UsageError } from '../errors.js'
import type { Output } from '../output.js'
import { sanitizeForTerminal as clean } from '../sanitize.js'

export interface VerifyOptions extends CommonOptions {
  /** Mark without asking (scripts). */
  yes?: boolean
  /** Also draw the safety code as a QR code. */
  qr?: boolean
  /** List the verified identities instead. */
  list?: boolean
}

/** Where the confirmation is asked: a terminal in, the prompt out (stderr: stdout stays clean for --json). */
export interface ConfirmIO {
  input: NodeJS.ReadStream
  output: NodeJS.WriteStream
}

const processIO = (): ConfirmIO => ({ input: process.stdin, output: process.stderr })

/** One line from the terminal; Ctrl-C or Ctrl-D is a PromptCanceledError. */
async function ask (prompt: string, io: ConfirmIO): Promise<string> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: true })
  return await new Promise<string>((resolve, reject) => {
    let answered = false
    rl.once('SIGINT', () => { rl.close() })
    rl.once('close', () => {
      if (answered) return
      // End the prompt's line, so the message that follows starts on its own.
      io.output.write('\n')
      reject(new PromptCanceledError('canceled at the confirmation; nothing was changed'))
    })
    rl.question(prompt, (answer) => {
      answered = true
      rl.close()
      resolve(answer)
    })
  })
}

/** Our public identity: verification needs no passphrase (only public keys are involved). */
function ownIdentity (dataDir: string): PublicIdentity {
  const me = readPublicIdentity(dataDir)
  if (me == null) throw new UnknownIdentityError(`${dataDir} has no identity yet, so it has met nobody to verify: join a room first`)
  return me
}

/** `bob` or `bob, robert`: the nicks an identity was seen under, for people (peer-chosen: sanitised). */
function nicksOf (them: FoundIdentity): string {
  return them.nicks.length > 0 ? them.nicks.map(clean).join(', ') : 'no nick seen'
}

function describe (me: PublicIdentity, them: FoundIdentity, code: string, output: Output): void {
  const rooms = them.rooms.length
  output.out(`You:   ${groupFingerprint(me.fingerprint)}`)
  output.out(`Them:  ${groupFingerprint(them.fingerprint)}  (seen as ${nicksOf(them)}${rooms > 0 ? ` in ${rooms} room${rooms === 1 ? '' : 's'}` : ''})`)
  output.out('Safety code:')
  for (const line of safetyCodeLines(code)) output.out(`    ${line}`)
  output.out(`Compare it with them in person or on a call: they see the same code with 'cryptochat verify ${shortFingerprint(me.fingerprint)}' or '/verify <your nick>'.`)
}

/**
 * `cryptochat verify <fingerprint>`: show our fingerprint, theirs and the safety code of
 * the pair, then mark them verified once the user confirms the codes match (asked on the
 * terminal; `--yes` for scripts). `--list` lists the verified identities. The identity is
 * one this data directory has met in a room (seen.json), named by fingerprint or a prefix
 * of at least 8 hex characters.
 */
export async function verifyCommand (fingerprintText: string | undefined, opts: VerifyOptions, output: Output, io: ConfirmIO = processIO()): Promise<void> {
  if (opts.list === true) {
    if (fingerprintText != null) throw new UsageError('--list takes no fingerprint')
    listVerified(opts, output)
    return
  }
  if (fingerprintText == null) throw new UsageError('name who to verify: cryptochat verify <fingerprint> (cryptochat verify --list lists who is verified)')
  if (opts.qr === true && opts.json === true) throw new UsageError('--qr draws on the terminal; it does not go with --json')
  parseFingerprintPrefix(fingerprintText)
  const dataDir = resolveDataDir(opts.dataDir)
  const me = ownIdentity(dataDir)
  const book = new IdentityBook(dataDir, { self: me.fingerprint })
  const them = book.find(fingerprintText)
  const code = safetyCode(me.publicKey, hexToBytes(them.publicKey))
  const report = (verified: boolean, verifiedAt?: number): void => {
    output.json({
      type: 'verify', fingerprint: them.fingerprint, publicKey: them.publicKey, nicks: them.nicks, rooms: them.rooms,
      yourFingerprint: me.fingerprint, safetyCode: code, verified, ...(verifiedAt != null ? { verifiedAt } : {})
    })
  }
  if (opts.json !== true) {
    describe(me, them, code, output)
    if (opts.qr === true) for (const line of await qrLines(code)) output.out(line)
  }
  if (them.verified != null) {
    if (opts.json === true) report(true, them.verified.verifiedAt)
    else output.out(`Already verified, on ${new Date(them.verified.verifiedAt).toISOString()}.`)
    return
  }
  if (opts.yes !== true) {
    if (io.input.isTTY !== true) {
      if (opts.json === true) report(false)
      throw new ConfirmationRequiredError('no terminal to confirm on: compare the code with them, then run this again with --yes to mark them verified')
    }
    const answer = await ask(`Does every digit match what they see? Mark ${nicksOf(them)} (${shortFingerprint(them.fingerprint)}) verified [y/N] `, io)
    if (!/^\s*y(es)?\s*$/i.test(answer)) {
      if (opts.json === true) report(false)
      else output.out('Not marked verified; nothing changed.')
      return
    }
  }
  const { record } = book.mark(them)
  if (opts.json === true) report(true, record.verifiedAt)
  else output.out(`${nicksOf(them)} (${shortFingerprint(them.fingerprint)}) is now verified: the UI shows ✓ beside them, and warns if someone else takes their nick in a room where you saw them.`)
}

/** `cryptochat verify --list`. */
function listVerified (opts: CommonOptions, output: Output): void {
  const dataDir = resolveDataDir(opts.dataDir)
  const list = new IdentityBook(dataDir).verified.list()
  if (opts.json === true) {
    output.json(list.map((v) => ({ fingerprint: v.fingerprint, publicKey: v.publicKey, nicks: v.nicks, rooms: v.rooms, verifiedAt: v.verifiedAt })))
    return
  }
  if (list.length === 0) {
    output.err('Nobody is verified yet: cryptochat verify <fingerprint>, or /verify <nick> in the UI.')
    return
  }
  for (const v of list) output.out(`${v.fingerprint}  ${v.nicks.map(clean).join(', ') || '-'}  verified ${new Date(v.verifiedAt).toISOString()}`)
}

/** `cryptochat unverify <fingerprint>`: remove a verification mark (the identity stays known). */
export function unverifyCommand (fingerprintText: string, opts: CommonOptions, output: Output): void {
  parseFingerprintPrefix(fingerprintText)
  const dataDir = resolveDataDir(opts.dataDir)
  const self = readPublicIdentity(dataDir)?.fingerprint
  const book = new IdentityBook(dataDir, self != null ? { self } : {})
  const them = book.find(fingerprintText)
  const removed = book.unmark(them.fingerprint) != null
  if (opts.json === true) {
    output.json({ type: 'unverify', fingerprint: them.fingerprint, removed })
    return
  }
  output.out(removed
    ? `${nicksOf(them)} (${shortFingerprint(them.fingerprint)}) is no longer verified.`
    : `${nicksOf(them)} (${shortFingerprint(them.fingerprint)}) was not verified; nothing changed.`)
}
