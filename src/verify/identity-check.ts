import { nickKey } from './nick-key.js'
import type { VerifiedIdentity } from './verified-store.js'

/**
 * Where a member's key stands with us: `self`; `verified` (compared out of band and
 * marked); `unverified`; `changed`: not verified, and using, in a room where a verified
 * identity was seen, a nick that identity used (the loud case: someone may be posing as
 * a person we verified, or they have a new key); `unknown`: the verification file could
 * not be read, so nothing can be said.
 */
export type TrustState = 'self' | 'verified' | 'unverified' | 'changed' | 'unknown'

/** A member's trust, with the verified identity concerned (its own record, or the one whose nick it uses). */
export interface Trust {
  state: TrustState
  verified?: VerifiedIdentity
}

/** What the check needs to know of a member. */
export interface MemberRef {
  roomId: string
  nick: string
  fingerprint: string
  self: boolean
}

/**
 * The trust of `member` given the `verified` identities. Nicks compare by
 * {@link nickKey} (`Alice` is `alice`), so a copy that differs only in case or invisible
 * characters is caught too. The key is never taken on trust from the nick: a changed key
 * stays unverified until its user compares codes again.
 */
export function trustOf (member: MemberRef, verified: readonly VerifiedIdentity[]): Trust {
  if (member.self) return { state: 'self' }
  const own = verified.find((v) => v.fingerprint === member.fingerprint)
  if (own != null) return { state: 'verified', verified: own }
  const key = nickKey(member.nick)
  const posing = verified.find((v) => v.rooms.includes(member.roomId) && v.nicks.some((n) => nickKey(n) === key))
  return posing != null ? { state: 'changed', verified: posing } : { state: 'unverified' }
}
