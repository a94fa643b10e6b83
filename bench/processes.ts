/**
 * The separate-process layout: every member is its own Node process (bench/worker.ts),
 * the relay is a real `cryptochat-relay` process, and A's TCP hub runs in this process.
 * Latency is measured between the publishing worker's clock and the receiving worker's
 * clock (one machine: the same clock), so IPC to this process is not counted.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRoom, issueInvite, acceptInvite } from '../src/chat/index.js'
import { loadOrCreateIdentity } from '../src/identity/index.js'
import { createRoomStore } from '../src/room/index.js'
import type { LoadResult } from './load.js'
import type { Variant } from './variants.js'
import type { WorkerInit } from './worker.js'
import { startTcpHub, type TcpHub } from './tcp.js'
import { startJson } from './footprint.js'

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url))
const RELAY_BIN = fileURLToPath(new URL('../../bin/cryptochat-relay.js', import.meta.url))

interface Worker {
  child: ChildProcess
  next(type: string): Promise<any>
}

function startWorker (onMessage: (msg: any) => void): Worker {
  const child = fork(WORKER, [], { execArgv: ['--import', 'promise.withresolvers/auto'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const waiting = new Map<string, Array<(msg: any) => void>>()
  child.on('message', (msg: any) => {
    const list = waiting.get(msg?.t)
    const resolve = list?.shift()
    if (resolve != null) resolve(msg)
    else onMessage(msg)
  })
  return {
    child,
    next: async (type) => await new Promise((resolve) => { waiting.set(type, [...(waiting.get(type) ?? []), resolve]) })
  }
}

/** A room of `n` member processes under variant `v`, driven over IPC. */
export interface ProcessRoom {
  run(messages: number, ratePerSec: number, baseId: number): Promise<LoadResult>
  stop(): Promise<void>
}

export async function startProcessVariant (v: Variant, n: number): Promise<ProcessRoom> {
  const dirs: string[] = []
  const temp = (): string => { const d = mkdtempSync(join(tmpdir(), 'cc-bench-p-')); dirs.push(d); return d }
  const sent = new Map<number, number>()
  let onDelivery: (id: number, at: number) => void = () => {}
  const onMessage = (msg: any): void => {
    if (msg?.t === 's') sent.set(msg.id, msg.at)
    else if (msg?.t === 'd') onDelivery(msg.id, msg.at)
  }
  let relay: ChildProcess | undefined
  let hub: TcpHub | undefined
  const inits: WorkerInit[] = []
  if (v === 'A') {
    hub = await startTcpHub()
    for (let i = 0; i < n; i++) inits.push({ variant: v, index: i, n, hubPort: hub.port })
  } else {
    const started = await startJson([RELAY_BIN, 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', temp()], (l) => l.type === 'listening')
    relay = started.child
    const relayAddr = started.line.multiaddrs[0] as string
    if (v === 'B') {
      for (let i = 0; i < n; i++) inits.push({ variant: v, index: i, n, relayAddr, topic: `/cryptochat/1/${'c'.repeat(64)}` })
    } else {
      const ownerDir = temp()
      const owner = { identity: loadOrCreateIdentity(ownerDir).identity, rooms: createRoomStore(ownerDir) }
      const room = createRoom({ name: 'bench', relays: [relayAddr], identity: owner.identity, rooms: owner.rooms })
      for (let i = 0; i < n; i++) {
        const dataDir = i === 0 ? ownerDir : temp()
        if (i > 0) acceptInvite(issueInvite(room, owner.identity).code, room.roomId, createRoomStore(dataDir))
        inits.push({ variant: v, index: i, n, relayAddr, dataDir, roomId: room.roomId })
      }
    }
  }
  const workers: Worker[] = []
  const addrs: string[][] = []
  for (const init of inits) {
    const w = startWorker(onMessage)
    w.child.send({ t: 'init', init })
    addrs.push((await w.next('ready')).addrs)
    workers.push(w)
  }
  if (v === 'B') workers.forEach((w, i) => { w.child.send({ t: 'peers', addrs: addrs.slice(i + 1) }) })
  if (v !== 'A') {
    for (const w of workers) {
      w.child.send({ t: 'linked?' })
      if ((await w.next('linked')).ok !== true) throw new Error(`bench: ${v} member processes did not link`)
    }
  }
  const cpuTotal = async (): Promise<number> => {
    let sum = 0
    for (const w of workers) {
      w.child.send({ t: 'cpu' })
      sum += (await w.next('cpu')).us
    }
    return sum
  }
  return {
    async run (messages, ratePerSec, baseId) {
      const latencies: number[] = []
      const expected = messages * (n - 1)
      let done!: () => void
      const all = new Promise<void>((resolve) => { done = resolve })
      const pending: Array<[number, number]> = []
      const settle = (id: number, at: number): void => {
        const t = sent.get(id)
        if (t == null) { pending.push([id, at]); return }
        latencies.push(at - t)
        if (latencies.length === expected) done()
      }
      onDelivery = settle
      const cpu0 = await cpuTotal()
      const t0 = performance.now()
      for (let i = 0; i < messages; i++) {
        if (Number.isFinite(ratePerSec)) {
          const wait = t0 + i * 1000 / ratePerSec - performance.now()
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        }
        workers[i % n]?.child.send({ t: 'p', id: baseId + i })
      }
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 15_000))])
      // Deliveries that raced ahead of their send report.
      for (const [id, at] of pending.splice(0)) { const t = sent.get(id); if (t != null) latencies.push(at - t) }
      const wallMs = performance.now() - t0
      const cpuUs = await cpuTotal() - cpu0
      onDelivery = () => {}
      return { latencies, deliveries: latencies.length, expected, wallMs, cpuUs }
    },
    async stop () {
      await Promise.all(workers.map(async (w) => {
        w.child.send({ t: 'stop' })
        await Promise.race([new Promise((resolve) => w.child.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 5000))])
        w.child.kill('SIGKILL')
      }))
      relay?.kill('SIGTERM')
      if (relay != null) await new Promise((resolve) => relay?.once('exit', resolve))
      await hub?.close()
      for (const d of dirs) rmSync(d, { recursive: true, force: true })
    }
  }
}
