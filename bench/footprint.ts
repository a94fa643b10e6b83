/**
 * Join times and memory. One relay process, one room, members added step by step:
 * - join (in a room of a few members, one of them talking at 20 msg/s): start of `join`
 *   to `ready`, and to the first message received, for a member reachable directly, one
 *   reachable only through the relay (both in this process, median of a few joins), and
 *   a whole `cryptochat join --json` process;
 * - memory: the RSS of that client process and of the relay process as the room grows
 *   (in-process members join), read once the client has heard of and linked to every
 *   member and both processes' RSS has stopped moving (a condition, not a fixed wait).
 *   The members added for size link only through the relay (`linkMembers: false`): the
 *   client process still links to each of them, as a real client does, but this process
 *   need not hold the room's full mesh of N² connections on one event loop.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { acceptInvite, createChatClient, createRoom, issueInvite, type ChatClient, type RoomSession } from '../src/chat/index.js'
import { loadOrCreateIdentity, type Identity } from '../src/identity/index.js'
import { createRoomStore, type RoomRecord, type RoomStore } from '../src/room/index.js'
import { checkDeadline, mapPool } from './pool.js'
import { progress } from './progress.js'
import { rssMb, spawnJson, startJson, stopChild, type JsonProcess } from './spawn.js'
import { growth, median, round, type Growth } from './stats.js'

const BIN = fileURLToPath(new URL('../../bin/', import.meta.url))
/** The talking member's rate while joins are timed (the paced load's rate). */
const TALK_INTERVAL_MS = 50
/** RSS is read when the last few samples of both processes are this close (MB)… */
const RSS_STABLE_MB = 1
const RSS_SAMPLE_MS = 200
const RSS_STABLE_SAMPLES = 3
/** …or after this long, whichever first. */
const RSS_SETTLE_MAX_MS = 4000
/**
 * Members added for size join one at a time: every member answers a join with a presence
 * message to the whole room, so a join costs O(N) messages delivered to N members, and
 * several at once in a room of 25-50 on one event loop time out.
 */
const JOIN_CONCURRENCY = 1
const JOIN_TIMEOUT_MS = 60_000
/** How long growing the room to the next size may take (25 to 50 takes about a minute on 2 cores). */
const GROW_TIMEOUT_MS = 120_000
/** How long the client process may take to hear of every member of a checkpoint… */
const HEARD_TIMEOUT_MS = 30_000
/** …and links counted once they reach every member or stop changing for this long (a member's fallback dial comes after 3 s). */
const LINKS_QUIET_MS = 4000

/** What {@link footprint} measured. */
export interface Footprint {
  join: {
    direct_ready_ms: number
    relayed_ready_ms: number
    direct_first_message_ms: number
    relayed_first_message_ms: number
    process_ready_ms: number
    process_first_message_ms: number
    trials: number
  }
  rss_mb: {
    client_idle: number
    relay_n50: number | null
    /** The fitted line at N = 50, when the room did not get there. */
    relay_n50_from_fit?: number
    relay_by_n: Record<string, number>
    client_by_n: Record<string, number>
    relay_mb_per_member: number
    client_mb_per_member: number
    relay_growth: Growth
    client_growth: Growth
    settle_ms_by_n: Record<string, number>
    /** Other members the client process had heard of and was linked to when its RSS was read. */
    client_heard_by_n: Record<string, { members: number, links: number }>
    /** Why the room stopped growing before the largest size, if it did. */
    error?: string
  }
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Sample both processes' RSS until it stops moving; the last sample of each. */
async function settledRss (pids: number[]): Promise<{ rss: number[], ms: number }> {
  const t0 = performance.now()
  const samples: number[][] = []
  for (;;) {
    samples.push(pids.map(rssMb))
    const recent = samples.slice(-RSS_STABLE_SAMPLES)
    const stable = recent.length === RSS_STABLE_SAMPLES && pids.every((_, i) => {
      const v = recent.map((s) => s[i] as number)
      return Math.max(...v) - Math.min(...v) <= RSS_STABLE_MB
    })
    if (stable || performance.now() - t0 > RSS_SETTLE_MAX_MS) return { rss: samples[samples.length - 1] as number[], ms: Math.round(performance.now() - t0) }
    await sleep(RSS_SAMPLE_MS)
  }
}

/** What the client process has said so far: members heard of, links up. */
function heardBy (proc: JsonProcess): { members: number, links: number } {
  const present = new Map<string, boolean>()
  const up = new Map<string, boolean>()
  for (const { line } of proc.lines) {
    if (line.type === 'member' && line.self !== true) present.set(line.fingerprint, line.event !== 'leave' && line.event !== 'gone')
    if (line.type === 'peer') up.set(line.peerId, line.up === true)
  }
  const count = (m: Map<string, boolean>): number => [...m.values()].filter(Boolean).length
  return { members: count(present), links: count(up) }
}

/** The room being measured: a relay process, in-process members, and a member talking on demand. */
class FootprintRoom {
  readonly clients: ChatClient[] = []
  private readonly dirs: string[] = []
  private talking: ReturnType<typeof setInterval> | undefined
  private constructor (readonly relay: ChildProcess, readonly record: RoomRecord, private readonly owner: { identity: Identity, rooms: RoomStore }, private ownerSession?: RoomSession) {}

  static async start (): Promise<FootprintRoom> {
    const dirs: string[] = []
    const temp = (): string => { const d = mkdtempSync(join(tmpdir(), 'cc-bench-fp-')); dirs.push(d); return d }
    const relay = await startJson([join(BIN, 'cryptochat-relay.js'), 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', temp()], (l) => l.type === 'listening')
    const ownerDir = temp()
    const owner = { identity: loadOrCreateIdentity(ownerDir).identity, rooms: createRoomStore(ownerDir) }
    const record = createRoom({ name: 'fp', relays: [relay.line.multiaddrs[0] as string], identity: owner.identity, rooms: owner.rooms })
    const room = new FootprintRoom(relay.child, record, owner)
    room.dirs.push(...dirs)
    try {
      room.ownerSession = await room.startClient(owner.identity, owner.rooms, {})
    } catch (err) {
      await room.stop()
      throw err
    }
    return room
  }

  temp (): string {
    const d = mkdtempSync(join(tmpdir(), 'cc-bench-fp-'))
    this.dirs.push(d)
    return d
  }

  invite (): string {
    return issueInvite(this.record, this.owner.identity).code
  }

  private async startClient (identity: Identity, rooms: RoomStore, opts: { listen?: string[], linkMembers?: boolean }): Promise<RoomSession> {
    const client = createChatClient({ identity, rooms, nick: `m${this.clients.length}`, joinTimeoutMs: JOIN_TIMEOUT_MS, ...opts })
    this.clients.push(client)
    await client.start()
    return await client.joinRoom(rooms.require(this.record.roomId))
  }

  /** A new in-process member, invited and joined. */
  async addMember (opts: { listen?: string[], linkMembers?: boolean } = {}): Promise<RoomSession> {
    const d = this.temp()
    const rooms = createRoomStore(d)
    acceptInvite(this.invite(), this.record.roomId, rooms)
    return await this.startClient(loadOrCreateIdentity(d).identity, rooms, opts)
  }

  /**
   * A new member, timed: ms to ready and to the first message from another member. It
   * leaves again, so every timed join meets the same small room and the room's size
   * stays what the memory steps say.
   */
  async joinTimed (listen?: string[]): Promise<{ ready: number, first: number }> {
    const t0 = performance.now()
    const session = await this.addMember(listen != null ? { listen } : {})
    const ready = performance.now() - t0
    const heard = await Promise.race([
      new Promise<boolean>((resolve) => { session.on('message', (m) => { if (!m.self) resolve(true) }) }),
      sleep(10_000).then(() => false)
    ])
    const first = heard ? performance.now() - t0 : NaN
    const client = this.clients.pop()
    await client?.stop().catch(() => {})
    return { ready, first }
  }

  /** The owner sends at the paced load's rate, or falls silent. */
  talk (on: boolean): void {
    clearInterval(this.talking)
    this.talking = undefined
    let seq = 0
    if (on) this.talking = setInterval(() => { this.ownerSession?.send(`talk ${seq++}`).catch(() => {}) }, TALK_INTERVAL_MS)
  }

  async stop (): Promise<void> {
    this.talk(false)
    await Promise.all(this.clients.map(async (c) => { await c.stop().catch(() => {}) }))
    await stopChild(this.relay)
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true })
  }
}

/** Memory at each room size: grow the room to `n`, wait for the client to hear of and link to everyone, read RSS. */
class MemoryByN {
  readonly relay: Record<string, number> = {}
  readonly client: Record<string, number> = {}
  readonly settleMs: Record<string, number> = {}
  readonly heard: Record<string, { members: number, links: number }> = {}
  error: string | undefined

  constructor (private readonly room: FootprintRoom, private readonly proc: JsonProcess) {}

  /** Members so far: the in-process clients (the owner first) and the client process. */
  members (): number {
    return this.room.clients.length + 1
  }

  async at (n: number): Promise<void> {
    if (this.error != null || n < this.members()) return
    try {
      progress(`footprint: room of ${n} members (relay and client RSS)…`)
      const deadline = Date.now() + GROW_TIMEOUT_MS
      await mapPool(Array.from({ length: n - this.members() }), JOIN_CONCURRENCY, async () => {
        checkDeadline(deadline, () => `the room did not grow to ${n} within ${GROW_TIMEOUT_MS / 1000} s: ${this.members()}/${n} members`)
        progress(`footprint: room of ${n} members: ${this.members()}/${n} joined…`)
        // A join can time out in a busy room on a busy machine: one more try before giving up.
        await this.room.addMember({ linkMembers: false }).catch(async () => await this.room.addMember({ linkMembers: false }))
      })
      const t0 = performance.now()
      let links = -1
      let linksSince = t0
      for (;;) {
        const now = performance.now()
        const heard = heardBy(this.proc)
        if (heard.links !== links) { links = heard.links; linksSince = now }
        if ((heard.members >= n - 1 && (links >= n - 1 || now - linksSince > LINKS_QUIET_MS)) || now - t0 > HEARD_TIMEOUT_MS) break
        await sleep(50)
      }
      const { rss, ms } = await settledRss([this.room.relay.pid as number, this.proc.child.pid as number])
      this.relay[n] = rss[0] as number
      this.client[n] = rss[1] as number
      this.settleMs[n] = Math.round(performance.now() - t0) + ms
      this.heard[n] = heardBy(this.proc)
    } catch (err: any) {
      this.error = `room of ${n}: ${String(err?.message ?? err)}`
    }
  }
}

export async function footprint (sizes: number[], trials = 3): Promise<Footprint> {
  const room = await FootprintRoom.start()
  let proc: JsonProcess | undefined
  try {
    room.talk(true)
    progress('footprint: a `cryptochat join --json` process joins…')
    proc = spawnJson([join(BIN, 'cryptochat.js'), 'join', room.record.roomId, '--invite', room.invite(), '--json', '--data-dir', room.temp()])
    const procReady = await proc.waitFor((l) => l.type === 'ready')
    const procFirst = await proc.waitFor((l) => l.type === 'message' && l.self !== true, 10_000).catch(() => ({ ms: NaN }))
    progress(`footprint: timing ${trials} direct and ${trials} relayed joins…`)
    const direct: Array<{ ready: number, first: number }> = []
    const relayed: Array<{ ready: number, first: number }> = []
    for (let i = 0; i < trials; i++) {
      direct.push(await room.joinTimed())
      relayed.push(await room.joinTimed(['/p2p-circuit']))
    }
    room.talk(false)
    const memory = new MemoryByN(room, proc)
    for (const n of [...new Set(sizes)].sort((a, b) => a - b)) await memory.at(n)
    const relayGrowth = growth(memory.relay)
    const clientGrowth = growth(memory.client)
    const med = (xs: number[]): number => Math.round(median(xs))
    return {
      join: {
        direct_ready_ms: med(direct.map((j) => j.ready)),
        relayed_ready_ms: med(relayed.map((j) => j.ready)),
        direct_first_message_ms: med(direct.map((j) => j.first)),
        relayed_first_message_ms: med(relayed.map((j) => j.first)),
        process_ready_ms: Math.round(procReady.ms),
        process_first_message_ms: Math.round(procFirst.ms),
        trials
      },
      rss_mb: {
        // Idle: the smallest room measured, nothing being sent.
        client_idle: memory.client[Math.min(...Object.keys(memory.client).map(Number))] ?? NaN,
        relay_n50: memory.relay[50] ?? null,
        // Where the room did not reach 50: the fitted line's value there, marked as such.
        ...(memory.relay[50] == null && Number.isFinite(relayGrowth.mb_per_member) ? { relay_n50_from_fit: round(relayGrowth.intercept + 50 * relayGrowth.mb_per_member, 1) } : {}),
        relay_by_n: memory.relay,
        client_by_n: memory.client,
        relay_mb_per_member: round(relayGrowth.mb_per_member, 3),
        client_mb_per_member: round(clientGrowth.mb_per_member, 3),
        relay_growth: relayGrowth,
        client_growth: clientGrowth,
        settle_ms_by_n: memory.settleMs,
        client_heard_by_n: memory.heard,
        ...(memory.error != null ? { error: memory.error } : {})
      }
    }
  } finally {
    progress('footprint: stopping the room…')
    if (proc != null) await stopChild(proc.child)
    await room.stop()
  }
}
