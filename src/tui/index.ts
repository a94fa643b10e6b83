/**
 * @packageDocumentation
 *
 * The full-screen terminal UI (blessed): a view over a state model, fed by the chat
 * library. No protocol or crypto logic lives here; pure helpers (sanitising, widths,
 * colours, command parsing, completion) are modules of their own.
 *
 * @example
 * ```ts
 * await runTui({ client, identity, rooms, nick, dataDir, logLevel: 'info', parseDuration })
 * ```
 */
import { join } from 'node:path'
import type { ChatClient } from '../chat/index.js'
import type { Identity } from '../identity/index.js'
import type { RoomStore } from '../room/index.js'
import { IdentityBook } from '../verify/index.js'
import { TuiApp } from './app.js'
import { captureLogs, type LogLevel } from './log-file.js'
import { TuiView } from './view.js'

export { LOG_LEVELS, type LogLevel } from './log-file.js'
export { sanitizeText, visibleText } from './sanitize.js'
export { qrLines, QrCodeError, type QrOptions } from './qr.js'

/** Options of {@link runTui}. */
export interface RunTuiInit {
  client: ChatClient
  identity: Identity
  rooms: RoomStore
  nick: string
  dataDir: string
  logLevel: LogLevel
  /** Room to show first. */
  roomId?: string
  parseDuration: (text: string) => number
  /** Lines to show in the first room's log before anything else (e.g. the demo's invite). */
  banner?: string[]
  /** Aborting quits the UI (e.g. on SIGTERM), restoring the terminal. */
  signal?: AbortSignal
}

/**
 * Run the UI until the user quits (/quit or Ctrl-C); the terminal is restored and the
 * client is left for the caller to stop. Resolves when the screen is gone.
 */
export async function runTui (init: RunTuiInit): Promise<void> {
  const logs = captureLogs(join(init.dataDir, 'cryptochat.log'), init.logLevel)
  const view = new TuiView()
  let quit!: () => void
  const done = new Promise<void>((resolve) => { quit = resolve })
  init.signal?.addEventListener('abort', () => { void app.quit() }, { once: true })
  // Problems with seen.json / verified.json are said in the log, once; the chat goes on.
  const identities = new IdentityBook(init.dataDir, { self: init.identity.fingerprint, onError: (err) => { app.fail(err.message) } })
  // A signal may end the process without returning here: write pending sightings on the way out.
  const closeIdentities = (): void => { identities.close() }
  process.once('exit', closeIdentities)
  const app = new TuiApp({
    client: init.client,
    identity: init.identity,
    rooms: init.rooms,
    view,
    nick: init.nick,
    identities,
    parseDuration: init.parseDuration,
    onQuit: () => { quit() },
    log: logs.write
  })
  view.screen.on('keypress', (ch: string | undefined, key: { full?: string, name?: string } | undefined) => {
    app.onKey(ch, key?.full ?? key?.name ?? '')
  })
  view.screen.on('resize', () => { app.render() })
  try {
    const opening = app.start(init.roomId)
    for (const line of init.banner ?? []) app.info(line)
    await Promise.race([opening, done])
    await done
  } finally {
    view.destroy()
    logs.release()
    process.off('exit', closeIdentities)
    closeIdentities()
  }
}
