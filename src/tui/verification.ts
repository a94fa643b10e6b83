import type { Member, MemberEvent, RoomSession } from '../chat/index.js'
import { hexToBytes } from '../crypto/index.js'
import { groupFingerprint, safetyCode, safetyCodeLines, type Identity } from '../identity/index.js'
import { matchFingerprint, nickKey, type IdentityBook, type Trust } from '../verify/index.js'
import { shortFp } from './format.js'
import type { MemberView } from './model.js'
import { qrLines } from './qr.js'

/** What the verification commands need from the app. */
export interface VerificationHost {
  /** A system line, an error line, and pre-formatted lines in the current room's log. */
  info(text: string): void
  fail(text: string): void
  block(lines: string[]): void
  /** Pre-formatted lines over the UI (a QR code); false when the terminal is too small. */
  overlay(title: string, lines: string[]): boolean
  /** The session of the room on screen. */
  session(): RoomSession | undefined
  /** Redraw every room's member list (a mark changed). */
  refreshMembers(): void
}

/** Someone `/verify` and `/unverify` can name: a member here, or an identity met elsewhere. */
interface Target {
  publicKey: string
  fingerprint: string
  /** Their nick here, or the last one they were seen under. */
  nick: string
}

const date = (ms: number): string => new Date(ms).toLocaleDateString()

/**
 * The UI side of verifying members: `/verify` shows the pair's safety code (and a QR
 * code), `/verify <who> confirm` marks them, `/unverify` removes the mark; member events
 * go through the identity book, which remembers who was seen and says when a key is not
 * the verified one for its nick. The book and the safety code do the work; this module
 * only names members and words the lines.
 */
export class VerificationCommands {
  /** The identity whose code was shown last: only that one can be confirmed. */
  private shown?: string

  constructor (
    private readonly host: VerificationHost,
    private readonly book: IdentityBook,
    private readonly identity: Identity
  ) {}

  /** A member event (or a member present when the room opened): the warning line to show, if any. */
  observe (m: MemberEvent | (Member & { roomId: string })): string | undefined {
    const warning = this.book.observe(m)
    if (warning == null) return undefined
    return `WARNING: ${warning.message} (/verify ${shortFp(warning.fingerprint)})`
  }

  /** The trust of a member of `roomId`, for the member list. */
  trustOf (m: Member, roomId: string): MemberView['trust'] {
    const state = this.book.trustOf({ ...m, roomId }).state
    return state === 'verified' || state === 'changed' ? state : undefined
  }

  /** `/whois`'s word on a member's key. */
  describe (m: Member, roomId: string): string {
    const trust: Trust = this.book.trustOf({ ...m, roomId })
    switch (trust.state) {
      case 'self': return 'you'
      case 'verified': return `✓ verified${trust.verified != null ? ` on ${date(trust.verified.verifiedAt)}` : ''}`
      case 'changed': return `NOT the ${m.nick} you verified (${shortFp(trust.verified?.fingerprint ?? '')}): compare codes with /verify ${shortFp(m.fingerprint)}`
      case 'unknown': return 'verification unknown (the verified list cannot be read)'
      default: return `not verified (/verify ${m.nick})`
    }
  }

  /** `/verify <who> [confirm|--qr]`. */
  async verify (who: string, action?: 'confirm' | 'qr'): Promise<void> {
    const target = this.target(who)
    if (target == null) return
    if (action === 'confirm') {
      this.confirm(who, target)
      return
    }
    const code = safetyCode(this.identity.publicKey, hexToBytes(target.publicKey))
    this.shown = target.fingerprint
    this.host.info(`safety code for you and ${target.nick} (${groupFingerprint(target.fingerprint)}):`)
    this.host.block(safetyCodeLines(code).map((line) => `    ${line}`))
    const verified = this.book.verified.get(target.fingerprint)
    if (verified != null) {
      this.host.info(`${target.nick} is verified (since ${date(verified.verifiedAt)}); /unverify ${who} removes the mark`)
    } else {
      this.host.info(`compare it with ${target.nick} in person or on a call: they see the same code with /verify <your nick>. If every digit matches: /verify ${who} confirm`)
    }
    if (action === 'qr') {
      const lines = await qrLines(code)
      if (!this.host.overlay('safety code: any key closes', lines)) this.host.fail(`the terminal is too small for the QR code (it needs ${Math.max(...lines.map((l) => [...l].length)) + 4}×${lines.length + 2})`)
    }
  }

  private confirm (who: string, target: Target): void {
    if (this.shown == null) return this.host.fail(`compare the safety code first: /verify ${who} shows it`)
    // The nick may belong to another key than the code the user compared (someone took it since).
    if (this.shown !== target.fingerprint) return this.host.fail(`${who} is not the identity whose code you compared last: /verify ${who} again, and compare that code`)
    const found = this.book.find(target.fingerprint)
    const session = this.host.session()
    const { added } = this.book.mark(found, { nick: target.nick, ...(session != null ? { roomId: session.roomId } : {}) })
    this.shown = undefined
    this.host.info(added ? `✓ ${target.nick} (${shortFp(target.fingerprint)}) is now verified` : `${target.nick} (${shortFp(target.fingerprint)}) was verified already`)
    this.host.refreshMembers()
  }

  /** `/unverify <who>`. */
  unverify (who: string): void {
    const target = this.target(who)
    if (target == null) return
    const removed = this.book.unmark(target.fingerprint)
    this.host.info(removed != null ? `${target.nick} (${shortFp(target.fingerprint)}) is no longer verified` : `${target.nick} (${shortFp(target.fingerprint)}) was not verified`)
    this.host.refreshMembers()
  }

  /**
   * A member of this room by nick (one only: a shared nick must be named by fingerprint),
   * else by fingerprint (8+ hex characters) among this room's members, then among every
   * identity met. Failures are said in the log and give undefined.
   */
  private target (who: string): Target | undefined {
    const members = this.host.session()?.members() ?? []
    const byNick = members.filter((m) => nickKey(m.nick) === nickKey(who))
    let found: Target | undefined
    if (byNick.length > 1) {
      this.host.fail(`${byNick.length} members use the nick ${who}: name one by fingerprint (/whois ${who} shows them)`)
      return undefined
    }
    if (byNick.length === 1) {
      found = byNick[0] as Member
    } else if (/^[0-9a-f]{8,40}$/i.test(who)) {
      const prefix = who.toLowerCase()
      const here = members.filter((m) => m.fingerprint.startsWith(prefix))
      if (here.length > 0) {
        const fp = matchFingerprint(prefix, here.map((m) => m.fingerprint), 'members of this room')
        found = here.find((m) => m.fingerprint === fp)
      } else {
        const known = this.book.find(who)
        found = { publicKey: known.publicKey, fingerprint: known.fingerprint, nick: known.nicks.at(-1) ?? shortFp(known.fingerprint) }
      }
    } else {
      this.host.fail(`no member called ${who} here: name them by nick, or by 8 or more characters of their fingerprint`)
      return undefined
    }
    if (found == null) return undefined
    if (found.fingerprint === this.identity.fingerprint) {
      this.host.fail('that is you: a safety code is compared with someone else')
      return undefined
    }
    return { publicKey: found.publicKey, fingerprint: found.fingerprint, nick: found.nick }
  }
}
