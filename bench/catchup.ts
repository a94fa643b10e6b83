/**
 * Catch-up and history cost. In one process: a relay with its blind store, alice sends
 * `count` messages while bob is away, then bob joins with an empty history and is timed
 * from the start of `joinRoom` until his history holds every message:
 * - from the relay's store (alice gone: the store is the only source), and
 * - from a member (alice online, a relay without a store).
 * Also alice's history file size per message (the on-disk cost of history, envelope and
 * decoded fields, encrypted, with framing), and the time to open that history again.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { acceptInvite, createChatClient, createRoom, issueInvite, type ChatClient, type RoomSession } from '../src/chat/index.js'
import { bytesToHex, hexToBytes } from '../src/crypto/index.js'
import { HISTORY_FILE, RoomHistory, historyKey } from '../src/history/index.js'
import { loadOrCreateIdentity, type Identity } from '../src/identity/index.js'
import { createRoomStore, type RoomRecord, type RoomStore } from '../src/room/index.js'
import { createRelay, loadOrCreateRelayKey, type Relay } from '../relay-node/index.js'
import { progress } from './progress.js'
import { round } from './stats.js'

/** What {@link catchup} measured. */
export interface CatchupResult {
  messages: number
  /** Start of bob's join to every missed message held, from the relay's store / from a member. */
  from_store_ms: number
  from_member_ms: number
  /** Alice's history file, bytes per message (she holds her `messages` and nothing else). */
  history_bytes_per_message: number
  /** Time to open (read, decrypt and index) a history of `messages` messages. */
  history_open_ms: number
}

export interface User { dir: string, identity: Identity, rooms: RoomStore }

export function user (base: string, name: string): User {
  const dir = join(base, name)
  return { dir, identity: loadOrCreateIdentity(dir).identity, rooms: createRoomStore(dir) }
}

export async function startRelay (base: string, name: string, store: boolean): Promise<{ relay: Relay, addr: string }> {
  const dir = join(base, name)
  const relay = await createRelay({
    privateKey: (await loadOrCreateRelayKey(dir)).key,
    dataDir: dir,
    config: { listen: ['/ip4/127.0.0.1/tcp/0'], store: { enabled: store } }
  })
  const addr = relay.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/'))
  if (addr == null) throw new Error('relay has no loopback address')
  return { relay, addr }
}

async function joinRoom (u: User, room: RoomRecord, nick: string): Promise<{ client: ChatClient, session: RoomSession }> {
  const client = createChatClient({ identity: u.identity, rooms: u.rooms, nick, listen: ['/ip4/127.0.0.1/tcp/0'] })
  await client.start()
  return { client, session: await client.joinRoom(room) }
}

/** Resolve when `session` holds `count` messages from others. */
async function until (session: RoomSession, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (session.history.entries().filter((e) => e.via !== 'self').length < count) {
    if (Date.now() > deadline) throw new Error(`catch-up stalled at ${session.history.size} of ${count}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Send `count` messages as fast as the outbox takes them, and wait until all are acked. */
async function talk (session: RoomSession, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await session.send(`catch-up message ${i} ${'x'.repeat(40)}`)
    if (i % 500 === 0) progress(`catch-up: alice sent ${i}/${count}…`)
  }
  const deadline = Date.now() + 60_000
  while (session.unacknowledged().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
}

/** Run the catch-up measurement with `count` missed messages. */
export async function catchup (count: number): Promise<CatchupResult> {
  const base = mkdtempSync(join(tmpdir(), 'cryptochat-bench-catchup-'))
  const stops: Array<() => Promise<void>> = []
  try {
    // From the store: alice talks alone, leaves; bob arrives.
    const withStore = await startRelay(base, 'relay-store', true)
    stops.push(async () => { await withStore.relay.stop() })
    const alice = user(base, 'alice')
    const bob = user(base, 'bob')
    const room = createRoom({ name: 'catch-up', relays: [withStore.addr], identity: alice.identity, rooms: alice.rooms })
    acceptInvite(issueInvite(room, alice.identity).code, room.roomId, bob.rooms)
    const a = await joinRoom(alice, room, 'alice')
    await talk(a.session, count)
    await a.client.stop()
    progress(`catch-up: bob fetches ${count} messages from the store…`)
    let started = performance.now()
    const b = await joinRoom(bob, room, 'bob')
    await until(b.session, count, 120_000)
    const fromStore = performance.now() - started
    await b.client.stop()

    const historyPath = join(alice.rooms.dir(room.roomId), HISTORY_FILE)
    const bytesPerMessage = statSync(historyPath).size / count
    started = performance.now()
    const opened = new RoomHistory({ dir: alice.rooms.dir(room.roomId), roomId: room.roomId, key: historyKey(alice.identity.secretKey, hexToBytes(room.roomId)), self: bytesToHex(alice.identity.publicKey) })
    const openMs = performance.now() - started
    opened.close()

    // From a member: a relay without a store; alice (holding everything) online, carol new.
    const plain = await startRelay(base, 'relay-plain', false)
    stops.push(async () => { await plain.relay.stop() })
    const moved = { ...room, relays: [plain.addr] }
    alice.rooms.save(moved)
    const carol = user(base, 'carol')
    acceptInvite(issueInvite(moved, alice.identity).code, room.roomId, carol.rooms)
    const a2 = await joinRoom(alice, moved, 'alice')
    stops.push(async () => { await a2.client.stop() })
    progress(`catch-up: carol fetches ${count} messages from a member…`)
    started = performance.now()
    const c = await joinRoom(carol, carol.rooms.require(room.roomId), 'carol')
    stops.push(async () => { await c.client.stop() })
    await until(c.session, count, 120_000)
    const fromMember = performance.now() - started
    return {
      messages: count,
      from_store_ms: round(fromStore),
      from_member_ms: round(fromMember),
      history_bytes_per_message: round(bytesPerMessage),
      history_open_ms: round(openMs)
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {})
    rmSync(base, { recursive: true, force: true })
  }
}
