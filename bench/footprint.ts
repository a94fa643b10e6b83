import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { acceptInvite, createChatClient, createRoom, issueInvite, type ChatClient } from '../src/chat/index.js'
import { loadOrCreateIdentity } from '../src/identity/index.js'
import { createRoomStore } from '../src/room/index.js'

const BIN = fileURLToPath(new URL('../../bin/', import.meta.url))

/** Resident set size of a process, MB (Linux /proc). */
function rssMb (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN)
  return Math.round(kb / 102.4) / 10
}

/** Start a program of ours; resolve with the first JSON line matching `ready`. */
export async function startJson (args: string[], ready: (l: any) => boolean): Promise<{ child: ChildProcess, line: any, ms: number }> {
  const t0 = performance.now()
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] })
  const line = await new Promise<any>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      try {
        const l = JSON.parse(text)
        if (ready(l)) resolve(l)
      } catch {}
    })
    child.once('exit', () => { reject(new Error(`${args[1] ?? ''} exited early`)) })
  })
  return { child, line, ms: performance.now() - t0 }
}

async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode != null) return
  child.stdin?.end()
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

/** What {@link footprint} measured. */
export interface Footprint {
  join: { direct_ready_ms: number, relayed_ready_ms: number, process_ready_ms: number }
  rss_mb: { client_idle: number, relay_n50: number }
}

/**
 * Join times (in-process: start to `ready`, for a member that can be reached directly
 * and for one reachable only through the relay; and a whole `cryptochat join --json`
 * process), the idle RSS of a client process, and the RSS of a relay process serving a
 * room of `members` members.
 */
export async function footprint (members = 50): Promise<Footprint> {
  const dirs: string[] = []
  const temp = (): string => { const d = mkdtempSync(join(tmpdir(), 'cc-bench-fp-')); dirs.push(d); return d }
  const relay = await startJson([join(BIN, 'cryptochat-relay.js'), 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', temp()], (l) => l.type === 'listening')
  const addr = relay.line.multiaddrs[0] as string
  const owner = (() => { const d = temp(); return { dir: d, identity: loadOrCreateIdentity(d).identity, rooms: createRoomStore(d) } })()
  const room = createRoom({ name: 'fp', relays: [addr], identity: owner.identity, rooms: owner.rooms })
  const clients: ChatClient[] = []
  const joinOnce = async (listen?: string[]): Promise<number> => {
    const d = temp()
    const identity = loadOrCreateIdentity(d).identity
    const rooms = createRoomStore(d)
    acceptInvite(issueInvite(room, owner.identity).code, room.roomId, rooms)
    const t0 = performance.now()
    const client = createChatClient({ identity, rooms, nick: `m${clients.length}`, ...(listen != null ? { listen } : {}) })
    await client.start()
    await client.joinRoom(rooms.require(room.roomId))
    clients.push(client)
    return performance.now() - t0
  }
  try {
    const direct = await joinOnce()
    const relayed = await joinOnce(['/p2p-circuit'])
    const proc = await startJson([join(BIN, 'cryptochat.js'), 'join', room.roomId, '--invite', issueInvite(room, owner.identity).code, '--json', '--data-dir', temp()], (l) => l.type === 'ready')
    // Idle: let joins, presence answers and links settle before reading its memory.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const clientIdle = rssMb(proc.child.pid as number)
    await stop(proc.child)
    while (clients.length < members) await joinOnce()
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const relayN = rssMb(relay.child.pid as number)
    return {
      join: { direct_ready_ms: Math.round(direct), relayed_ready_ms: Math.round(relayed), process_ready_ms: Math.round(proc.ms) },
      rss_mb: { client_idle: clientIdle, relay_n50: relayN }
    }
  } finally {
    for (const c of clients) await c.stop().catch(() => {})
    await stop(relay.child)
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}
