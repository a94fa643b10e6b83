import { canPromote, canRemove, canRevoke, canSetPolicy, findInvite, resolveMember } from '../../membership/index.js'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  NotPermittedError, UnknownInviteError, createChatClient, queueEmpty, queueOp, queuedInvites, readRoomMembership, invitesOf, rosterOf,
  type InviteInfo, type RoomMembership, type RoomSession
} from '../../chat/index.js'
import { DEFAULT_NICK } from '../../constants.js'
import { bytesToHex, hexToBytes } from '../../crypto/index.js'
import { fingerprint } from '../../identity/index.js'
import { IdentityBook } from '../../verify/index.js'
import { sanitizeForTerminal } from '../sanitize.js'
import { parseRoomId, type RoomStore } from '../../room/index.js'
import { openContext, type CommandContext, type CommonOptions } from '../context.js'
import { UsageError } from '../errors.js'
import type { Output } from '../output.js'

export interface InvitesOptions extends CommonOptions {
  all?: boolean
}

export interface RevokeOptions extends CommonOptions {
  /** Revoke an id the room's log does not know (owners). */
  force?: boolean
}

/** How long `revoke` waits for the process that has the room open to send it. */
const HANDOVER_WAIT_MS = 10_000

/** Whether another process has the room open right now (it holds the room's lock). */
async function openElsewhere (rooms: RoomStore, roomId: string): Promise<boolean> {
  try {
    const release = await rooms.lock(roomId)
    await release()
    return false
  } catch (err: any) {
    if (err?.name === 'RoomBusyError') return true
    throw err
  }
}

/** How long a command that opened the room itself waits for a member to hear it. */
const DELIVERY_WAIT_MS = 10_000

/**
 * Open the room (as `join` would), run `whileOpen` with its session, and close it again.
 * Undefined when no relay of the room could be reached (said on stderr).
 */
async function withOpenRoom<T> (ctx: CommandContext, roomId: string, output: Output, whileOpen: (session: RoomSession) => Promise<T>): Promise<T | undefined> {
  const room = ctx.rooms.require(roomId)
  const client = createChatClient({ identity: ctx.identity, rooms: ctx.rooms, nick: room.nick ?? DEFAULT_NICK })
  try {
    await client.start()
    return await whileOpen(await client.joinRoom(room))
  } catch (err: any) {
    if (err?.name !== 'RelayUnreachableError' && err?.name !== 'JoinTimeoutError') throw err
    output.err(`cryptochat: could not reach the room now (${String(err.message)})`)
    return undefined
  } finally {
    await client.stop()
  }
}

/** Resolve once `ready()` holds, or DELIVERY_WAIT_MS have passed. */
async function waitUpTo (ready: () => boolean): Promise<void> {
  const deadline = Date.now() + DELIVERY_WAIT_MS
  while (!ready() && Date.now() < deadline) await sleep(100)
}

/**
 * Send what the room's queue holds now: open the room, let the session sign and publish
 * it, and wait until `done` holds and a member is online to hear it (or DELIVERY_WAIT_MS
 * pass: relays' stores keep it then). A relay that cannot be reached leaves it queued.
 * Resolves with the number of members online, or undefined if not sent.
 */
async function deliverNow (ctx: CommandContext, roomId: string, done: (membership: RoomMembership) => boolean, output: Output): Promise<number | undefined> {
  const dir = ctx.rooms.dir(roomId)
  return await withOpenRoom(ctx, roomId, output, async (session) => {
    const online = (): number => session.roster().filter((m) => m.online && !m.self).length
    await waitUpTo(() => queueEmpty(dir) && done(session.membership) && online() > 0)
    return queueEmpty(dir) ? online() : undefined
  })
}

/**
 * Open the room just long enough to pull the membership log from a member (up to
 * DELIVERY_WAIT_MS), and return it as it then stands (undefined when no relay or member
 * could be reached).
 */
async function fetchLog (ctx: CommandContext, roomId: string, output: Output): Promise<RoomMembership | undefined> {
  return await withOpenRoom(ctx, roomId, output, async (session) => {
    await waitUpTo(() => session.membershipSynced)
    return session.membershipSynced ? session.membership : undefined
  })
}

/**
 * Hand queued operations to the process that has the room open (and wait until its log
 * on disk shows them done: `done` on the membership as read from disk), or open the room
 * and send them.
 */
async function handOver (ctx: CommandContext, roomId: string, done: (membership: RoomMembership) => boolean, output: Output): Promise<{ sent: boolean, members?: number }> {
  const dir = ctx.rooms.dir(roomId)
  if (await openElsewhere(ctx.rooms, roomId)) {
    const deadline = Date.now() + HANDOVER_WAIT_MS
    const finished = (): boolean => queueEmpty(dir) && done(readRoomMembership(ctx.rooms, ctx.identity, roomId))
    while (!finished() && Date.now() < deadline) await sleep(200)
    return { sent: finished() }
  }
  const members = await deliverNow(ctx, roomId, done, output)
  return members != null ? { sent: true, members } : { sent: false }
}

/** Stop unless the room is managed (`unmanaged` says what cannot be done otherwise). Returns our identity key (hex). */
function requireManaged (ctx: CommandContext, membership: RoomMembership, unmanaged: string): string {
  if (!membership.managed) throw new NotPermittedError(unmanaged)
  return bytesToHex(ctx.identity.publicKey)
}

/** Throw the room's rule as a NotPermittedError when it says no. */
function allowed (problem: string | undefined): void {
  if (problem != null) throw new NotPermittedError(problem)
}

/** The nick each fingerprint was last heard by here (seen.json: the log itself holds identities, not labels). */
function nicksHeard (ctx: CommandContext, roomId: string, fingerprints: Iterable<string>): Map<string, string> {
  const book = new IdentityBook(ctx.dataDir, { self: ctx.identity.fingerprint })
  const nicks = new Map<string, string>()
  try {
    for (const fp of fingerprints) {
      if (fp === ctx.identity.fingerprint) nicks.set(fp, ctx.rooms.get(roomId)?.nick ?? '')
      else {
        try {
          nicks.set(fp, book.find(fp).nicks.at(-1) ?? '')
        } catch {}
      }
    }
  } finally {
    book.close()
  }
  return nicks
}

/** A member of the room named by nick as heard here, or by 8 or more hex characters of fingerprint. */
function memberNamed (ctx: CommandContext, roomId: string, membership: RoomMembership, text: string): string {
  const fpOf = (key: string): string => fingerprint(hexToBytes(key))
  const nicks = nicksHeard(ctx, roomId, [...membership.state.members.keys()].map(fpOf))
  return resolveMember(membership.state, text, { nickOf: (key) => nicks.get(fpOf(key)), listedBy: `cryptochat members ${roomId}` })
}

/**
 * `cryptochat remove <roomId> <fingerprint>`: an owner removes a member. The room's open
 * session (this one's, or one started for it) signs the removal and starts a new epoch
 * whose key goes to every remaining member and not to them.
 */
export async function removeCommand (roomId: string, who: string, opts: CommonOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  const self = requireManaged(ctx, membership, 'this room was made before members could be removed: make a new room to manage its members')
  allowed(canRemove(membership.state, self))
  const member = memberNamed(ctx, id, membership, who)
  allowed(canRemove(membership.state, self, member))
  const fp = fingerprint(hexToBytes(member))
  queueOp(ctx.rooms.dir(id), { type: 'remove', member })
  const epochBefore = membership.state.epoch
  const result = await handOver(ctx, id, (m) => !m.state.members.has(member) && m.state.epoch > epochBefore, output)
  if (opts.json === true) {
    output.json({ type: 'removed', roomId: id, fingerprint: fp, sent: result.sent, ...(result.members != null ? { membersOnline: result.members } : {}) })
  } else if (result.sent) {
    output.out(`Removed ${fp} from the room and started a new key epoch: they can no longer read or send. Members online: ${result.members ?? 'the open session told them'}; others get the new key when they come back.`)
  } else {
    output.out(`Removal of ${fp} queued: it is signed and the new key sent the next time you open the room (cryptochat join ${id}). Until then they can still read the room.`)
  }
}

/** `cryptochat promote <roomId> <fingerprint>`: an owner makes a member an owner. */
export async function promoteCommand (roomId: string, who: string, opts: CommonOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  const self = requireManaged(ctx, membership, 'this room was made before owners existed: make a new room to manage its members')
  allowed(canPromote(membership.state, self))
  const member = memberNamed(ctx, id, membership, who)
  const fp = fingerprint(hexToBytes(member))
  if (membership.state.members.get(member)?.role === 'owner') {
    if (opts.json === true) output.json({ type: 'promoted', roomId: id, fingerprint: fp, sent: true, already: true })
    else output.out(`${fp} is already an owner.`)
    return
  }
  queueOp(ctx.rooms.dir(id), { type: 'promote', member })
  const { sent } = await handOver(ctx, id, (m) => m.state.members.get(member)?.role === 'owner', output)
  if (opts.json === true) output.json({ type: 'promoted', roomId: id, fingerprint: fp, sent })
  else output.out(sent ? `${fp} is now an owner of the room.` : `Promotion of ${fp} queued: it is signed and sent the next time you open the room (cryptochat join ${id}).`)
}

export interface PolicyOptions extends CommonOptions {
  invites?: string
}

/** `cryptochat policy <roomId> --invites owners|anyone`: who may invite (owners set it). */
export async function policyCommand (roomId: string, opts: PolicyOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  if (opts.invites !== 'owners' && opts.invites !== 'anyone') throw new UsageError('say who may invite: --invites owners or --invites anyone')
  const ownersInvite = opts.invites === 'owners'
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  const self = requireManaged(ctx, membership, 'this room was made before owners existed: make a new room to manage its members')
  allowed(canSetPolicy(membership.state, self))
  let sent = true
  if (membership.state.ownersInvite !== ownersInvite) {
    queueOp(ctx.rooms.dir(id), { type: 'policy', ownersInvite })
    sent = (await handOver(ctx, id, (m) => m.state.ownersInvite === ownersInvite, output)).sent
  }
  if (opts.json === true) output.json({ type: 'policy', roomId: id, invites: opts.invites, sent })
  else output.out(sent ? `Who may invite to this room: ${ownersInvite ? 'owners only' : 'any member'}.` : `Policy change queued: it is signed and sent the next time you open the room (cryptochat join ${id}).`)
}

/** `cryptochat invites <roomId>`: the room's live invites (all with --all), as its membership log knows them. */
export async function invitesCommand (roomId: string, opts: InvitesOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  const now = Date.now()
  const logged = invitesOf(membership.state, now)
  // Ours made while the room was closed: live, announced the next time it opens.
  const mine = ctx.identity.fingerprint
  const queued = queuedInvites(ctx.rooms.dir(id)).filter((q) => !logged.some((i) => i.inviteId === q.inviteId))
    .map((q) => ({ inviteId: q.inviteId, issuer: mine, expiresAt: q.expiresAt, maxUses: q.maxUses, uses: 0, status: (q.expiresAt < now ? 'expired' : 'live') as InviteInfo['status'] }))
  const all = [...logged, ...queued].sort((a, b) => a.expiresAt - b.expiresAt)
  const shown = opts.all === true ? all : all.filter((i) => i.status === 'live')
  if (opts.json === true) {
    for (const i of shown) output.json({ type: 'invite', roomId: id, ...i })
    return
  }
  if (shown.length === 0) {
    output.err(opts.all === true ? 'No invites known to this room yet.' : 'No live invites known to this room (--all lists revoked, expired and used-up ones too).')
    return
  }
  for (const i of shown) {
    const uses = i.maxUses > 0 ? `${i.uses}/${i.maxUses} used` : `${i.uses} use${i.uses === 1 ? '' : 's'}`
    output.out(`${i.inviteId}  ${i.status.padEnd(7)}  until ${new Date(i.expiresAt).toISOString()}  ${uses}  by ${i.issuer.slice(0, 8) || '?'}`)
  }
}

/**
 * `cryptochat revoke <roomId> <inviteId>`: a signed revocation for the room. Handed to the
 * process that has the room open (it signs and sends it within a second); otherwise sent
 * the next time the room is opened.
 */
export async function revokeCommand (roomId: string, inviteId: string, opts: RevokeOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const invite = inviteId.trim().toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(invite)) throw new UsageError(`'${inviteId}' is not an invite id (32 hex characters, as \`cryptochat invites ${id}\` lists them)`)
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  if (!membership.managed) throw new NotPermittedError('this room was made before invites could be revoked: make a new room to manage its members')
  const state = membership.state
  const self = bytesToHex(ctx.identity.publicKey)
  // Ours, made while the room was closed and not yet announced, count as known (and ours).
  const queued = queuedInvites(ctx.rooms.dir(id)).find((q) => q.inviteId === invite)
  let known = findInvite(state, invite, self) ?? (queued != null ? { issuer: self, inviteId: invite, expiresAt: queued.expiresAt, maxUses: queued.maxUses, uses: 0, revoked: false } : undefined)
  // Not in our log: perhaps a member's, announced while we were away. Fetch the room's log
  // (opening the room, unless it is open in another process, whose log on disk is current).
  if (known == null && opts.force !== true && !(await openElsewhere(ctx.rooms, id))) {
    const fetched = await fetchLog(ctx, id, output)
    const theirs = fetched != null ? findInvite(fetched.state, invite, self) : undefined
    if (theirs != null) {
      allowed(canRevoke(state, self, theirs))
      known = theirs
    }
  }
  // A mistyped id would otherwise be "revoked" while the leaked invite stays live.
  if (known == null && opts.force !== true) {
    throw new UnknownInviteError(`no invite ${invite} is known to this room (see: cryptochat invites ${id} --all); if a member issued it and has not opened the room since, an owner can revoke it anyway with --force`)
  }
  allowed(canRevoke(state, self, known))
  if (known?.revoked === true) {
    if (opts.json === true) output.json({ type: 'revoked', roomId: id, inviteId: invite, sent: true, already: true })
    else output.out(`Invite ${invite} was already revoked.`)
    return
  }
  queueOp(ctx.rooms.dir(id), { type: 'revoke', inviteId: invite, ...(known != null && known.issuer !== '' ? { issuer: known.issuer } : {}) })
  const { sent } = await handOver(ctx, id, (m) => findInvite(m.state, invite, known?.issuer ?? self)?.revoked === true, output)
  if (opts.json === true) {
    output.json({ type: 'revoked', roomId: id, inviteId: invite, sent })
  } else if (sent) {
    output.out(`Revoked invite ${invite}: the revocation was signed and sent to the room; members refuse any new join with it.`)
  } else {
    output.out(`Revocation of invite ${invite} queued: it is signed and sent the next time you open the room (cryptochat join ${id}). Until then, members who have not heard of it may still let someone in with it.`)
  }
}

/** `cryptochat members <roomId>`: who the room's signed membership log lists, with roles and who added whom. */
export async function membersCommand (roomId: string, opts: CommonOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  if (!membership.managed) {
    output.err('This room was made before membership was recorded: it has no member list (members are whoever holds an invite).')
    return
  }
  const self = bytesToHex(ctx.identity.publicKey)
  const listed = rosterOf(membership.state, self, new Map())
  const nicks = nicksHeard(ctx, id, listed.flatMap((m) => m.addedBy != null ? [m.fingerprint, m.addedBy] : [m.fingerprint]))
  const nickOf = (fp: string): string => nicks.get(fp) ?? ''
  const roster = listed.map((m) => ({ ...m, nick: nickOf(m.fingerprint) }))
  if (opts.json === true) {
    for (const m of roster) output.json({ type: 'member', roomId: id, fingerprint: m.fingerprint, publicKey: m.publicKey, nick: m.nick, role: m.role, since: m.since, self: m.self, ...(m.addedBy != null ? { addedBy: m.addedBy } : {}) })
    return
  }
  const nick = (fp: string): string => sanitizeForTerminal(nickOf(fp) || '?')
  for (const m of roster) {
    output.out(`${m.fingerprint}  ${nick(m.fingerprint).padEnd(12)}  ${m.role.padEnd(6)}  ${m.addedBy != null ? `added by ${nick(m.addedBy)} ${m.addedBy.slice(0, 8)}` : 'created the room'}${m.self ? '  (you)' : ''}`)
  }
}
