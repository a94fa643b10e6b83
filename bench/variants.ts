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
import { connectToHub, startTcpHub } from './tcp.js'

/** A running room of `n` members under one variant, as the load generator drives it. */
export interface BenchRoom {
  n: number
  /** Member `from` publishes message `id`. */
  publish(from: number, id: number): Promise<void>
  /** Called by the variant for each delivery of message `id` to member `to`. */
  onDeliver: (to: number, id: number) => void
  stop(): Promise<void>
}

export type Variant = 'A' | 'B' | 'C' | 'D'

/** What each variant is, for the report. */
export const VARIANT_NAMES: Record<Variant, string> = {
  A: 'floor: plain TCP fan-out hub',
  B: 'raw gossipsub (same factory), plaintext',
  C: 'CryptoChat (seal, sign, validate, replay, events)',
  D: 'CryptoChat, members linked only through the relay'
}

/** A chat-sized message body carrying its id. */
export function body (id: number): string {
  return `m${id} `.padEnd(96, 'lorem ipsum dolor sit amet ')
}

/** The id a message body carries. */
export function idOf (text: string): number {
  return Number(/^m(\d+) /.exec(text)?.[1] ?? -1)
}

async function until (condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench setup: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A: what the machine itself can do: a TCP hub that writes every line to every other socket. */
async function tcpFloor (n: number): Promise<BenchRoom> {
  const hub = await startTcpHub()
  const room: BenchRoom = { n, onDeliver: () => {}, publish: async () => {}, stop: async () => {} }
  const members: Socket[] = []
  for (let i = 0; i < n; i++) members.push(await connectToHub(hub.port, (line) => { room.onDeliver(i, idOf(line)) }))
  await until(() => hub.members() === n, 5000, 'TCP members')
  room.publish = async (from, id) => { members[from]?.write(body(id) + '\n') }
  room.stop = async () => {
    for (const s of members) s.destroy()
    await hub.close()
  }
  return room
}

/** B: the same libp2p factory and gossipsub settings, members linked as CryptoChat links them, plaintext. */
async function rawGossipsub (n: number): Promise<BenchRoom> {
  const relay = await createRelay({ privateKey: await generateKeyPair('Ed25519'), config: { listen: ['/ip4/127.0.0.1/tcp/0'] } })
  const relayAddr = multiaddr(relay.multiaddrs()[0] as string)
  const topic = `/cryptochat/1/${'b'.repeat(64)}`
  const nodes: ChatNode[] = []
  const room: BenchRoom = { n, onDeliver: () => {}, publish: async () => {}, stop: async () => {} }
  const decoder = new TextDecoder()
  for (let i = 0; i < n; i++) {
    const node = await createChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'], gossip: { relayPeerIds: new Set([relay.peerId()]) } })
    node.services.pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic === topic) room.onDeliver(i, idOf(decoder.decode(evt.detail.data)))
    })
    await node.dial(relayAddr)
    node.services.pubsub.subscribe(topic)
    nodes.push(node)
  }
  // Members link to each other directly, as CryptoChat members on loopback do.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) await (nodes[i] as ChatNode).dial((nodes[j] as ChatNode).getMultiaddrs())
  }
  await until(() => nodes.every((node) => node.services.pubsub.getSubscribers(topic).length >= n), 30_000, 'gossipsub subscriptions')
  const encoder = new TextEncoder()
  room.publish = async (from, id) => { await nodes[from]?.services.pubsub.publish(topic, encoder.encode(body(id))) }
  room.stop = async () => {
    for (const node of nodes) await node.stop()
    await relay.stop()
  }
  return room
}

/** C and D: the real chat library, `relayedOnly` keeping members off direct links. */
async function cryptochat (n: number, relayedOnly: boolean): Promise<BenchRoom> {
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
  const room: BenchRoom = { n, onDeliver: () => {}, publish: async () => {}, stop: async () => {} }
  const clients: ChatClient[] = []
  const sessions: RoomSession[] = []
  for (const [i, u] of users.entries()) {
    const client = createChatClient({ identity: u.identity, rooms: u.rooms, nick: u.name, ...(relayedOnly ? { listen: ['/p2p-circuit'] } : {}) })
    await client.start()
    const session = await client.joinRoom(u.rooms.require(record.roomId))
    session.on('message', (m) => { if (!m.self) room.onDeliver(i, idOf(m.text)) })
    clients.push(client)
    sessions.push(session)
  }
  const pubsubOf = (c: ChatClient): ChatNode['services']['pubsub'] => c.node.services.pubsub
  await until(() => sessions.every((s) => s.members().length === n), 60_000, 'every member to know every other')
  await until(() => clients.every((c) => pubsubOf(c).getSubscribers((sessions[0] as RoomSession).topic).length >= Math.min(n, 7)), 60_000, 'member links')
  room.publish = async (from, id) => { await sessions[from]?.send(body(id)) }
  room.stop = async () => {
    for (const c of clients) await c.stop()
    await relay.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
  return room
}

/** Start variant `v` with `n` members, all in this process. */
export async function startVariant (v: Variant, n: number): Promise<BenchRoom> {
  switch (v) {
    case 'A': return await tcpFloor(n)
    case 'B': return await rawGossipsub(n)
    case 'C': return await cryptochat(n, false)
    case 'D': return await cryptochat(n, true)
  }
}
