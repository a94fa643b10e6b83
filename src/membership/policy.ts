/**
 * The room's rules as its callers ask them: may this identity invite, remove, admit?
 * One copy of each rule, read off the replayed state, for the CLI, the UI and the room
 * session alike (replay itself applies the same rules to signed operations).
 */
import { admitProblem, type InviteRecord, type JoinRequest, type MembershipState } from './log.js'

/** Why `who` (hex key) may not issue invites that the room would honour; undefined: it may. */
export function canInvite (state: MembershipState, who: string): string | undefined {
  const self = state.members.get(who)
  if (self == null) return 'not a member'
  if (state.ownersInvite && self.role !== 'owner') return 'only owners may invite to this room (an owner set it so)'
  return undefined
}

/** Why `who` may not remove `member`; undefined: it may. */
export function canRemove (state: MembershipState, who: string, member: string): string | undefined {
  if (state.members.get(who)?.role !== 'owner') return 'only an owner can remove a member'
  if (member === who) return 'you cannot remove yourself: leave the room instead'
  if (member === state.creator) return 'the room\'s creator cannot be removed'
  if (!state.members.has(member)) return 'no such member in this room'
  return undefined
}

/** Why `who` may not admit `request` now; undefined: it may (see admitProblem). */
export function canAdmit (state: MembershipState, who: string, request: JoinRequest, now: number, readmit = false): string | undefined {
  return admitProblem(state, who, request, now, readmit)
}

/**
 * The invite that id `inviteId` (hex) names for `who`: its own if it issued one with that
 * id, else the one other issuer's (invites are told apart by issuer and id, so a member
 * reusing another's id makes a different invite).
 */
export function findInvite (state: MembershipState, inviteId: string, who: string): InviteRecord | undefined {
  const all = [...state.invites.values()].filter((i) => i.inviteId === inviteId)
  return all.find((i) => i.issuer === who) ?? all[0]
}
