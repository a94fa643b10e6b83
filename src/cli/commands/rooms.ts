import { createRoomStore } from '../../room/index.js'
import { resolveDataDir } from '../../store/index.js'
import type { CommonOptions } from '../context.js'
import type { Output } from '../output.js'
import { sanitizeForTerminal } from '../sanitize.js'

/** `cryptochat rooms`: the rooms this user is in (never their keys, so never asking for a passphrase). */
export function roomsCommand (opts: CommonOptions, output: Output): void {
  const list = createRoomStore(resolveDataDir(opts.dataDir)).summaries()
  if (opts.json === true) {
    output.json(list.map((r) => ({
      roomId: r.roomId, name: r.name, epoch: r.currentEpoch ?? r.epoch, relays: r.relays, joinedAt: r.joinedAt, nick: r.nick ?? null
    })))
    return
  }
  if (list.length === 0) {
    output.err('You are in no rooms yet. Create one with: cryptochat create <name> --relay <multiaddr>')
    return
  }
  for (const r of list) output.out(`${r.roomId}  ${sanitizeForTerminal(r.name)}`)
}
