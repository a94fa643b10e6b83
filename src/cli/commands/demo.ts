import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { createChatClient, createRoom, issueInvite, RelayUnreachableError, type ChatClient } from '../../chat/index.js'
import { openContext } from '../context.js'
import { writePrivateFile } from '../../store/index.js'
import type { Output } from '../output.js'
import { parseDuration } from '../parse.js'
import { onHangup } from '../hangup.js'
import { runLineMode } from '../line-mode.js'
import { runTui, type LogLevel } from '../../tui/index.js'

const BIN = fileURLToPath(new URL('../../../../bin/', import.meta.url))

/** The scripted peers' conversation: [who, line]. */
const SCRIPT: Array<[number, string]> = [
  [0, 'hi! welcome to the demo room.'],
  [1, 'everything here is end-to-end encrypted: the relay only forwards ciphertext it cannot read.'],
  [0, 'try /who to see who is here, with each member\'s fingerprint.'],
  [1, 'and /invite --qr shows an invite; open a second terminal and join with the command above.'],
  [0, 'say something, we will answer.']
]
const SCRIPT_INTERVAL_MS = 2500
const BOT_NICKS = ['ada', 'grace']

/** A child process printing JSON lines, with a callback per line. */
function spawnJsonLines (args: string[], onLine: (event: any) => void): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] })
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try { onLine(JSON.parse(line)) } catch {}
  })
  return child
}

/** Start `cryptochat-relay` on loopback as a child process; resolve with its address. */
async function startLocalRelay (dataDir: string): Promise<{ child: ChildProcess, addr: string }> {
  let child!: ChildProcess
  const addr = await new Promise<string>((resolve, reject) => {
    child = spawnJsonLines([join(BIN, 'cryptochat-relay.js'), 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', dataDir], (event) => {
      if (event.type === 'listening') resolve(event.multiaddrs[0])
    })
    child.once('exit', () => { reject(new RelayUnreachableError('the local relay did not start')) })
  })
  return { child, addr }
}

export interface DemoOptions {
  nick?: string
  plain?: boolean
  logLevel?: LogLevel
}

/**
 * `cryptochat demo` (and `npm start`): a relay on loopback, a demo room, two scripted
 * headless peers (real `cryptochat join --json` processes) that talk, and the UI open
 * in that room with the invite shown, so a second terminal can join. Quitting stops
 * everything it started and removes its temporary data.
 */
export async function demoCommand (opts: DemoOptions, output: Output): Promise<number> {
  const base = mkdtempSync(join(tmpdir(), 'cryptochat-demo-'))
  const bots: ChildProcess[] = []
  let relayChild: ChildProcess | undefined
  let client: ChatClient | undefined
  const ui = new AbortController()
  let scriptTimer: ReturnType<typeof setInterval> | undefined
  let cleaned: Promise<void> | undefined
  const exited = async (c: ChildProcess): Promise<void> => await new Promise<void>((resolve) => {
    if (c.exitCode != null || c.signalCode != null) return resolve()
    const timer = setTimeout(() => { c.kill('SIGKILL') }, 3000)
    c.once('exit', () => { clearTimeout(timer); resolve() })
  })
  const cleanup = async (): Promise<void> => {
    cleaned ??= (async () => {
      if (scriptTimer != null) clearInterval(scriptTimer)
      ui.abort()
      await client?.stop().catch(() => {})
      // Bots leave the room on end of input; then the relay stops on SIGTERM.
      for (const bot of bots) bot.stdin?.end()
      await Promise.all(bots.map(exited))
      relayChild?.kill('SIGTERM')
      if (relayChild != null) await exited(relayChild)
      rmSync(base, { recursive: true, force: true })
    })()
    await cleaned
  }
  const grace = closeWithGrace({ delay: 8000, logger: false, skip: ['SIGHUP'] }, cleanup)
  const hangup = onHangup(cleanup)
  try {
    const relay = await startLocalRelay(join(base, 'relay'))
    relayChild = relay.child
    // A fresh data directory of its own: no passphrase, so nothing is asked.
    const me = await openContext({ dataDir: join(base, 'you'), json: true }, output)
    const nick = opts.nick ?? 'you'
    const room = createRoom({ name: 'demo', relays: [relay.addr], identity: me.identity, rooms: me.rooms, nick })
    const invite = issueInvite(room, me.identity, { ttlMs: 24 * 60 * 60 * 1000 })

    // The scripted peers: real headless clients, fed lines on their stdin.
    const botFingerprints = new Set<string>()
    let ready = 0
    for (const [i, botNick] of BOT_NICKS.entries()) {
      const botInvite = issueInvite(room, me.identity).code
      const bot = spawnJsonLines([join(BIN, 'cryptochat.js'), 'join', room.roomId, '--invite', botInvite, '--nick', botNick, '--json', '--data-dir', join(base, botNick)], (event) => {
        if (event.type === 'ready') {
          botFingerprints.add(event.fingerprint)
          if (++ready === BOT_NICKS.length) startScript()
        }
        // Each bot answers the humans (not the other bot), in turn.
        if (event.type === 'message' && event.self === false && !botFingerprints.has(event.fingerprint) && (event.seq % BOT_NICKS.length) === i) {
          bot.stdin?.write(`${event.nick}: got your message; its signature checks out for ${String(event.fingerprint).slice(0, 8)}.\n`)
        }
      })
      bots.push(bot)
    }
    const startScript = (): void => {
      let next = 0
      scriptTimer = setInterval(() => {
        const step = SCRIPT[next++]
        if (step == null) { clearInterval(scriptTimer); return }
        bots[step[0]]?.stdin?.write(step[1] + '\n')
      }, SCRIPT_INTERVAL_MS)
    }

    const joinLine = `cryptochat join ${room.roomId} --invite ${invite.code}`
    // A 400-character invite wrapped inside a box is hard to copy, so the second
    // terminal gets a short script to run instead. It joins with its own data
    // directory (removed with the demo), leaving the user's real rooms untouched.
    const joinScript = join(base, 'join.sh')
    writePrivateFile(joinScript, `#!/bin/sh\n# Joins the CryptoChat demo room as a guest (made by cryptochat demo; removed when it stops).\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(BIN, 'cryptochat.js'))} join ${room.roomId} --invite ${invite.code} --nick guest --data-dir ${JSON.stringify(join(base, 'guest'))} "$@"\n`)
    client = createChatClient({ identity: me.identity, rooms: me.rooms, nick })
    await client.start()
    if (opts.plain === true) {
      output.out(`Local relay: ${relay.addr}\nJoin this room from a second terminal with:\n  sh ${joinScript}\nor, from anywhere:\n  ${joinLine}\n`)
      const session = await client.joinRoom(me.rooms.require(room.roomId))
      await runLineMode(client, session, me, output, process.stdin)
    } else {
      await runTui({
        client,
        identity: me.identity,
        rooms: me.rooms,
        nick,
        dataDir: me.dataDir,
        logLevel: opts.logLevel ?? 'info',
        roomId: room.roomId,
        parseDuration,
        signal: ui.signal,
        banner: [
          `demo: a local relay, two scripted peers (${BOT_NICKS.join(', ')}) and you. Ctrl-C or /quit stops it all.`,
          'to join from a second terminal, run:',
          `sh ${joinScript}`
        ]
      })
    }
    return 0
  } finally {
    await cleanup()
    grace.uninstall()
    hangup()
  }
}
