/**
 * The separate-process layout: every member is its own Node process (bench/worker.ts),
 * the relay is a real `cryptochat-relay` process, and A's TCP hub runs in this process.
 * Latency is measured between the publishing worker's clock and the receiving worker's
 * clock (one machine: the same clock), so IPC to this process is not counted.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRoom, issueInvite, acceptInvite } from '../src/chat/index.js'
import { loadOrCreateIdentity } from '../src/identity/index.js'
import { createRoomStore } from '../src/room/index.js'
import { DeliveryTally, drive, type LoadRoom } from './load.js'
import { releaseMember, takeMember, type MemberProcess } from './member-processes.js'
import { checkDeadline, mapPool } from './pool.js'
import { progress } from './progress.js'
import { startJson } from './spawn.js'
import type { Variant } from './variants.js'
import type { WorkerInit } from './worker.js'
import { startTcpHub, type TcpHub } from './tcp.js'

const RELAY_BIN = fileURLToPath(new URL('../../bin/cryptochat-relay.js', import.meta.url))
/** Members joining at once (small rooms; chat rooms over 10 join one at a time). */
const START_CONCURRENCY = 4
/** How long a member process may take to link up with the room. */
const LINK_TIMEOUT_MS = 90_000

/** Each member's setup, and what to stop afterwards (relay process or TCP hub, data dirs). */
async function prepare (v: Variant, n: number, temp: () => string): Promise<{ inits: WorkerInit[], relay?: ChildProcess, hub?: TcpHub }> {
  if (v === 'A') {
    const hub = await startTcpHub()
    return { hub, inits: Array.from({ length: n }, (_, index) => ({ variant: v, index, n, hubPort: hub.port })) }
  }
  const started = await startJson([RELAY_BIN, 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', temp()], (l) => l.type === 'listening')
  const relayAddr = started.line.multiaddrs[0] as string
  if (v === 'B') {
    const topic = `/cryptochat/1/${'c'.repeat(64)}`
    return { relay: started.child, inits: Array.from({ length: n }, (_, index) => ({ variant: v, index, n, relayAddr, topic })) }
  }
  const ownerDir = temp()
  const owner = { identity: loadOrCreateIdentity(ownerDir).identity, rooms: createRoomStore(ownerDir) }
  const room = createRoom({ name: 'bench', relays: [relayAddr], identity: owner.identity, rooms: owner.rooms })
  const inits = Array.from({ length: n }, (_, index) => {
    const dataDir = index === 0 ? ownerDir : temp()
    if (index > 0) acceptInvite(issueInvite(room, owner.identity).code, room.roomId, createRoomStore(dataDir))
    return { variant: v, index, n, relayAddr, dataDir, roomId: room.roomId }
  })
  return { relay: started.child, inits }
}

/** A room of `n` member processes under variant `v`, driven over IPC; given up (and stopped) if not started within `startTimeoutMs`. */
export async function startProcessRoom (v: Variant, n: number, startTimeoutMs = 120_000): Promise<LoadRoom> {
  const dirs: string[] = []
  const temp = (): string => { const d = mkdtempSync(join(tmpdir(), 'cc-bench-p-')); dirs.push(d); return d }
  let tally: DeliveryTally | undefined
  const onMessage = (msg: any): void => {
    if (msg?.t === 's') tally?.sent(msg.id, msg.at)
    else if (msg?.t === 'd') tally?.delivered(msg.id, msg.at)
  }
  const { inits, relay, hub } = await prepare(v, n, temp)
  const workers: MemberProcess[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(workers.map(releaseMember))
    if (relay != null && relay.exitCode == null) {
      relay.kill('SIGTERM')
      await new Promise((resolve) => relay.once('exit', resolve))
    }
    await hub?.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
  let ordered: MemberProcess[] = []
  const label = `processes ${v} N=${n}`
  const deadline = Date.now() + startTimeoutMs
  let started = 0
  try {
    // Load the variant's code in every process at once (CPU-bound; nothing is timed yet)…
    const members = inits.map(() => takeMember(onMessage))
    workers.push(...members)
    progress(`${label}: loading ${n} member processes…`)
    let loaded = 0
    const t0 = Date.now()
    await Promise.all(members.map(async (w) => {
      w.child.send({ t: 'load', variant: v })
      await Promise.race([w.next('loaded'), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))])
      checkDeadline(deadline, () => `the room did not start within ${startTimeoutMs / 1000} s: ${loaded}/${n} member processes had loaded their code`)
      loaded++
    }))
    const loadSeconds = Math.round((Date.now() - t0) / 1000)
    // …then join: chat members one at a time in rooms over 10 (each join costs O(N) presence
    // messages to N members, and a hub relay forwarding several such storms at once times out).
    const concurrency = (v === 'C' || v === 'D') && n > 10 ? 1 : START_CONCURRENCY
    const addrs = await mapPool(inits, concurrency, async (init, i) => {
      checkDeadline(deadline, () => `the room did not start within ${startTimeoutMs / 1000} s: ${started}/${n} members had joined`)
      const w = members[i] as MemberProcess
      w.child.send({ t: 'init', init })
      const ready = await w.next('ready')
      if (ready.error != null) throw new Error(`bench: member ${init.index} did not start (${started}/${n} had): ${String(ready.error)}`)
      progress(`${label}: ${++started}/${n} members joined…`)
      return ready.addrs as string[]
    })
    ordered = members
    if (v === 'B') members.forEach((w, i) => { w.child.send({ t: 'peers', addrs: addrs.slice(i + 1) }) })
    if (v !== 'A') {
      progress(`${label}: waiting for the members to link…`)
      const timeoutMs = Math.min(LINK_TIMEOUT_MS, Math.max(1000, deadline - Date.now()))
      const linked = await Promise.all(members.map(async (w) => { w.child.send({ t: 'linked?', timeoutMs }); return (await w.next('linked')).ok === true }))
      if (!linked.every(Boolean)) throw new Error(`bench: the room did not start within ${startTimeoutMs / 1000} s: ${linked.filter(Boolean).length}/${n} members had linked to the room (loading the code took ${loadSeconds} s)`)
    }
  } catch (err) {
    await stop()
    throw err
  }
  const cpuUs = async (): Promise<number> => {
    const sums = await Promise.all(ordered.map(async (w) => { w.child.send({ t: 'cpu' }); return (await w.next('cpu')).us as number }))
    return sums.reduce((a, b) => a + b, 0)
  }
  return {
    n,
    async run (spec) {
      tally = new DeliveryTally(spec, n)
      try {
        return await drive(spec, n, (from, id) => { ordered[from]?.child.send({ t: 'p', id }) }, tally, cpuUs)
      } finally {
        tally = undefined
      }
    },
    stop
  }
}
