import { issueInvite, type IssuedInvite } from '../../chat/index.js'
import { parseRoomId } from '../../room/index.js'
import { openContext, type CommonOptions } from '../context.js'
import type { Output } from '../output.js'
import { parseDuration } from '../parse.js'

export interface InviteOptions extends CommonOptions {
  expires?: string
}

/** Human form of a fresh invite. */
export function printInvite (roomId: string, invite: IssuedInvite, output: Output): void {
  output.out(`Invite (valid until ${new Date(invite.expiresAt).toISOString()}):`)
  output.out(invite.code)
  output.out('Share it privately: anyone who has it can read and write in the room until it expires. They join with:')
  output.out(`  cryptochat join ${roomId} --invite <code>`)
}

/** `cryptochat invite <roomId>`: a new signed invite to a room we are in. */
export async function inviteCommand (roomId: string, opts: InviteOptions, output: Output): Promise<void> {
  const ttlMs = opts.expires != null ? parseDuration(opts.expires) : undefined
  const id = parseRoomId(roomId)
  const ctx = await openContext(opts, output)
  const room = ctx.rooms.require(id)
  const invite = issueInvite(room, ctx.identity, ttlMs != null ? { ttlMs } : {})
  if (opts.json === true) {
    output.json({ roomId: room.roomId, name: room.name, invite: invite.code, inviteId: invite.inviteId, expiresAt: invite.expiresAt, relays: invite.relays })
    return
  }
  printInvite(room.roomId, invite, output)
}
