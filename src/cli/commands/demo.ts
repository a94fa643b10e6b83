import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { createChatClient, createRoom, issueInvite, acceptInvite, type ChatClient } from '../../chat/index.js'
import { openContext } from '../context.js'
import type { Output } from '../output.js'
import { runLineMode } from '../line-mode.js'
import { RelayUnreachableError } from '../../chat/errors.js'

const RELAY_BIN = fileURLToPath(new URL('../../../../bin/cryptochat-relay.js', import.meta.url))

/** Start `cryptochat-relay` on loopback as a child process; resolve with its address. */
async function startLocalRelay (dataDir: string): Promise<{ child: ChildProcess, addr: string }> {
  const child = spawn(process.execPath, [RELAY_BIN, 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  const addr = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line).multiaddrs[0])
      } catch {
        reject(new RelayUnreachableError('the local relay did not start'))
      }
    })
    child.once('exit', () => { reject(new RelayUnreachableError('the local relay exited at start')) })
  })
  return { child, addr }
}

const BOT_LINES = [
  'Welcome! Everything here is end-to-end encrypted: the relay forwards ciphertext it cannot read.',
  'Open a second terminal and run the join command shown above to chat with yourself.'
]

/**
 * `cryptochat demo` (and `npm start`): a local relay, a demo room, a scripted peer, and
 * the chat open in that room, with the invite shown so a second terminal can join.
 * Ctrl-C (or Ctrl-D) stops everything it started.
 */
export async function demoCommand (opts: { nick?: string }, output: Output): Promise<number> {
  const base = mkdtempSync(join(tmpdir(), 'cryptochat-demo-'))
  const clients: ChatClient[] = []
  let relay: ChildProcess | undefined
  const cleanup = async (): Promise<void> => {
    for (const c of clients) await c.stop().catch(() => {})
    relay?.kill('SIGTERM')
    rmSync(base, { recursive: true, force: true })
  }
  const grace = closeWithGrace({ delay: 5000, logger: false }, cleanup)
  try {
    const started = await startLocalRelay(join(base, 'relay'))
    relay = started.child
    const me = openContext({ dataDir: join(base, 'you'), json: true }, output)
    const bot = openContext({ dataDir: join(base, 'bot'), json: true }, output)
    const room = createRoom({ name: 'demo', relays: [started.addr], identity: me.identity, rooms: me.rooms, nick: opts.nick ?? 'you' })
    const invite = issueInvite(room, me.identity, { ttlMs: 24 * 60 * 60 * 1000 })
    acceptInvite(issueInvite(room, me.identity).code, room.roomId, bot.rooms)

    const botClient = createChatClient({ identity: bot.identity, rooms: bot.rooms, nick: 'demo-bot' })
    clients.push(botClient)
    await botClient.start()
    const botRoom = await botClient.joinRoom(bot.rooms.require(room.roomId))
    botRoom.on('member', (m) => {
      if (m.event !== 'join') return
      void (async () => {
        await botRoom.send(`hello ${m.nick}! ${BOT_LINES[0] as string}`)
        await botRoom.send(BOT_LINES[1] as string)
      })().catch(() => {})
    })
    botRoom.on('message', (m) => {
      if (!m.self && m.kind === 'text') void botRoom.send(`${m.nick} said ${m.text.length} characters; I verified their signature (${m.fingerprint.slice(0, 8)}).`).catch(() => {})
    })

    output.out(`Local relay: ${started.addr}`)
    output.out(`Demo room: ${room.roomId}`)
    output.out('Join it from a second terminal with:')
    output.out(`  cryptochat join ${room.roomId} --invite ${invite.code}`)
    output.out('')

    const client = createChatClient({ identity: me.identity, rooms: me.rooms, nick: room.nick ?? 'you' })
    clients.push(client)
    await client.start()
    const session = await client.joinRoom(me.rooms.require(room.roomId))
    await runLineMode(client, session, me, output, process.stdin)
    return 0
  } finally {
    await cleanup()
    grace.uninstall()
  }
}
