/**
 * A room's membership as the deterministic replay of its signed membership operations
 * (issue 6). Operations are checked for their signatures elsewhere; this module decides
 * which ones take effect, in one total order, so every member that holds the same set of
 * operations computes the same state, whatever order they arrived in.
 *
 * Not wired into rooms yet: it is the core the membership log, removal with rekey and
 * revocable invites are to be built on.
 */

/** Roles a member can hold. */
export type Role = 'owner' | 'member'

/** What an operation does. `member` and `inviteId` are hex strings. */
export type MembershipOp =
  | { type: 'invite', inviteId: string, expiresAt: number, maxUses: number }
  | { type: 'join', inviteId: string }
  | { type: 'leave' }
  | { type: 'remove', member: string }
  | { type: 'promote', member: string }
  | { type: 'rename', name: string }
  | { type: 'revoke', inviteId: string }
  | { type: 'policy', ownersInvite: boolean }

/** An operation as signed by its author (an identity public key, hex). */
export interface SignedOp {
  author: string
  /** The author's own counter (its history index): an author's operations apply in this order. */
  index: number
  /** The author's clock, ms: orders operations across authors. */
  ts: number
  op: MembershipOp
}

/** A member as the log says. */
export interface MemberRecord {
  role: Role
  /** Who let them in (their inviter; the creator has none). */
  addedBy?: string
  inviteId?: string
  since: number
}

/** An invite as the log says. */
export interface InviteRecord {
  issuer: string
  expiresAt: number
  /** 0: unlimited within its expiry. */
  maxUses: number
  uses: number
  revoked: boolean
}

/** The room's membership state. */
export interface MembershipState {
  name: string
  members: Map<string, MemberRecord>
  invites: Map<string, InviteRecord>
  /** Only owners may invite. */
  ownersInvite: boolean
  /** Operations that took effect, and those refused (with why), in the order applied. */
  applied: SignedOp[]
  refused: Array<{ op: SignedOp, reason: string }>
}

/** The state before any operation: the creator is the only member, and an owner. */
export interface Genesis {
  creator: string
  name: string
  createdAt: number
}

/**
 * The total order every member uses: the author's clock, then the author, then its own
 * counter. Ties cannot depend on arrival, so the state cannot either.
 */
export function compareOps (a: SignedOp, b: SignedOp): number {
  return (a.ts - b.ts) || (a.author < b.author ? -1 : a.author > b.author ? 1 : 0) || (a.index - b.index)
}

/** Replay a set of operations (in any order, duplicates allowed) into the room's state. */
export function replayMembership (genesis: Genesis, ops: Iterable<SignedOp>): MembershipState {
  const unique = new Map<string, SignedOp>()
  for (const op of ops) {
    const key = `${op.author}:${op.index}`
    // One author, one counter, one operation: a second one under the same counter (a
    // broken or dishonest client) must not make members disagree, so the first in the
    // total order wins everywhere.
    const held = unique.get(key)
    if (held == null || compareOps(op, held) < 0 || (compareOps(op, held) === 0 && JSON.stringify(op.op) < JSON.stringify(held.op))) unique.set(key, op)
  }
  const state: MembershipState = {
    name: genesis.name,
    members: new Map([[genesis.creator, { role: 'owner', since: genesis.createdAt }]]),
    invites: new Map(),
    ownersInvite: false,
    applied: [],
    refused: []
  }
  for (const op of [...unique.values()].sort(compareOps)) {
    const reason = apply(state, op)
    if (reason == null) state.applied.push(op)
    else state.refused.push({ op, reason })
  }
  return state
}

/** Apply one operation; returns why it is refused, or undefined when it took effect. */
function apply (state: MembershipState, s: SignedOp): string | undefined {
  const author = state.members.get(s.author)
  const op = s.op
  if (op.type === 'join') return join(state, s, op.inviteId)
  if (author == null) return 'author is not a member'
  const isOwner = author.role === 'owner'
  switch (op.type) {
    case 'invite': {
      if (state.ownersInvite && !isOwner) return 'only owners may invite'
      if (state.invites.has(op.inviteId)) return 'invite already announced'
      state.invites.set(op.inviteId, { issuer: s.author, expiresAt: op.expiresAt, maxUses: op.maxUses, uses: 0, revoked: false })
      return undefined
    }
    case 'revoke': {
      const invite = state.invites.get(op.inviteId)
      if (invite == null) return 'no such invite'
      if (!isOwner && invite.issuer !== s.author) return 'only owners or its issuer may revoke an invite'
      invite.revoked = true
      return undefined
    }
    case 'leave':
      state.members.delete(s.author)
      return undefined
    case 'remove': {
      if (!isOwner) return 'only owners may remove'
      if (!state.members.has(op.member)) return 'not a member'
      state.members.delete(op.member)
      return undefined
    }
    case 'promote': {
      if (!isOwner) return 'only owners may promote'
      const member = state.members.get(op.member)
      if (member == null) return 'not a member'
      member.role = 'owner'
      return undefined
    }
    case 'rename':
      if (!isOwner) return 'only owners may rename'
      state.name = op.name
      return undefined
    case 'policy':
      if (!isOwner) return 'only owners may set who invites'
      state.ownersInvite = op.ownersInvite
      return undefined
  }
}

/** A newcomer's own join: with an invite announced, live, unused up, by someone allowed to invite. */
function join (state: MembershipState, s: SignedOp, inviteId: string): string | undefined {
  if (state.members.has(s.author)) return 'already a member'
  const invite = state.invites.get(inviteId)
  if (invite == null) return 'invite unknown to the room'
  if (invite.revoked) return 'invite revoked'
  if (s.ts > invite.expiresAt) return 'invite expired'
  if (invite.maxUses > 0 && invite.uses >= invite.maxUses) return 'invite used up'
  const issuer = state.members.get(invite.issuer)
  if (issuer == null) return 'inviter is no longer a member'
  if (state.ownersInvite && issuer.role !== 'owner') return 'inviter may no longer invite'
  invite.uses++
  state.members.set(s.author, { role: 'member', addedBy: invite.issuer, inviteId, since: s.ts })
  return undefined
}
