import { createRoom, issueInvite, queueOp } from '../../chat/index.js'
import { openContext, type CommonOptions } from '../context.js'
import type { Output } from '../output.js'
import { parseDuration, parseNick } from '../parse.js'
import { printInvite } from './invite.js'

export interface CreateOptions extends CommonOptions {
  relay: string[]
  expires?: string
  nick?: string
}

/** `cryptochat create <name>`: a new room and a first invite to it. */
export async function createCommand (name: string, opts: CreateOptions, output: Output): Promise<void> {
  const ttlMs = opts.expires != null ? parseDuration(opts.expires) : undefined
  const nick = opts.nick != null ? parseNick(opts.nick) : undefined
  const ctx = await openContext(opts, output)
  const room = createRoom({ name, relays: opts.relay, identity: ctx.identity, rooms: ctx.rooms, ...(nick != null ? { nick } : {}) })
  const invite = issueInvite(room, ctx.identity, ttlMs != null ? { ttlMs } : {})
  // Announced to members when the room is first opened, so `invites` lists it everywhere.
  queueOp(ctx.rooms.dir(room.roomId), { type: 'invite', inviteId: invite.inviteId, expiresAt: invite.expiresAt, maxUses: 0 })
  if (opts.json === true) {
    output.json({ roomId: room.roomId, name: room.name, invite: invite.code, inviteId: invite.inviteId, expiresAt: invite.expiresAt, relays: invite.relays })
    return
  }
  output.out(`Created room '${room.name}'`)
  output.out(`Room id: ${room.roomId}`)
  printInvite(room.roomId, invite, output)
}
