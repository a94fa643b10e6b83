/** What the membership area tells its callers: changes in the log, the roster, the invites. */

/**
 * A change in the room's signed membership log: `joined` (let in with an invite, `by`
 * its issuer), `refused` (a JOIN the log refuses: `reason`), `removed` (`by` an owner),
 * `left`, `promoted` (to owner, `by`), `revoked` (invite `inviteId`, `by`), `renamed`.
 */
export interface MembershipEvent {
  roomId: string
  event: 'joined' | 'refused' | 'removed' | 'left' | 'promoted' | 'revoked' | 'renamed' | 'policy'
  /** The member concerned (fingerprint and key), when there is one. */
  fingerprint?: string
  publicKey?: string
  /** Fingerprint of who did it. */
  by?: string
  reason?: string
  inviteId?: string
  name?: string
  /** True when the event is about us. */
  self: boolean
  /** True when reported as the room opens, about an earlier run (we were already removed or refused). */
  past?: boolean
}

/** A member as the room's signed membership log lists it. */
export interface RosterEntry {
  fingerprint: string
  publicKey: string
  role: 'owner' | 'member'
  /** Last nick heard from them ('' if never heard). */
  nick: string
  /** Fingerprint of who let them in (absent for the creator). */
  addedBy?: string
  /** ms: when they joined. */
  since: number
  /** Heard from recently (presence). */
  online: boolean
  self: boolean
}

/** An invite as the room's log knows it. */
export interface InviteInfo {
  inviteId: string
  /** Fingerprint of its issuer ('' when only its revocation is known). */
  issuer: string
  expiresAt: number
  maxUses: number
  uses: number
  status: 'live' | 'revoked' | 'expired' | 'used up'
}
