/**
 * @packageDocumentation
 *
 * Room membership as the deterministic replay of signed membership operations: roles,
 * invites with expiry, use limits and revocation, removal. Every member holding the same
 * operations computes the same state, whatever order they arrived in.
 *
 * @example
 * ```ts
 * const state = replayMembership({ creator, name: 'team', createdAt }, ops)
 * state.members.get(fingerprintKey)?.role // 'owner' | 'member'
 * ```
 */
export {
  replayMembership, compareOps, needsRekey, standing,
  type MembershipOp, type SignedOp, type MembershipState, type MemberRecord, type InviteRecord, type Genesis, type Role, type InviteGrant, type Departure, type RemovalRecord
} from './log.js'
