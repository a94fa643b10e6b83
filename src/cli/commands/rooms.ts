import { openContext, type CommonOptions } from '../context.js'
import type { Output } from '../output.js'
import { sanitizeForTerminal } from '../sanitize.js'

/** `cryptochat rooms`: the rooms this user is in (never their keys). */
export function roomsCommand (opts: CommonOptions, output: Output): void {
  const { rooms } = openContext(opts, output)
  const list = rooms.list()
  if (opts.json === true) {
    output.json(list.map((r) => ({
      roomId: r.roomId, name: r.name, epoch: r.epoch, relays: r.relays, joinedAt: r.joinedAt, nick: r.nick ?? null
    })))
    return
  }
  if (list.length === 0) {
    output.err('You are in no rooms yet. Create one with: cryptochat create <name> --relay <multiaddr>')
    return
  }
  for (const r of list) output.out(`${r.roomId}  ${sanitizeForTerminal(r.name)}`)
}
