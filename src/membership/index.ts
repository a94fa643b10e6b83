/**
 * @packageDocumentation
 *
 * Room membership as the deterministic replay of signed membership operations in causal
 * order: roles, invites with expiry, use limits and revocation, admission of joiners,
 * removal. Every member holding the same operations computes the same state, whatever
 * order they arrived in.
 *
 * @example
 * ```ts
 * const state = replayMembership({ creator, name: 'team', createdAt }, ops)
 * state.members.get(fingerprintKey)?.role // 'owner' | 'member'
 * ```
 */
export {
  replayMembership, needsRekey, standing, heldEpoch, hasWaitingJoin, admitProblem, inviteKeyOf,
  type MembershipOp, type SignedOp, type MembershipState, type MemberRecord, type InviteRecord, type Genesis, type Role, type InviteGrant,
  type Departure, type JoinRequest
} from './log.js'
export { DAG, type Restriction } from './dag.js'
export { canInvite, canRemove, canPromote, canSetPolicy, canRevoke, canAdmit, findInvite, resolveMember, type ResolveMemberInit } from './policy.js'
export { JoinRefusedError, NotPermittedError, UnknownInviteError, UnknownMemberError, AmbiguousMemberError } from './errors.js'
export type { MembershipEvent, RosterEntry, InviteInfo } from './events.js'

// A room's membership as a client holds it: the persisted log, its epoch keys, the keys
// an owner or inviter hands out, what changed, and operations queued while offline.
export { RoomMembership, readRoomMembership, rosterOf, invitesOf, describeMembership, MEMBERSHIP_FILE, type RoomMembershipInit, type OwnOp, type JoinTicket } from './room-log.js'
export { EpochSet, newEpochOps, keyOps, deriveEpoch, type Epoch } from './epochs.js'
export { RoomKeys, type RoomKeysHost } from './room-keys.js'
export { membershipChanges, ownStanding } from './changes.js'
export { queueOp, queuedOps, queuedInvites, queueEmpty, type QueuedOp } from './op-queue.js'
export { serveLog, logRequest, takeLog } from './log-sync.js'
