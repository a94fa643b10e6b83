import type { Member, MemberEvent } from './events.js'

/** What a received message says about its sender's presence. */
export type PresenceSignal = 'join' | 'leave' | 'presence' | 'nick' | 'speech'

/**
 * Who is in a room, as heard on it: members announce arrival (JOIN), answer arrivals and
 * beat periodically (PRESENCE), change nick (NICK) and leave (LEAVE); anyone who speaks
 * is present. Keyed by identity fingerprint, never by nick: nicks are labels.
 */
export class MemberList {
  private readonly members = new Map<string, Member>()

  /** Members sorted by nick, then fingerprint. */
  list (): Member[] {
    return [...this.members.values()].sort((a, b) => a.nick.localeCompare(b.nick) || a.fingerprint.localeCompare(b.fingerprint))
  }

  get (fingerprint: string): Member | undefined {
    return this.members.get(fingerprint)
  }

  /**
   * Record a signal from `fingerprint` (now = our clock; `publicKey` the sender's identity
   * key in hex, whose fingerprint that is) and return the change to report, if any: a new
   * member, a nick change, a departure.
   */
  observe (signal: PresenceSignal, fingerprint: string, nick: string, self: boolean, now: number, publicKey: string): Pick<MemberEvent, 'event' | 'nick' | 'previousNick' | 'publicKey'> | undefined {
    const known = this.members.get(fingerprint)
    if (signal === 'leave') {
      if (known == null) return undefined
      this.members.delete(fingerprint)
      return { event: 'leave', nick, publicKey }
    }
    this.members.set(fingerprint, { nick, fingerprint, publicKey, self, lastSeen: now })
    if (signal === 'join') return { event: 'join', nick, publicKey }
    if (known == null) return { event: 'present', nick, publicKey }
    if (known.nick !== nick) return { event: 'nick', nick, previousNick: known.nick, publicKey }
    return undefined
  }

  /** Forget a member (removed, or refused by the room's log); returns it if it was listed. */
  forget (fingerprint: string): Member | undefined {
    const known = this.members.get(fingerprint)
    if (known != null && !known.self) this.members.delete(fingerprint)
    return known?.self === true ? undefined : known
  }

  /** Forget members (not ourselves) not heard from since `cutoff`; returns them. */
  expire (cutoff: number): Member[] {
    const gone = [...this.members.values()].filter((m) => !m.self && m.lastSeen < cutoff)
    for (const m of gone) this.members.delete(m.fingerprint)
    return gone
  }
}
