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
export { canInvite, canRemove, canAdmit, findInvite } from './policy.js'
