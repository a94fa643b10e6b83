import { INVITE_CLOCK_SKEW_MS } from '../constants.js'
import type { Invite } from './codec.js'
import { InviteCorruptedError, InviteExpiredError, InviteRoomMismatchError } from './errors.js'

/** What an invite is checked against when it is used. */
export interface InviteCheck {
  /** The room id the user typed. */
  roomId: string
  /** Now, in ms since the Unix epoch. */
  now?: number
}

/**
 * Check a verified invite is usable now for the room the user named: not expired, not
 * issued in the future (beyond clock skew), and for the same room.
 */
export function checkInvite (invite: Invite, check: InviteCheck): void {
  const now = check.now ?? Date.now()
  if (invite.roomId !== check.roomId.toLowerCase()) throw new InviteRoomMismatchError(check.roomId, invite.roomId)
  if (now >= invite.expiresAt) throw new InviteExpiredError(invite.expiresAt)
  if (invite.issuedAt > now + INVITE_CLOCK_SKEW_MS) {
    throw new InviteCorruptedError('this invite claims to be issued in the future; check your clock, or ask for a new invite')
  }
}
