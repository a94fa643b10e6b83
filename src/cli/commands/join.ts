import closeWithGrace from 'close-with-grace'
import { acceptInvite, createChatClient, type ChatClient, type RoomSession } from '../../chat/index.js'
import { DEFAULT_NICK } from '../../constants.js'
import { parseRoomId, type RoomRecord } from '../../room/index.js'
import { openContext, type CommonOptions, type CommandContext } from '../context.js'
import type { Output } from '../output.js'
import { parseNick } from '../parse.js'
import { runHeadless } from '../headless.js'
import { runLineMode } from '../line-mode.js'

export interface JoinOptions extends CommonOptions {
  invite?: string
  nick?: string
}

/** Verify the invite (or find the stored room) without touching the network. */
function resolveRoom (roomId: string, opts: JoinOptions, ctx: CommandContext): RoomRecord {
  if (opts.invite != null) return acceptInvite(opts.invite, roomId, ctx.rooms).room
  return ctx.rooms.require(roomId)
}

/**
 * `cryptochat join <roomId>`: verify the invite, store the room, connect to its relays,
 * and chat, headless (`--json`) or in a plain line mode. Resolves with the exit code.
 */
export async function joinCommand (roomId: string, opts: JoinOptions, output: Output): Promise<number> {
  const id = parseRoomId(roomId)
  const nickArg = opts.nick != null ? parseNick(opts.nick) : undefined
  const ctx = openContext(opts, output)
  let room = resolveRoom(id, opts, ctx)
  if (nickArg != null && nickArg !== room.nick) {
    room = { ...room, nick: nickArg }
    ctx.rooms.save(room)
  }
  const nick = room.nick ?? DEFAULT_NICK

  const client: ChatClient = createChatClient({ identity: ctx.identity, rooms: ctx.rooms, nick })
  // SIGINT/SIGTERM: announce departure, stop the node, exit 0.
  const grace = closeWithGrace({ delay: 5000, logger: false }, async ({ err }) => {
    if (err != null) output.err(`cryptochat: ${err.message}`)
    await client.stop()
  })
  try {
    await client.start()
    const session: RoomSession = await client.joinRoom(room)
    if (opts.json === true) await runHeadless(client, session, ctx, output, process.stdin)
    else await runLineMode(client, session, ctx, output, process.stdin)
    return 0
  } finally {
    await client.stop()
    grace.uninstall()
  }
}
