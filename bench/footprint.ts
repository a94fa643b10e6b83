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
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { acceptInvite, createChatClient, createRoom, issueInvite, type ChatClient, type RoomSession } from '../src/chat/index.js'
import { loadOrCreateIdentity } from '../src/identity/index.js'
import { createRoomStore, type RoomRecord } from '../src/room/index.js'
import { mapPool } from './pool.js'
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

export async function footprint (sizes: number[], trials = 3): Promise<Footprint> {
  const dirs: string[] = []
  const temp = (): string => { const d = mkdtempSync(join(tmpdir(), 'cc-bench-fp-')); dirs.push(d); return d }
  const relay = await startJson([join(BIN, 'cryptochat-relay.js'), 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', temp()], (l) => l.type === 'listening')
  const ownerDir = temp()
  const owner = { identity: loadOrCreateIdentity(ownerDir).identity, rooms: createRoomStore(ownerDir) }
  const room: RoomRecord = createRoom({ name: 'fp', relays: [relay.line.multiaddrs[0] as string], identity: owner.identity, rooms: owner.rooms })
  const clients: ChatClient[] = []
  const startMember = async (rooms: ReturnType<typeof createRoomStore>, identity: typeof owner.identity, listen?: string[], linkMembers = true): Promise<RoomSession> => {
    const client = createChatClient({ identity, rooms, nick: `m${clients.length}`, linkMembers, joinTimeoutMs: JOIN_TIMEOUT_MS, ...(listen != null ? { listen } : {}) })
    clients.push(client)
    await client.start()
    return await client.joinRoom(rooms.require(room.roomId))
  }
  /** A new member (accepting an invite first); ms to ready and to the first message from another member. */
  const joinTimed = async (listen?: string[]): Promise<{ ready: number, first: number }> => {
    const d = temp()
    const rooms = createRoomStore(d)
    acceptInvite(issueInvite(room, owner.identity).code, room.roomId, rooms)
    const t0 = performance.now()
    const session = await startMember(rooms, loadOrCreateIdentity(d).identity, listen)
    const ready = performance.now() - t0
    const heard = await Promise.race([
      new Promise<boolean>((resolve) => { session.on('message', (m) => { if (!m.self) resolve(true) }) }),
      sleep(10_000).then(() => false)
    ])
    return { ready, first: heard ? performance.now() - t0 : NaN }
  }
  let proc: JsonProcess | undefined
  let talking: ReturnType<typeof setInterval> | undefined
  try {
    const ownerSession = await startMember(owner.rooms, owner.identity)
    let seq = 0
    const startTalking = (): void => { talking = setInterval(() => { ownerSession.send(`talk ${seq++}`).catch(() => {}) }, TALK_INTERVAL_MS) }
    const stopTalking = (): void => { clearInterval(talking); talking = undefined }
    startTalking()
    progress('footprint: a `cryptochat join --json` process joins…')
    proc = spawnJson([join(BIN, 'cryptochat.js'), 'join', room.roomId, '--invite', issueInvite(room, owner.identity).code, '--json', '--data-dir', temp()])
    const procReady = await proc.waitFor((l) => l.type === 'ready')
    const procFirst = await proc.waitFor((l) => l.type === 'message' && l.self !== true, 10_000).catch(() => ({ ms: NaN }))
    const pids = [relay.child.pid as number, proc.child.pid as number]
    const seenByProcess = (): number => new Set((proc as JsonProcess).lines.filter((e) => e.line.type === 'member' && e.line.self !== true && (e.line.event === 'join' || e.line.event === 'present')).map((e) => e.line.fingerprint)).size
    const linksOfProcess = (): number => {
      const up = new Map<string, boolean>()
      for (const e of (proc as JsonProcess).lines) if (e.line.type === 'peer') up.set(e.line.peerId, e.line.up === true)
      return [...up.values()].filter(Boolean).length
    }
    const relayByN: Record<string, number> = {}
    const clientByN: Record<string, number> = {}
    const settleByN: Record<string, number> = {}
    const heardByN: Record<string, { members: number, links: number }> = {}
    // Members so far: the in-process clients (the owner first) and the client process.
    const members = (): number => clients.length + 1
    const checkpoint = async (n: number): Promise<void> => {
      progress(`footprint: room of ${n} members (relay and client RSS)…`)
      const before = members()
      await mapPool(Array.from({ length: n - before }), JOIN_CONCURRENCY, async () => {
        progress(`footprint: room of ${n} members: ${members()}/${n} joined…`)
        const d = temp()
        const rooms = createRoomStore(d)
        acceptInvite(issueInvite(room, owner.identity).code, room.roomId, rooms)
        await startMember(rooms, loadOrCreateIdentity(d).identity, undefined, false)
      })
      const t0 = performance.now()
      let links = -1
      let linksSince = t0
      for (;;) {
        const now = performance.now()
        if (linksOfProcess() !== links) { links = linksOfProcess(); linksSince = now }
        const heard = seenByProcess() >= n - 1
        if ((heard && (links >= n - 1 || now - linksSince > LINKS_QUIET_MS)) || now - t0 > HEARD_TIMEOUT_MS) break
        await sleep(50)
      }
      const { rss, ms } = await settledRss(pids)
      relayByN[n] = rss[0] as number
      clientByN[n] = rss[1] as number
      settleByN[n] = Math.round(performance.now() - t0) + ms
      heardByN[n] = { members: seenByProcess(), links: linksOfProcess() }
    }
    const ascending = [...new Set(sizes)].sort((a, b) => a - b)
    // The smallest room (2: the owner and the client process) is measured idle, before
    // the timed joins add members.
    stopTalking()
    let memoryError: string | undefined
    const grow = async (n: number): Promise<void> => {
      if (memoryError != null || n < members()) return
      await checkpoint(n).catch((err) => { memoryError = `room of ${n}: ${String(err?.message ?? err)}` })
    }
    if (ascending[0] === members()) await grow(ascending.shift() as number)
    progress(`footprint: timing ${trials} direct and ${trials} relayed joins…`)
    startTalking()
    const direct: Array<{ ready: number, first: number }> = []
    const relayed: Array<{ ready: number, first: number }> = []
    for (let i = 0; i < trials; i++) {
      direct.push(await joinTimed())
      relayed.push(await joinTimed(['/p2p-circuit']))
    }
    stopTalking()
    for (const n of ascending) await grow(n)
    const relayGrowth = growth(relayByN)
    const clientGrowth = growth(clientByN)
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
        client_idle: clientByN[Math.min(...Object.keys(clientByN).map(Number))] ?? NaN,
        relay_n50: relayByN[50] ?? null,
        relay_by_n: relayByN,
        client_by_n: clientByN,
        relay_mb_per_member: round(relayGrowth.mb_per_member, 3),
        client_mb_per_member: round(clientGrowth.mb_per_member, 3),
        relay_growth: relayGrowth,
        client_growth: clientGrowth,
        settle_ms_by_n: settleByN,
        client_heard_by_n: heardByN,
        ...(memoryError != null ? { error: memoryError } : {})
      }
    }
  } finally {
    progress('footprint: stopping the room…')
    if (talking != null) clearInterval(talking)
    if (proc != null) await stopChild(proc.child)
    await Promise.all(clients.map(async (c) => { await c.stop().catch(() => {}) }))
    await stopChild(relay.child)
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}
