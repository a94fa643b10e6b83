/**
 * A room's membership as the deterministic replay of its signed membership operations.
 * Operations are checked for their signatures elsewhere (they travel as signed CONTROL
 * records); this module decides which take effect, so every member that holds the same
 * set of operations computes the same state, whatever order they arrived in.
 *
 * Order is causal: every operation names the heads of its author's log (the operations
 * it had seen that nothing it had seen builds on), and is replayed after them. Dates are
 * their authors' word and decide nothing. Where two operations are concurrent (neither
 * had seen the other), restrictions win: an operation concurrent with a removal of its
 * author, a revocation of its invite or an owners-only policy that would refuse it is
 * refused, wherever a tie-break would put it. What a restriction's author had seen stands.
 */

import { DAG, type Restriction } from './dag.js'

/** Roles a member can hold. */
export type Role = 'owner' | 'member'

/**
 * The invite a joiner used, as its issuer signed it (the signature, and the invite key's
 * binding of the join to its joiner, are checked before replay).
 */
export interface InviteGrant {
  issuer: string
  issuedAt: number
  expiresAt: number
  /** 0: unlimited within its expiry. */
  maxUses: number
  /** The epoch whose key the invite carries. */
  epoch: number
}

/** What an operation does. `member`, `recipients` and ids are hex strings. */
export type MembershipOp =
  | { type: 'invite', inviteId: string, expiresAt: number, maxUses: number }
  /** A request to join: it makes nobody a member until a member admits it. */
  | { type: 'join', inviteId: string, grant: InviteGrant }
  /**
   * A member lets in the author of JOIN `joinId`; `welcome`: the epoch whose key it wraps
   * for them; `readmit`: an owner takes back someone the room removed.
   */
  | { type: 'admit', member: string, joinId: string, readmit: boolean, welcome?: number }
  /** `uptoMessage`: our last history index (later ones, whatever their date, are not ours to send). */
  | { type: 'leave', uptoMessage?: number }
  /** `uptoMessage`: the last history index of the member's that the remover had seen. */
  | { type: 'remove', member: string, uptoMessage?: number }
  | { type: 'promote', member: string }
  | { type: 'rename', name: string }
  /** Invite `inviteId` of `issuer` (default: the author's own) admits nobody more. */
  | { type: 'revoke', inviteId: string, issuer?: string }
  | { type: 'policy', ownersInvite: boolean }
  /** A new epoch: its key was wrapped for `recipients` (here or in the KEYS that follow). */
  | { type: 'epoch', epoch: number, recipients: string[] }
  /** The current epoch's key, wrapped for more members. */
  | { type: 'keys', epoch: number, recipients: string[] }

/** An operation as signed by its author (an identity public key, hex). */
export interface SignedOp {
  author: string
  /** The author's own counter: an author's operations form a chain by it. */
  index: number
  /** The author's clock, ms: shown, and bounds expiry as the admitting member judges it. */
  ts: number
  op: MembershipOp
  /** The record's id (hex SHA-256 of the signed operation). */
  id: string
  /** The id of the author's previous operation (its chain). */
  prev?: string
  /** Ids of the log heads the author had seen (its causal parents). */
  heads?: string[]
}

/** A member as the log says. */
export interface MemberRecord {
  role: Role
  /** Whose invite let them in (the creator has none). */
  addedBy?: string
  /** Who admitted them (the invite's issuer, or another member). */
  admittedBy?: string
  /** Who made them an owner (when promoted). */
  promotedBy?: string
  /** The invite they came in with (its id, hex) and its key in {@link MembershipState.invites}. */
  inviteId?: string
  inviteKey?: string
  since: number
}

/** An invite as the log says, keyed by issuer and id. */
export interface InviteRecord {
  issuer: string
  inviteId: string
  expiresAt: number
  /** 0: unlimited within its expiry. */
  maxUses: number
  uses: number
  revoked: boolean
  /** Who revoked it (when revoked). */
  revokedBy?: string
}

/** A request to join that no member has admitted yet. */
export interface JoinRequest {
  id: string
  author: string
  inviteKey: string
  grant: InviteGrant
  ts: number
}

/** Why someone is no longer a member. */
export interface Departure {
  /** Who removed them (themselves for a leave). */
  by: string
  ts: number
  how: 'removed' | 'left'
  /** Their last history index that counts (later ones are refused, whatever their date). */
  uptoMessage?: number
  /** The id of the operation that removed them, or of their leave. */
  opId: string
}

/** The room's membership state. */
export interface MembershipState {
  name: string
  members: Map<string, MemberRecord>
  /** Former members, and when and how they went (a later admission clears it). */
  departed: Map<string, Departure>
  /** By {@link inviteKeyOf}(issuer, id). */
  invites: Map<string, InviteRecord>
  /** JOINs waiting for a member to admit them, by record id. */
  joinRequests: Map<string, JoinRequest>
  /** Only owners may invite (set by `policyBy`). */
  ownersInvite: boolean
  policyBy?: string
  /** The current key epoch, and who started it (the creator for epoch 0). */
  epoch: number
  epochAuthor: string
  /** Who was given the current epoch's key (or joined with an invite carrying it). */
  holders: Set<string>
  /** The same for every epoch: who the log lets speak in it once it is superseded. */
  holdersByEpoch: Map<number, Set<string>>
  /** Joiners whose requests cannot be admitted (their latest reason): their messages are refused too. */
  refusedJoins: Map<string, string>
  /** The room's creator: its first owner, who cannot be removed. */
  creator: string
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

/** An invite's key in {@link MembershipState.invites}: invites are told apart by issuer and id. */
export function inviteKeyOf (issuer: string, inviteId: string): string {
  return `${issuer}:${inviteId}`
}

/** Most rounds of settling verdicts (each round replays the log once; two or three is usual). */
const MAX_VERDICT_ROUNDS = 8

/** What applied restrictions hand down, for the next round to apply whatever the order. */
interface Verdicts {
  /** Removals of each member (an operation of theirs concurrent with one is refused). */
  removals: Map<string, Restriction[]>
  /** Revocations of each invite key. */
  revocations: Map<string, Restriction[]>
  /** Owners-only policies. */
  policies: Restriction[]
}

const NO_VERDICTS: Verdicts = { removals: new Map(), revocations: new Map(), policies: [] }

/**
 * Replay a set of operations (in any order, duplicates allowed) into the room's state.
 *
 * Restrictions (removals, revocations, owners-only policies) come only from operations
 * that take effect under the restrictions found so far, replayed until they settle, so a
 * refused operation never hands down a verdict. Removals settle first: they decide who
 * had authority to revoke or set policy.
 *
 * Two different operations under one author counter (a fork): the one a removal of that
 * author had seen stands; otherwise both are void (an author can only undo its own
 * operations so, never add to them).
 */
export function replayMembership (genesis: Genesis, ops: Iterable<SignedOp>): MembershipState {
  const dag = new DAG(ops)
  let verdicts = NO_VERDICTS
  let state = run(genesis, dag.order(keptForks(dag, verdicts)), dag, verdicts)
  for (const stage of ['removals', 'others'] as const) {
    for (let round = 0; round < MAX_VERDICT_ROUNDS; round++) {
      const found = verdictsOf(state, dag)
      const next: Verdicts = stage === 'removals'
        ? { removals: found.removals, revocations: new Map(), policies: [] }
        : { removals: verdicts.removals, revocations: found.revocations, policies: found.policies }
      if (sameVerdicts(next, verdicts)) break
      verdicts = next
      state = run(genesis, dag.order(keptForks(dag, verdicts)), dag, verdicts)
    }
  }
  return state
}

/** Of each fork, the side a removal of its author had seen (none if no removal saw one). */
function keptForks (dag: DAG, verdicts: Verdicts): Set<string> {
  const kept = new Set<string>()
  for (const fork of dag.forks()) {
    const removals = verdicts.removals.get(fork[0]?.author ?? '') ?? []
    const seen = fork.find((o) => removals.some((r) => r.ancestors.has(o.id)))
    if (seen != null) kept.add(seen.id)
  }
  return kept
}

/** The restrictions the operations that took effect in `state` hand down. */
function verdictsOf (state: MembershipState, dag: DAG): Verdicts {
  const out: Verdicts = { removals: new Map(), revocations: new Map(), policies: [] }
  for (const s of state.applied) {
    if (s.op.type === 'remove') push(out.removals, s.op.member, dag.restriction(s.id))
    else if (s.op.type === 'revoke') push(out.revocations, inviteKeyOf(s.op.issuer ?? s.author, s.op.inviteId), dag.restriction(s.id))
    else if (s.op.type === 'policy' && s.op.ownersInvite) out.policies.push(dag.restriction(s.id))
  }
  return out
}

function push<K, V> (map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key) ?? []
  list.push(value)
  map.set(key, list)
}

function sameVerdicts (a: Verdicts, b: Verdicts): boolean {
  const text = (v: Verdicts): string => JSON.stringify([
    [...v.removals].map(([k, rs]) => [k, rs.map((r) => r.id).sort()]).sort(),
    [...v.revocations].map(([k, rs]) => [k, rs.map((r) => r.id).sort()]).sort(),
    v.policies.map((r) => r.id).sort()
  ])
  return text(a) === text(b)
}

function emptyState (genesis: Genesis): MembershipState {
  return {
    name: genesis.name,
    members: new Map([[genesis.creator, { role: 'owner', since: genesis.createdAt }]]),
    departed: new Map(),
    invites: new Map(),
    joinRequests: new Map(),
    ownersInvite: false,
    epoch: 0,
    epochAuthor: genesis.creator,
    holders: new Set([genesis.creator]),
    holdersByEpoch: new Map([[0, new Set([genesis.creator])]]),
    refusedJoins: new Map(),
    creator: genesis.creator,
    applied: [],
    refused: []
  }
}

function run (genesis: Genesis, sorted: SignedOp[], dag: DAG, verdicts: Verdicts): MembershipState {
  const state = emptyState(genesis)
  for (const op of sorted) {
    const reason = concurrentWithRestriction(state, op, dag, verdicts) ?? apply(state, op)
    if (reason == null) state.applied.push(op)
    else state.refused.push({ op, reason })
  }
  // Requests nobody can admit any more are refused (their author is told why). One that
  // only waits (for its issuer, say) is not.
  for (const request of state.joinRequests.values()) {
    if (state.members.has(request.author)) continue
    const why = hopeless(state, request)
    if (why != null) state.refusedJoins.set(request.author, why)
  }
  for (const { op, reason } of state.refused) {
    if (op.op.type === 'join' && !state.members.has(op.author) && !state.refusedJoins.has(op.author) && !hasWaitingJoin(state, op.author)) state.refusedJoins.set(op.author, reason)
  }
  return state
}

/**
 * Refuse an operation that a restriction in effect would have refused, had its author
 * seen it first: the author's removal (except a JOIN request, which grants nothing by
 * itself), a revocation of the invite an admission uses, a removal of that invite's
 * issuer, an owners-only policy for an admission by someone who is not an owner.
 */
function concurrentWithRestriction (state: MembershipState, s: SignedOp, dag: DAG, v: Verdicts): string | undefined {
  if (s.op.type !== 'join' && (v.removals.get(s.author) ?? []).some((r) => r.concurrentWith(s.id))) return 'signed after its author was removed'
  if (s.op.type !== 'admit') return undefined
  const request = state.joinRequests.get(s.op.joinId)
  if (request == null) return undefined
  if ((v.revocations.get(request.inviteKey) ?? []).some((r) => r.concurrentWith(s.id))) return 'invite revoked'
  if ((v.removals.get(request.grant.issuer) ?? []).some((r) => r.concurrentWith(s.id))) return 'inviter was removed'
  if (state.members.get(s.author)?.role !== 'owner' && v.policies.some((r) => r.concurrentWith(s.id))) return 'only owners may invite'
  return undefined
}

/**
 * Whether the current epoch's key reached someone who was since removed: then an owner
 * must start a new epoch (two owners removing members at once each started one, and only
 * the first counts).
 */
export function needsRekey (state: MembershipState): boolean {
  for (const h of state.holders) if (state.departed.get(h)?.how === 'removed') return true
  return false
}

/**
 * How to treat a message from `sender` (history index `index`, for history messages):
 * from a member; from a former member (kept if its index is one its departure covered);
 * or from someone the log refused or does not know (not yet, perhaps: a newcomer may not
 * be admitted yet). `ts` is unused: a date is its sender's word.
 */
export function standing (state: MembershipState, sender: string, ts: number, index?: number): 'member' | 'former' | 'gone' | 'refused' | 'unknown' {
  if (state.members.has(sender)) return 'member'
  const departed = state.departed.get(sender)
  if (departed != null) {
    // A history message counts if its number is one the departure covered.
    // Presence and the like from them mean nothing now.
    return index != null && index <= (departed.uptoMessage ?? 0) ? 'former' : 'gone'
  }
  if (state.refusedJoins.has(sender)) return 'refused'
  return 'unknown'
}

/** Whether `who` has a request to join that waits for an admission. */
export function hasWaitingJoin (state: MembershipState, who: string): boolean {
  for (const r of state.joinRequests.values()) if (r.author === who) return true
  return false
}

/** Whether the log lets `sender` speak in `epoch`: it held that epoch's key as a member. */
export function heldEpoch (state: MembershipState, sender: string, epoch: number): boolean {
  return state.holdersByEpoch.get(epoch)?.has(sender) === true
}

/**
 * Why `admitter` may not admit `request` at `ts` in `state` (undefined: it may). The one
 * copy of the admission rules: replay applies it to ADMIT operations, and members ask it
 * before they sign one.
 */
export function admitProblem (state: MembershipState, admitter: string, request: JoinRequest, ts: number, readmit = false): string | undefined {
  const by = state.members.get(admitter)
  if (by == null) return 'author is not a member'
  if (state.members.has(request.author)) return 'already a member'
  const general = hopeless(state, request)
  if (general != null) return general
  const invite = state.invites.get(request.inviteKey) as InviteRecord
  if (state.ownersInvite && by.role !== 'owner') return 'only owners may invite'
  // A limited invite's seats are its issuer's to give, in its own chain's order: no one
  // else can spend them, and no date can put a later admission first.
  if (invite.maxUses > 0 && admitter !== invite.issuer) return 'only its issuer admits with a limited invite'
  if (ts > invite.expiresAt) return 'invite expired'
  if (ts < request.grant.issuedAt - GRANT_SKEW_MS) return 'admitted before its invite was made'
  const departed = state.departed.get(request.author)
  if (departed?.how === 'removed' && !(readmit && by.role === 'owner')) return 'removed from the room; only an owner can take them back'
  return undefined
}

/** How far before its invite's issue date an admission may be dated (clocks differ). */
const GRANT_SKEW_MS = 10 * 60_000

/** Why no member could ever admit `request` as the log stands (undefined: one still may). */
function hopeless (state: MembershipState, request: JoinRequest): string | undefined {
  const invite = state.invites.get(request.inviteKey)
  if (invite == null) return 'invite unknown to the room'
  if (invite.revoked) return 'invite revoked'
  const issuer = state.members.get(invite.issuer)
  if (issuer == null) return state.departed.get(invite.issuer)?.how === 'removed' ? 'inviter was removed' : 'inviter is no longer a member'
  if (state.ownersInvite && issuer.role !== 'owner') return 'inviter may no longer invite'
  if (invite.maxUses > 0 && invite.uses >= invite.maxUses) return 'invite used up'
  return undefined
}

/** Apply one operation; returns why it is refused, or undefined when it took effect. */
function apply (state: MembershipState, s: SignedOp): string | undefined {
  const op = s.op
  if (op.type === 'join') return join(state, s, op)
  const author = state.members.get(s.author)
  if (author == null) return 'author is not a member'
  const isOwner = author.role === 'owner'
  switch (op.type) {
    case 'admit': return admit(state, s, op)
    case 'invite': {
      if (state.ownersInvite && !isOwner) return 'only owners may invite'
      const key = inviteKeyOf(s.author, op.inviteId)
      const held = state.invites.get(key)
      if (held != null && held.expiresAt !== 0) return 'invite already announced'
      if (held != null) Object.assign(held, { expiresAt: op.expiresAt, maxUses: op.maxUses })
      else state.invites.set(key, { issuer: s.author, inviteId: op.inviteId, expiresAt: op.expiresAt, maxUses: op.maxUses, uses: 0, revoked: false })
      return undefined
    }
    case 'revoke': {
      const issuer = op.issuer ?? s.author
      if (!isOwner && issuer !== s.author) return 'only owners or its issuer may revoke an invite'
      const key = inviteKeyOf(issuer, op.inviteId)
      const invite = state.invites.get(key)
      if (invite == null) {
        // Revoked before anyone used it here: remember it, so a later admission is refused.
        state.invites.set(key, { issuer, inviteId: op.inviteId, expiresAt: 0, maxUses: 0, uses: 0, revoked: true, revokedBy: s.author })
      } else {
        invite.revoked = true
        invite.revokedBy = s.author
      }
      return undefined
    }
    case 'leave':
      state.members.delete(s.author)
      state.departed.set(s.author, { by: s.author, ts: s.ts, how: 'left', opId: s.id, ...(op.uptoMessage != null ? { uptoMessage: op.uptoMessage } : {}) })
      return undefined
    case 'remove': {
      if (!isOwner) return 'only owners may remove'
      if (op.member === s.author) return 'an owner leaves rather than removes itself'
      // The creator is the root of the room's authority: an owner it made cannot turn on it.
      if (op.member === state.creator) return 'the room\'s creator cannot be removed'
      if (!state.members.has(op.member)) return 'not a member'
      state.members.delete(op.member)
      state.departed.set(op.member, { by: s.author, ts: s.ts, how: 'removed', opId: s.id, ...(op.uptoMessage != null ? { uptoMessage: op.uptoMessage } : {}) })
      return undefined
    }
    case 'promote': {
      if (!isOwner) return 'only owners may promote'
      const member = state.members.get(op.member)
      if (member == null) return 'not a member'
      member.role = 'owner'
      member.promotedBy = s.author
      return undefined
    }
    case 'rename':
      if (!isOwner) return 'only owners may rename'
      state.name = op.name
      return undefined
    case 'policy':
      if (!isOwner) return 'only owners may set who invites'
      state.ownersInvite = op.ownersInvite
      state.policyBy = s.author
      return undefined
    case 'epoch': {
      if (!isOwner) return 'only owners may start an epoch'
      // Two owners starting the same epoch at once: the first in the order wins (the
      // other's members get the key through a `keys` operation or the next epoch).
      if (op.epoch !== state.epoch + 1) return 'not the next epoch'
      state.epoch = op.epoch
      state.epochAuthor = s.author
      // Everyone it was wrapped for holds it, member or not (an owner who had not yet seen
      // another's removal wraps it for the removed one too: that calls for another epoch).
      state.holders = new Set([s.author, ...op.recipients])
      state.holdersByEpoch.set(op.epoch, new Set(state.holders))
      return undefined
    }
    case 'keys':
      if (op.epoch !== state.epoch) return 'not the current epoch'
      if (!state.holders.has(s.author)) return 'author does not hold this epoch\'s key'
      // Keys go only to members (one handed to someone gone would call for epoch after epoch),
      // except the epoch's own packages from its author: whoever they reach holds the key
      // (an owner who had not yet seen another's removal wraps it for the removed one too:
      // that calls for another epoch, see needsRekey).
      if (s.author !== state.epochAuthor && op.recipients.some((r) => !state.members.has(r))) return 'hands the key to someone not a member'
      for (const r of op.recipients) hold(state, r, op.epoch)
      return undefined
  }
}

function hold (state: MembershipState, member: string, epoch: number): void {
  if (epoch === state.epoch) state.holders.add(member)
  const set = state.holdersByEpoch.get(epoch) ?? new Set<string>()
  set.add(member)
  state.holdersByEpoch.set(epoch, set)
}

/** A newcomer's request: kept until a member admits it (nothing else changes). */
function join (state: MembershipState, s: SignedOp, op: Extract<MembershipOp, { type: 'join' }>): string | undefined {
  if (state.members.has(s.author)) return 'already a member'
  const key = inviteKeyOf(op.grant.issuer, op.inviteId)
  const invite = state.invites.get(key)
  if (invite != null && invite.expiresAt !== 0 && (invite.expiresAt !== op.grant.expiresAt || invite.maxUses !== op.grant.maxUses)) return 'grant does not match its announced invite'
  if (invite == null) state.invites.set(key, { issuer: op.grant.issuer, inviteId: op.inviteId, expiresAt: op.grant.expiresAt, maxUses: op.grant.maxUses, uses: 0, revoked: false })
  else if (invite.expiresAt === 0) Object.assign(invite, { expiresAt: op.grant.expiresAt, maxUses: op.grant.maxUses })
  // One request per joiner waits: a newer one replaces it.
  for (const [id, r] of state.joinRequests) if (r.author === s.author) state.joinRequests.delete(id)
  state.joinRequests.set(s.id, { id: s.id, author: s.author, inviteKey: key, grant: op.grant, ts: s.ts })
  state.refusedJoins.delete(s.author)
  return undefined
}

function admit (state: MembershipState, s: SignedOp, op: Extract<MembershipOp, { type: 'admit' }>): string | undefined {
  const request = state.joinRequests.get(op.joinId)
  if (request == null || request.author !== op.member) return 'admits no waiting join'
  const why = admitProblem(state, s.author, request, s.ts, op.readmit)
  if (why != null) return why
  if (op.welcome != null && op.welcome !== state.epoch) return 'welcomes into another epoch'
  if (op.welcome != null && !state.holders.has(s.author)) return 'author does not hold this epoch\'s key'
  const invite = state.invites.get(request.inviteKey) as InviteRecord
  invite.uses++
  state.joinRequests.delete(op.joinId)
  state.members.set(op.member, { role: 'member', addedBy: invite.issuer, admittedBy: s.author, inviteId: invite.inviteId, inviteKey: request.inviteKey, since: s.ts })
  state.departed.delete(op.member)
  state.refusedJoins.delete(op.member)
  hold(state, op.member, request.grant.epoch)
  if (op.welcome != null) hold(state, op.member, op.welcome)
  return undefined
}
