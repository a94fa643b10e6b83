import { NotPermittedError, issueInvite, queueOp, readRoomMembership, type IssuedInvite } from '../../chat/index.js'
import { canInvite } from '../../membership/index.js'
import { bytesToHex } from '../../crypto/index.js'
import { parseRoomId } from '../../room/index.js'
import { openContext, type CommonOptions } from '../context.js'
import type { Output } from '../output.js'
import { parseDuration, parsePositiveInt } from '../parse.js'

export interface InviteOptions extends CommonOptions {
  expires?: string
  uses?: string
}

/** Human form of a fresh invite. */
export function printInvite (roomId: string, invite: IssuedInvite, output: Output): void {
  const uses = invite.maxUses > 0 ? `, for ${invite.maxUses} join${invite.maxUses === 1 ? '' : 's'}` : ''
  output.out(`Invite ${invite.inviteId} (valid until ${new Date(invite.expiresAt).toISOString()}${uses}):`)
  output.out(invite.code)
  output.out('Share it privately: anyone who has it can read and write in the room until it expires. They join with:')
  output.out(`  cryptochat join ${roomId} --invite <code>`)
}

/** `cryptochat invite <roomId>`: a new signed invite to a room we are in. */
export async function inviteCommand (roomId: string, opts: InviteOptions, output: Output): Promise<void> {
  const ttlMs = opts.expires != null ? parseDuration(opts.expires) : undefined
  const maxUses = opts.uses != null ? parsePositiveInt(opts.uses, '--uses', 1_000_000) : 0
  const id = parseRoomId(roomId)
  const ctx = await openContext(opts, output)
  const room = ctx.rooms.require(id)
  const membership = readRoomMembership(ctx.rooms, ctx.identity, id)
  const self = membership.state.members.get(bytesToHex(ctx.identity.publicKey))
  // An invite of someone the log does not list (yet) would let nobody in.
  if (membership.managed && self == null) {
    throw new NotPermittedError(membership.hasJoined()
      ? 'this room\'s members have not let you in (yet): open the room (cryptochat join) until they do; an invite from you would let nobody in'
      : 'you are no longer a member of this room: an invite from you would let nobody in')
  }
  const why = membership.managed ? canInvite(membership.state, bytesToHex(ctx.identity.publicKey)) : undefined
  if (why != null) throw new NotPermittedError(why)
  // The newcomer reads from the room's current epoch (the latest whose key the log gave us).
  const invite = issueInvite(room, ctx.identity, { ...(ttlMs != null ? { ttlMs } : {}), maxUses, epochSecret: membership.inviteEpoch() })
  // Announced to members (by whichever process opens the room), so `invites` lists it everywhere.
  if (membership.managed) queueOp(ctx.rooms.dir(id), { type: 'invite', inviteId: invite.inviteId, expiresAt: invite.expiresAt, maxUses })
  if (opts.json === true) {
    output.json({ roomId: room.roomId, name: room.name, invite: invite.code, inviteId: invite.inviteId, expiresAt: invite.expiresAt, maxUses, relays: invite.relays })
    return
  }
  printInvite(room.roomId, invite, output)
}
