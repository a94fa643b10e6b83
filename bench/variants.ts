/**
 * The one-process layout: every member of the room in the benchmark's own process (the
 * protocol's own cost, without the OS scheduling N processes on 2 cores).
 */
import type { Socket } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createRelay } from '../relay-node/index.js'
import { createChatNode, type ChatNode } from '../src/net/index.js'
import { acceptInvite, createChatClient, createRoom, issueInvite, type ChatClient, type RoomSession } from '../src/chat/index.js'
import { loadOrCreateIdentity } from '../src/identity/index.js'
import { createRoomStore } from '../src/room/index.js'
import { DeliveryTally, drive, now, type LoadRoom } from './load.js'
import { body, framedBody, idOf, idOfFramed } from './message.js'
import { checkDeadline, mapPool, until } from './pool.js'
import { progress } from './progress.js'
import { connectToHub, startTcpHub } from './tcp.js'

export type Variant = 'A' | 'B' | 'C' | 'D'

/** What each variant is, for the report. */
export const VARIANT_NAMES: Record<Variant, string> = {
  A: 'floor: plain TCP fan-out hub',
  B: 'raw gossipsub (same factory), plaintext',
  C: 'CryptoChat (seal, sign, validate, replay, events)',
  D: 'CryptoChat, members linked only through the relay'
}

/** How many members start (connect, join) at once. */
const START_CONCURRENCY = 8
/**
 * Chat members join two at a time, and one at a time in rooms over 10: every member
 * answers a join with a presence message to the whole room and links to the newcomer, so
 * in a large room several joins at once on one event loop (relay included) time out.
 */
const joinConcurrency = (n: number): number => (n > 10 ? 1 : 2)
const JOIN_TIMEOUT_MS = 60_000

/** A room's members in this process: publish, and a hook each delivery calls. */
interface Members {
  publish(from: number, id: number): Promise<void>
  onDeliver: (id: number) => void
  stop(): Promise<void>
}

/** A: what the machine itself can do: a TCP hub that writes every line to every other socket. */
async function tcpFloor (n: number): Promise<Members> {
  const hub = await startTcpHub()
  const room: Members = { onDeliver: () => {}, publish: async () => {}, stop: async () => {} }
  const sockets: Socket[] = await mapPool(Array.from({ length: n }), START_CONCURRENCY, async () =>
    await connectToHub(hub.port, (line) => { room.onDeliver(idOf(line)) }))
  await until(() => hub.members() === n, 5000, 'TCP members')
  room.publish = async (from, id) => { sockets[from]?.write(body(id) + '\n') }
  room.stop = async () => {
    for (const s of sockets) s.destroy()
    await hub.close()
  }
  return room
}

/** B: the same libp2p factory and gossipsub settings, members linked as CryptoChat links them, plaintext. */
async function rawGossipsub (n: number, deadline: number): Promise<Members> {
  const relay = await createRelay({ privateKey: await generateKeyPair('Ed25519'), config: { listen: ['/ip4/127.0.0.1/tcp/0'] } })
  const relayAddr = multiaddr(relay.multiaddrs()[0] as string)
  const topic = `/cryptochat/1/${'b'.repeat(64)}`
  const room: Members = { onDeliver: () => {}, publish: async () => {}, stop: async () => {} }
  const decoder = new TextDecoder()
  const encoder = new TextEncoder()
  const nodes: ChatNode[] = []
  room.stop = async () => {
    await Promise.all(nodes.map(async (node) => { try { await node.stop() } catch {} }))
    await relay.stop()
  }
  try {
    await mapPool(Array.from({ length: n }), START_CONCURRENCY, async () => {
      checkDeadline(deadline, () => `the room did not start in time: ${nodes.length}/${n} nodes had started`)
      const node = await createChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'], gossip: { relayPeerIds: new Set([relay.peerId()]) } })
      nodes.push(node)
      node.services.pubsub.addEventListener('message', (evt) => {
        if (evt.detail.topic === topic) room.onDeliver(idOfFramed(evt.detail.data))
      })
      await node.dial(relayAddr)
      node.services.pubsub.subscribe(topic)
    })
    // Members link to each other directly, as CryptoChat members on loopback do (one dial per pair).
    const pairs = nodes.flatMap((a, i) => nodes.slice(i + 1).map((b) => [a, b] as const))
    let linked = 0
    await mapPool(pairs, START_CONCURRENCY, async ([a, b]) => {
      checkDeadline(deadline, () => `the room did not start in time: ${linked}/${pairs.length} member pairs had linked`)
      await a.dial(b.getMultiaddrs())
      if (++linked % 50 === 0) progress(`one-process B N=${n}: ${linked}/${pairs.length} member pairs linked…`)
    })
    await until(() => nodes.every((node) => node.services.pubsub.getSubscribers(topic).length >= n), Math.max(1000, deadline - Date.now()), 'gossipsub subscriptions')
  } catch (err) {
    await room.stop()
    throw err
  }
  room.publish = async (from, id) => { await nodes[from]?.services.pubsub.publish(topic, framedBody(id)) }
  return room
}

/** C and D: the real chat library, `relayedOnly` keeping members off direct links. */
async function cryptochat (n: number, relayedOnly: boolean, deadline: number): Promise<Members> {
  const relay = await createRelay({ privateKey: await generateKeyPair('Ed25519'), config: { listen: ['/ip4/127.0.0.1/tcp/0'], circuitRelay: { maxReservations: 1024 } } })
  const relayAddr = relay.multiaddrs()[0] as string
  const dirs: string[] = []
  const users = Array.from({ length: n }, (_, i) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-'))
    dirs.push(dataDir)
    return { name: `m${i}`, identity: loadOrCreateIdentity(dataDir).identity, rooms: createRoomStore(dataDir) }
  })
  const first = users[0] as (typeof users)[number]
  const record = createRoom({ name: 'bench', relays: [relayAddr], identity: first.identity, rooms: first.rooms })
  for (const u of users.slice(1)) acceptInvite(issueInvite(record, first.identity).code, record.roomId, u.rooms)
  const room: Members = { onDeliver: () => {}, publish: async () => {}, stop: async () => {} }
  const clients: ChatClient[] = []
  room.stop = async () => {
    await Promise.all(clients.map(async (c) => { await c.stop().catch(() => {}) }))
    await relay.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
  const label = `one-process ${relayedOnly ? 'D' : 'C'} N=${n}`
  const sessions: RoomSession[] = []
  try {
    await mapPool(users, joinConcurrency(n), async (u) => {
      checkDeadline(deadline, () => `the room did not start in time: ${sessions.length}/${n} members had joined`)
      const client = createChatClient({ identity: u.identity, rooms: u.rooms, nick: u.name, joinTimeoutMs: JOIN_TIMEOUT_MS, ...(relayedOnly ? { listen: ['/p2p-circuit'] } : {}) })
      clients.push(client)
      await client.start()
      const session = await client.joinRoom(u.rooms.require(record.roomId))
      session.on('message', (m) => { if (!m.self) room.onDeliver(idOf(m.text)) })
      sessions.push(session)
      progress(`${label}: ${sessions.length}/${n} members joined…`)
    })
    const topic = (sessions[0] as RoomSession).topic
    const left = (): number => Math.max(1000, deadline - Date.now())
    await until(() => sessions.every((s) => s.members().length === n), left(), 'every member to know every other')
    await until(() => clients.every((c) => c.node.services.pubsub.getSubscribers(topic).length >= Math.min(n, 7)), left(), 'member links')
  } catch (err) {
    await room.stop()
    throw err
  }
  room.publish = async (from, id) => { await sessions[from]?.send(body(id)) }
  return room
}

async function startMembers (v: Variant, n: number, deadline: number): Promise<Members> {
  switch (v) {
    case 'A': return await tcpFloor(n)
    case 'B': return await rawGossipsub(n, deadline)
    case 'C': return await cryptochat(n, false, deadline)
    case 'D': return await cryptochat(n, true, deadline)
  }
}

/** Start variant `v` with `n` members, all in this process; give up (stopping them) after `startTimeoutMs`. */
export async function startOneProcessRoom (v: Variant, n: number, startTimeoutMs = 120_000): Promise<LoadRoom> {
  const members = await startMembers(v, n, Date.now() + startTimeoutMs)
  const cpuUs = async (): Promise<number> => (({ user, system }) => user + system)(process.cpuUsage())
  return {
    n,
    async run (spec) {
      const tally = new DeliveryTally(spec, n)
      members.onDeliver = (id) => { tally.delivered(id, now()) }
      try {
        return await drive(spec, n, (from, id) => {
          tally.sent(id, now())
          members.publish(from, id).catch(() => {})
        }, tally, cpuUs)
      } finally {
        members.onDeliver = () => {}
      }
    },
    stop: async () => { await members.stop() }
  }
}
