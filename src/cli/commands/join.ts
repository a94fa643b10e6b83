import closeWithGrace from 'close-with-grace'
import { acceptInvite, createChatClient, type ChatClient, type RoomSession } from '../../chat/index.js'
import { DEFAULT_NICK } from '../../constants.js'
import { parseRoomId, type RoomRecord } from '../../room/index.js'
import { openContext, type CommonOptions, type CommandContext } from '../context.js'
import type { Output } from '../output.js'
import { runHeadless } from '../headless.js'
import { onHangup } from '../hangup.js'
import { runLineMode } from '../line-mode.js'
import { parseDuration, parseNick } from '../parse.js'
import { runTui, type LogLevel } from '../../tui/index.js'

export interface JoinOptions extends CommonOptions {
  invite?: string
  nick?: string
  /** Plain line mode instead of the full-screen UI. */
  plain?: boolean
  logLevel?: LogLevel
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
  const ctx = await openContext(opts, output)
  let room = resolveRoom(id, opts, ctx)
  if (nickArg != null && nickArg !== room.nick) {
    room = { ...room, nick: nickArg }
    ctx.rooms.save(room)
  }
  const nick = room.nick ?? DEFAULT_NICK

  const client: ChatClient = createChatClient({ identity: ctx.identity, rooms: ctx.rooms, nick })
  const ui = new AbortController()
  // SIGINT/SIGTERM: close the UI (restoring the terminal), announce departure, stop, exit 0.
  const stop = async (): Promise<void> => {
    ui.abort()
    await client.stop()
  }
  const fullScreen = opts.json !== true && opts.plain !== true
  const grace = closeWithGrace({ delay: 5000, logger: false, ...(fullScreen ? { skip: ['SIGHUP' as const] } : {}) }, async ({ err }) => {
    if (err != null) output.err(`cryptochat: ${err.message}`)
    await stop()
  })
  const hangup = fullScreen ? onHangup(stop) : () => {}
  try {
    await client.start()
    if (fullScreen) {
      // The UI opens every room you are in, this one first.
      await runTui({ client, identity: ctx.identity, rooms: ctx.rooms, nick, dataDir: ctx.dataDir, logLevel: opts.logLevel ?? 'info', roomId: room.roomId, parseDuration, signal: ui.signal })
      return 0
    }
    const session: RoomSession = await client.joinRoom(room)
    if (opts.json === true) await runHeadless(client, session, ctx, output, process.stdin)
    else await runLineMode(client, session, ctx, output, process.stdin)
    return 0
  } finally {
    await client.stop()
    grace.uninstall()
    hangup()
  }
}
