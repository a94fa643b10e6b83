import type { ChatClient, RoomSession } from '../../chat/index.js'
// Only the offline part of the chat library: the network stack loads once the invite passed.
import { acceptInvite } from '../../chat/room-setup.js'
import { checkInvite, decodeInvite } from '../../invite/index.js'
import { DEFAULT_NICK } from '../../constants.js'
import { parseRoomId, type RoomRecord } from '../../room/index.js'
import { openContext, type CommonOptions, type CommandContext } from '../context.js'
import type { Output } from '../output.js'
import { onHangup } from '../hangup.js'
import { parseDuration, parseNick } from '../parse.js'
import type { LogLevel } from '../../tui/index.js'

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
  // A bad invite is refused before anything else: no identity made, no passphrase asked.
  if (opts.invite != null) checkInvite(decodeInvite(opts.invite), { roomId: id, now: Date.now() })
  const ctx = await openContext(opts, output)
  let room = resolveRoom(id, opts, ctx)
  if (nickArg != null && nickArg !== room.nick) {
    room = { ...room, nick: nickArg }
    ctx.rooms.save(room)
  }
  const nick = room.nick ?? DEFAULT_NICK

  // Loaded before the room opens: a session emits what it has as soon as it opens, to
  // listeners that must already be there.
  const [{ createChatClient }, { default: closeWithGrace }, runMode] = await Promise.all([
    import('../../chat/index.js'), import('close-with-grace'),
    opts.json === true ? import('../headless.js').then((m) => m.runHeadless) : import('../line-mode.js').then((m) => m.runLineMode)
  ])
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
      const { runTui } = await import('../../tui/index.js')
      await runTui({ client, identity: ctx.identity, rooms: ctx.rooms, nick, dataDir: ctx.dataDir, logLevel: opts.logLevel ?? 'info', roomId: room.roomId, parseDuration, signal: ui.signal })
      return 0
    }
    const session: RoomSession = await client.joinRoom(room)
    await runMode(client, session, ctx, output, process.stdin)
    return 0
  } finally {
    await client.stop()
    grace.uninstall()
    hangup()
  }
}
