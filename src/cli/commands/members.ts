import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import { readdirSync } from 'node:fs'
import { NotPermittedError, UnknownInviteError, queueOp, readRoomMembership, invitesOf, rosterOf } from '../../chat/index.js'
import { bytesToHex } from '../../crypto/index.js'
import { parseRoomId, type RoomStore } from '../../room/index.js'
import { fileExists } from '../../store/index.js'
import { openContext, type CommonOptions } from '../context.js'
import { UsageError } from '../errors.js'
import type { Output } from '../output.js'

export interface InvitesOptions extends CommonOptions {
  all?: boolean
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

/** Whether the room's queue of operations for its session is empty. */
function queueEmpty (roomDir: string): boolean {
  const dir = join(roomDir, 'outgoing')
  return !fileExists(dir) || readdirSync(dir).every((n) => !n.endsWith('.json'))
}

/** `cryptochat invites <roomId>`: the room's live invites (all with --all), as its membership log knows them. */
export async function invitesCommand (roomId: string, opts: InvitesOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  const all = invitesOf(membership.state, Date.now()).sort((a, b) => a.expiresAt - b.expiresAt)
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
    const uses = i.maxUses > 0 ? `${i.uses}/${i.maxUses} uses` : `${i.uses} use${i.uses === 1 ? '' : 's'}`
    output.out(`${i.inviteId}  ${i.status.padEnd(7)}  until ${new Date(i.expiresAt).toISOString()}  ${uses}  by ${i.issuer.slice(0, 8) || '?'}`)
  }
}

/**
 * `cryptochat revoke <roomId> <inviteId>`: a signed revocation for the room. Handed to the
 * process that has the room open (it signs and sends it within a second); otherwise sent
 * the next time the room is opened.
 */
export async function revokeCommand (roomId: string, inviteId: string, opts: CommonOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const invite = inviteId.trim().toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(invite)) throw new UsageError(`'${inviteId}' is not an invite id (32 hex characters, as \`cryptochat invites ${id}\` lists them)`)
  const ctx = await openContext(opts, output)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  if (!membership.managed) throw new NotPermittedError('this room was made before invites could be revoked: make a new room to manage its members')
  const state = membership.state
  const self = bytesToHex(ctx.identity.publicKey)
  const known = state.invites.get(invite)
  const isOwner = state.members.get(self)?.role === 'owner'
  if (known == null && !isOwner) throw new UnknownInviteError(`no invite ${invite} is known to this room here; only an owner can revoke an invite nobody has used yet`)
  if (!isOwner && known?.issuer !== self) throw new NotPermittedError('only an owner or the invite\'s issuer can revoke it')
  if (known?.revoked === true) {
    if (opts.json === true) output.json({ type: 'revoked', roomId: id, inviteId: invite, sent: true, already: true })
    else output.out(`Invite ${invite} was already revoked.`)
    return
  }
  const dir = ctx.rooms.dir(id)
  queueOp(dir, { type: 'revoke', inviteId: invite })
  let sent = false
  if (await openElsewhere(ctx.rooms, id)) {
    const deadline = Date.now() + HANDOVER_WAIT_MS
    while (!queueEmpty(dir) && Date.now() < deadline) await sleep(100)
    sent = queueEmpty(dir)
  }
  if (opts.json === true) {
    output.json({ type: 'revoked', roomId: id, inviteId: invite, sent })
  } else if (sent) {
    output.out(`Revoked invite ${invite}: the revocation was signed and sent to the room; members refuse any new join with it.`)
  } else {
    output.out(`Revoked invite ${invite} here. Members learn of it the next time you open the room (cryptochat join ${id}); until then, members who have not heard of it may still let someone in with it.`)
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
  const roster = rosterOf(membership.state, self, new Map())
  if (opts.json === true) {
    for (const m of roster) output.json({ type: 'member', roomId: id, fingerprint: m.fingerprint, publicKey: m.publicKey, role: m.role, since: m.since, self: m.self, ...(m.addedBy != null ? { addedBy: m.addedBy } : {}) })
    return
  }
  for (const m of roster) {
    output.out(`${m.fingerprint}  ${m.role.padEnd(6)}  ${m.addedBy != null ? `added by ${m.addedBy.slice(0, 8)}` : 'created the room'}${m.self ? '  (you)' : ''}`)
  }
}
