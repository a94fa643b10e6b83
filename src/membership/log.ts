/**
 * A room's membership as the deterministic replay of its signed membership operations
 * (issue 6). Operations are checked for their signatures elsewhere (they travel as signed
 * CONTROL messages); this module decides which take effect, in one total order, so every
 * member that holds the same set of operations computes the same state, whatever order
 * they arrived in.
 */

/** Roles a member can hold. */
export type Role = 'owner' | 'member'

/**
 * The invite a joiner used, as its issuer signed it (the signature is checked before
 * replay): a join needs no earlier announcement of the invite to be judged.
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

/** What an operation does. `member`, `recipients` and `inviteId` are hex strings. */
export type MembershipOp =
  | { type: 'invite', inviteId: string, expiresAt: number, maxUses: number }
  | { type: 'join', inviteId: string, grant?: InviteGrant }
  /** `uptoMessage`: our last history index (later ones, whatever their date, are not ours to send). */
  | { type: 'leave', uptoMessage?: number }
  /**
   * What the remover had seen of the member: its operations up to counter `upto`, its
   * messages up to history index `uptoMessage`, and the joins its invites let in
   * (`honored`). Anything later from it, or let in by it, is refused whatever its date.
   */
  | { type: 'remove', member: string, upto?: number, uptoId?: string, uptoMessage?: number, honored?: string[] }
  | { type: 'promote', member: string }
  | { type: 'rename', name: string }
  /** `honored`: the joins with this invite the revoker had seen, which stay valid. */
  | { type: 'revoke', inviteId: string, honored?: string[] }
  | { type: 'policy', ownersInvite: boolean }
  /** A new epoch: its key was wrapped for `recipients` (the packages themselves stay with the session). */
  | { type: 'epoch', epoch: number, recipients: string[] }
  /** The current epoch's key, wrapped for more members (a newcomer, or a large room's next chunk). */
  | { type: 'keys', epoch: number, recipients: string[] }

/** An operation as signed by its author (an identity public key, hex). */
export interface SignedOp {
  author: string
  /** The author's own counter (its history index): an author's operations apply in this order. */
  index: number
  /** The author's clock, ms: orders operations across authors. */
  ts: number
  op: MembershipOp
  /** The record's id (hex), and the id of the author's previous operation: its chain. */
  id?: string
  prev?: string
}

/** A member as the log says. */
export interface MemberRecord {
  role: Role
  /** Who let them in (their inviter; the creator has none). */
  addedBy?: string
  /** Who made them an owner (when promoted). */
  promotedBy?: string
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
  /** Who revoked it (when revoked). */
  revokedBy?: string
}

/** Why someone is no longer a member. */
export interface Departure {
  /** Who removed them (themselves for a leave). */
  by: string
  ts: number
  how: 'removed' | 'left'
  /** Their last history index that counts (later ones are refused, whatever their date). */
  uptoMessage?: number
}

/** The room's membership state. */
export interface MembershipState {
  name: string
  members: Map<string, MemberRecord>
  /** Former members, and when and how they went (a later join clears it). */
  departed: Map<string, Departure>
  invites: Map<string, InviteRecord>
  /** Only owners may invite (set by `policyBy`). */
  ownersInvite: boolean
  policyBy?: string
  /** The current key epoch, and who started it (the creator for epoch 0). */
  epoch: number
  epochAuthor: string
  /** Who was given the current epoch's key (or joined with an invite carrying it). */
  holders: Set<string>
  /** Joiners refused (their latest refused join and why): their messages are refused too. */
  refusedJoins: Map<string, string>
  /** The room's creator: its first owner, who cannot be removed. */
  creator: string
  /** Revocations and removals that took effect, as verdicts (see {@link replayMembership}). */
  revocations: Array<{ inviteId: string, honored: string[] }>
  removals: RemovalRecord[]
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

/** How far before its invite's issue date a join may be dated (clocks differ). */
const GRANT_SKEW_MS = 10 * 60_000

/** Most rounds of settling verdicts (each round replays the log once; two or three is usual). */
const MAX_VERDICT_ROUNDS = 8

/**
 * Replay a set of operations (in any order, duplicates allowed) into the room's state.
 *
 * A clock is its owner's word, so some decisions cannot be left to the order: a joiner
 * could date its join before a revocation, a removed member its operations (or the joins
 * of invites it signs) before its removal. Revocations and removals therefore carry what
 * their author had seen (the joins a revocation keeps; the removed member's last
 * operation, by counter and id, its last message number, the joins its invites let in),
 * and these verdicts apply wherever the dates fall. Verdicts come only from operations
 * that take effect under the verdicts found so far, replayed until they settle, so a
 * refused operation can never hand down a verdict.
 *
 * Two different operations under one author counter (a fork): for a removed author the
 * chain its remover pinned decides; otherwise both are void (an author can only undo its
 * own operations so, never add to them).
 */
export function replayMembership (genesis: Genesis, ops: Iterable<SignedOp>): MembershipState {
  const byKey = new Map<string, SignedOp[]>()
  const byId = new Map<string, SignedOp>()
  for (const op of ops) {
    const key = `${op.author}:${op.index}`
    const list = byKey.get(key) ?? []
    const sig = op.id ?? JSON.stringify(op.op) + String(op.ts)
    if (!list.some((o) => (o.id ?? JSON.stringify(o.op) + String(o.ts)) === sig)) list.push(op)
    byKey.set(key, list)
    if (op.id != null) byId.set(op.id, op)
  }
  // Removals first (they decide who had authority, and what of a removed member counts),
  // then revocations under the removals so settled: settling both at once can swing
  // between two states when a revocation's author is the one removed.
  let verdicts = NO_VERDICTS
  let state = run(genesis, resolve(byKey, byId, verdicts), verdicts)
  for (const stage of ['removals', 'revoked'] as const) {
    for (let round = 0; round < MAX_VERDICT_ROUNDS; round++) {
      const found = verdictsOf(state)
      const next: Verdicts = stage === 'removals' ? { revoked: new Map(), removals: found.removals } : { revoked: found.revoked, removals: verdicts.removals }
      if (sameVerdicts(next, verdicts)) break
      verdicts = next
      state = run(genesis, resolve(byKey, byId, verdicts), verdicts)
    }
  }
  return state
}

/** The operations to replay, sorted: forks settled (see {@link replayMembership}). */
function resolve (byKey: Map<string, SignedOp[]>, byId: Map<string, SignedOp>, verdicts: Verdicts): SignedOp[] {
  const chains = new Map<string, Set<string>>()
  for (const [member, removal] of verdicts.removals) {
    if (removal.uptoId == null || !byId.has(removal.uptoId)) continue
    const chain = new Set<string>()
    for (let id: string | undefined = removal.uptoId; id != null && !chain.has(id);) {
      chain.add(id)
      id = byId.get(id)?.prev
    }
    chains.set(member, chain)
  }
  const out: SignedOp[] = []
  for (const list of byKey.values()) {
    const first = list[0] as SignedOp
    const chain = chains.get(first.author)
    const removal = verdicts.removals.get(first.author)
    if (chain != null && removal != null && first.index <= removal.upto) {
      // What the remover saw of a removed member is its chain; nothing else under those counters.
      const pinned = list.find((o) => o.id != null && chain.has(o.id))
      if (pinned != null) out.push(pinned)
      continue
    }
    if (list.length === 1) out.push(first)
  }
  return out.sort(compareOps)
}

/** The verdicts the operations that took effect in `state` hand down. */
function verdictsOf (state: MembershipState): Verdicts {
  const revoked = new Map<string, Set<string>>()
  for (const r of state.revocations) {
    const held = revoked.get(r.inviteId)
    if (held == null) {
      revoked.set(r.inviteId, new Set(r.honored))
    } else {
      // Several revocations of one invite: a join stays only if every one honoured it.
      const keep = new Set(r.honored)
      for (const m of held) if (!keep.has(m)) held.delete(m)
    }
  }
  const removals = new Map<string, RemovalRecord>()
  for (const r of state.removals) {
    const held = removals.get(r.member)
    if (held != null && held.ts > r.ts) continue
    removals.set(r.member, r)
  }
  return { revoked, removals }
}

function sameVerdicts (a: Verdicts, b: Verdicts): boolean {
  const text = (v: Verdicts): string => JSON.stringify({
    revoked: [...v.revoked].map(([k, set]) => [k, [...set].sort()]).sort(),
    removals: [...v.removals].map(([k, r]) => [k, r.ts, r.upto, r.uptoId ?? '', [...r.honored].sort()]).sort()
  })
  return text(a) === text(b)
}

/** What a removal decided about the removed member (its latest removal, if several). */
export interface RemovalRecord {
  member: string
  ts: number
  upto: number
  uptoId?: string
  honored: Set<string>
}

/** What earlier rounds found, for the next to apply whatever the dates. */
interface Verdicts {
  revoked: Map<string, Set<string>>
  removals: Map<string, RemovalRecord>
}

const NO_VERDICTS: Verdicts = { revoked: new Map(), removals: new Map() }

function run (genesis: Genesis, sorted: SignedOp[], verdicts: Verdicts): MembershipState {
  /** Removed members back with a newer invite: their operations from this counter (and date) on count again. */
  const readmitted = new Map<string, { index: number, ts: number }>()
  const state: MembershipState = {
    name: genesis.name,
    members: new Map([[genesis.creator, { role: 'owner', since: genesis.createdAt }]]),
    departed: new Map(),
    invites: new Map(),
    ownersInvite: false,
    epoch: 0,
    epochAuthor: genesis.creator,
    holders: new Set([genesis.creator]),
    refusedJoins: new Map(),
    creator: genesis.creator,
    revocations: [],
    removals: [],
    applied: [],
    refused: []
  }
  for (const op of sorted) {
    const reason = afterRemoval(op, verdicts, readmitted) ?? apply(state, op, verdicts.revoked, verdicts.removals, readmitted)
    if (reason == null && op.op.type === 'join' && op.index > (verdicts.removals.get(op.author)?.upto ?? Infinity)) readmitted.set(op.author, { index: op.index, ts: op.ts })
    if (reason == null) state.applied.push(op)
    else {
      state.refused.push({ op, reason })
      if (op.op.type === 'join' && !state.members.has(op.author)) state.refusedJoins.set(op.author, reason)
    }
  }
  return state
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
 * or from someone the log refused or does not know (not yet, perhaps: a newcomer's join
 * may still be on its way). `ts` is unused: a date is its sender's word.
 */
export function standing (state: MembershipState, sender: string, ts: number, index?: number): 'member' | 'former' | 'gone' | 'refused' | 'unknown' {
  if (state.members.has(sender)) return 'member'
  const departed = state.departed.get(sender)
  if (departed != null) {
    // A history message counts if its number is one the departure covered (its date is
    // the sender's word, so it decides nothing).
    // Presence and the like from them mean nothing now.
    return index != null && index <= (departed.uptoMessage ?? 0) ? 'former' : 'gone'
  }
  if (state.refusedJoins.has(sender)) return 'refused'
  return 'unknown'
}

/**
 * Refuse what a removed member signed after what its remover had seen, wherever its date
 * puts it, except a JOIN with a newer invite from someone else (and what follows it).
 */
function afterRemoval (s: SignedOp, verdicts: Verdicts, readmitted: Map<string, { index: number, ts: number }>): string | undefined {
  const removal = verdicts.removals.get(s.author)
  if (removal == null || s.index <= removal.upto) return undefined
  const back = readmitted.get(s.author)
  if (back != null && s.index > back.index) return undefined
  if (s.op.type === 'join' && s.op.grant != null && s.op.grant.issuer !== s.author && s.op.grant.issuedAt > removal.ts) return undefined
  return 'signed after its author was removed'
}

/** Apply one operation; returns why it is refused, or undefined when it took effect. */
function apply (state: MembershipState, s: SignedOp, revoked: Map<string, Set<string>>, removals: Map<string, RemovalRecord>, readmitted: Map<string, { index: number, ts: number }>): string | undefined {
  const author = state.members.get(s.author)
  const op = s.op
  if (op.type === 'join') return join(state, s, op, revoked, removals, readmitted)
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
      if (!isOwner && invite?.issuer !== s.author) return 'only owners or its issuer may revoke an invite'
      // An issuer who is not an owner stops its invite; it cannot drop those it already
      // let in (only owners remove people, and that re-keys).
      const honored = isOwner ? op.honored ?? [] : [...new Set([...(op.honored ?? []), ...[...state.members].filter(([, m]) => m.inviteId === op.inviteId).map(([k]) => k)])]
      state.revocations.push({ inviteId: op.inviteId, honored })
      if (invite == null) {
        // Revoked before anyone used it here: remember it, so a later join is refused.
        state.invites.set(op.inviteId, { issuer: '', expiresAt: 0, maxUses: 0, uses: 0, revoked: true, revokedBy: s.author })
      } else {
        invite.revoked = true
        invite.revokedBy = s.author
      }
      return undefined
    }
    case 'leave':
      state.members.delete(s.author)
      state.departed.set(s.author, { by: s.author, ts: s.ts, how: 'left', ...(op.uptoMessage != null ? { uptoMessage: op.uptoMessage } : {}) })
      return undefined
    case 'remove': {
      if (!isOwner) return 'only owners may remove'
      if (op.member === s.author) return 'an owner leaves rather than removes itself'
      // The creator is the root of the room's authority: an owner it made cannot turn on
      // it (and a removed owner dating a removal of the creator gains nothing).
      if (op.member === state.creator) return 'the room\'s creator cannot be removed'
      if (!state.members.has(op.member)) return 'not a member'
      state.members.delete(op.member)
      state.departed.set(op.member, { by: s.author, ts: s.ts, how: 'removed', ...(op.uptoMessage != null ? { uptoMessage: op.uptoMessage } : {}) })
      state.removals.push({ member: op.member, ts: s.ts, upto: op.upto ?? Number.MAX_SAFE_INTEGER, ...(op.uptoId != null ? { uptoId: op.uptoId } : {}), honored: new Set(op.honored ?? []) })
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
    case 'epoch':
      if (!isOwner) return 'only owners may start an epoch'
      // Two owners starting the same epoch at once: the first in the order wins (the
      // other's members get the key through a `keys` operation or the next epoch).
      if (op.epoch !== state.epoch + 1) return 'not the next epoch'
      state.epoch = op.epoch
      state.epochAuthor = s.author
      // Everyone it was wrapped for holds it, member or not (an owner who had not yet seen
      // another's removal wraps it for the removed one too: that calls for another epoch).
      state.holders = new Set([s.author, ...op.recipients])
      return undefined
    case 'keys':
      if (op.epoch !== state.epoch) return 'not the current epoch'
      if (!state.holders.has(s.author)) return 'author does not hold this epoch\'s key'
      // Keys go only to members (one handed to someone gone would call for epoch after epoch).
      if (op.recipients.some((r) => !state.members.has(r))) return 'hands the key to someone not a member'
      for (const r of op.recipients) state.holders.add(r)
      return undefined
  }
}

/** A newcomer's own join: with an invite signed by a member allowed to invite, live, unused up. */
function join (state: MembershipState, s: SignedOp, op: Extract<MembershipOp, { type: 'join' }>, revoked: Map<string, Set<string>>, removals: Map<string, RemovalRecord>, readmitted: Map<string, { index: number, ts: number }>): string | undefined {
  if (state.members.has(s.author)) return 'already a member'
  const grant = op.grant
  // Nobody joins with an invite before it was made (a date is the joiner's word, bounded here).
  if (grant != null && s.ts < grant.issuedAt - GRANT_SKEW_MS) return 'dated before its invite'
  // An invite of a member since removed lets in only those its remover had seen join.
  // (Whatever the invite's date: a removed member dates its own invites as it likes. Only
  // one it made after coming back with someone else's newer invite counts.)
  const issuerRemoval = grant != null ? removals.get(grant.issuer) : undefined
  const issuerBack = grant != null ? readmitted.get(grant.issuer) : undefined
  if (grant != null && issuerRemoval != null && !issuerRemoval.honored.has(s.author) && !(issuerBack != null && grant.issuedAt > issuerBack.ts)) return 'inviter was removed'
  let invite = state.invites.get(op.inviteId)
  if (invite == null && grant != null) {
    invite = { issuer: grant.issuer, expiresAt: grant.expiresAt, maxUses: grant.maxUses, uses: 0, revoked: false }
    state.invites.set(op.inviteId, invite)
  } else if (invite != null && invite.issuer === '' && grant != null) {
    // Known only from its revocation so far.
    Object.assign(invite, { issuer: grant.issuer, expiresAt: grant.expiresAt, maxUses: grant.maxUses })
  }
  if (invite == null) return 'invite unknown to the room'
  // Second pass: the revocations' own lists decide, wherever the join falls in the order.
  const honored = revoked.get(op.inviteId)
  if (honored != null ? !honored.has(s.author) : invite.revoked) return 'invite revoked'
  if (s.ts > invite.expiresAt) return 'invite expired'
  if (invite.maxUses > 0 && invite.uses >= invite.maxUses) return 'invite used up'
  const issuer = state.members.get(invite.issuer)
  if (issuer == null) return 'inviter is no longer a member'
  if (state.ownersInvite && issuer.role !== 'owner') return 'inviter may no longer invite'
  // A removed member comes back only with an invite issued after its removal.
  const departed = state.departed.get(s.author)
  if (departed?.how === 'removed' && (grant == null || grant.issuedAt <= departed.ts)) return 'removed from the room; needs a newer invite'
  invite.uses++
  state.members.set(s.author, { role: 'member', addedBy: invite.issuer, inviteId: op.inviteId, since: s.ts })
  state.departed.delete(s.author)
  state.refusedJoins.delete(s.author)
  if (grant?.epoch === state.epoch) state.holders.add(s.author)
  return undefined
}
