import { FINGERPRINT_CHARS } from '../identity/index.js'
import { IdentityChangedError, VerifySelfError } from './errors.js'
import { matchFingerprint, parseFingerprintPrefix } from './fingerprint-match.js'
import { trustOf, type MemberRef, type Trust } from './identity-check.js'
import { addName, type KnownIdentity } from './record-file.js'
import { SeenStore, type SeenIdentity } from './seen-store.js'
import { VerifiedStore, type MarkInit, type VerifiedIdentity } from './verified-store.js'

/** Options of {@link IdentityBook}. */
export interface IdentityBookInit {
  /** Our own fingerprint: never recorded, never verified. */
  self?: string
  /**
   * A problem with the files that must not stop a chat (seen.json or verified.json
   * damaged, a write failing). Each distinct message is reported once.
   */
  onError?: (err: Error) => void
  /** Our clock (tests). */
  now?: () => number
  /** See SeenStore. */
  flushMs?: number
}

/** A member as the chat library reports it (a MemberEvent fits). */
export interface MemberSighting extends MemberRef {
  publicKey: string
  /** The chat library's member event; `gone` is not a sighting (it is silence). */
  event?: string
}

/** An identity found by fingerprint: what seen.json and verified.json know of it together. */
export interface FoundIdentity extends KnownIdentity {
  seen?: SeenIdentity
  verified?: VerifiedIdentity
}

/**
 * What this data directory knows of other people's identities: who was met in which room
 * under which nick (seen.json) and who was verified (verified.json). The UI and the CLI
 * feed it member events and ask it for a member's trust; it holds no chat logic.
 */
export class IdentityBook {
  readonly verified: VerifiedStore
  readonly seen: SeenStore
  private readonly self?: string
  private readonly now: () => number
  private readonly reported = new Set<string>()
  private readonly onError: (err: Error) => void

  constructor (dataDir: string, init: IdentityBookInit = {}) {
    this.self = init.self
    this.now = init.now ?? Date.now
    const report = init.onError ?? (() => {})
    this.onError = (err) => {
      if (this.reported.has(err.message)) return
      this.reported.add(err.message)
      report(err)
    }
    this.verified = new VerifiedStore(dataDir)
    this.seen = new SeenStore(dataDir, { onError: this.onError, ...(init.flushMs != null ? { flushMs: init.flushMs } : {}) })
  }

  /** A member's trust; `unknown` (and the error reported) when verified.json cannot be read. */
  trustOf (member: MemberRef): Trust {
    if (member.self || member.fingerprint === this.self) return { state: 'self' }
    try {
      return trustOf(member, this.verified.list())
    } catch (err: any) {
      this.onError(err)
      return { state: 'unknown' }
    }
  }

  /**
   * A member was heard from: remember the sighting, and return the warning to show when
   * its key is not the verified one for its nick in this room. Never throws (file
   * problems go to `onError`): it runs inside event handlers.
   */
  observe (m: MemberSighting): IdentityChangedError | undefined {
    if (m.self || m.fingerprint === this.self || m.event === 'gone') return undefined
    this.seen.record({ publicKey: m.publicKey, fingerprint: m.fingerprint, nick: m.nick, roomId: m.roomId, at: this.now() })
    const trust = this.trustOf(m)
    if (trust.state === 'verified') {
      try {
        this.verified.addNames(m.fingerprint, m.nick, m.roomId)
      } catch (err: any) {
        this.onError(err)
      }
    }
    if (trust.state !== 'changed' || trust.verified == null || m.event === 'leave') return undefined
    return new IdentityChangedError(m.roomId, m.nick, m.fingerprint, trust.verified.fingerprint)
  }

  /**
   * The identity named by `text`: a full fingerprint, or an unambiguous prefix of at
   * least 8 hex characters, among those seen or verified here. Throws
   * InvalidFingerprintError, UnknownIdentityError or AmbiguousFingerprintError.
   */
  find (text: string): FoundIdentity {
    const prefix = parseFingerprintPrefix(text)
    const seen = this.seen.list()
    const verified = this.verified.list()
    const known = [...seen, ...verified].map((r) => r.fingerprint)
    if (this.self != null && prefix.length === FINGERPRINT_CHARS && prefix === this.self) throw new VerifySelfError()
    const fp = matchFingerprint(prefix, this.self != null ? [...known, this.self] : known)
    if (fp === this.self) throw new VerifySelfError()
    const s = seen.find((r) => r.fingerprint === fp)
    const v = verified.find((r) => r.fingerprint === fp)
    const base = (s ?? v) as KnownIdentity
    let nicks = s?.nicks ?? []
    for (const n of v?.nicks ?? []) if (!nicks.includes(n)) nicks = addName(nicks, n)
    let rooms = s?.rooms ?? []
    for (const r of v?.rooms ?? []) if (!rooms.includes(r)) rooms = addName(rooms, r)
    return { publicKey: base.publicKey, fingerprint: fp, nicks, rooms, ...(s != null ? { seen: s } : {}), ...(v != null ? { verified: v } : {}) }
  }

  /** Mark an identity verified (see VerifiedStore.mark). */
  mark (identity: KnownIdentity, init: MarkInit = {}): { record: VerifiedIdentity, added: boolean } {
    if (identity.fingerprint === this.self) throw new VerifySelfError()
    return this.verified.mark(identity, { now: this.now(), ...init })
  }

  /** Remove a verification mark; the record removed, if there was one. */
  unmark (fingerprint: string): VerifiedIdentity | undefined {
    return this.verified.unmark(fingerprint)
  }

  /** Write pending sightings and stop the timer. */
  close (): void {
    this.seen.close()
  }
}
