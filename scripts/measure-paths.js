#!/usr/bin/env node
// Message latency over each path a room can use, median over N messages each, with both
// members' nodes and the relay in this one process on loopback (so the numbers compare
// the paths, not process scheduling): through the relay's hub only, member to member
// directly (relay --no-hub), and member to member over a relay circuit (relay --no-hub,
// members listening only on /p2p-circuit). A quick check for closing notes; the
// benchmark proper is `npm run bench`. Usage: node scripts/measure-paths.js [N=100]
import 'promise.withresolvers/auto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createRelay } from '../dist/relay-node/index.js'
import { createChatClient, createRoom, issueInvite, acceptInvite } from '../dist/src/chat/index.js'
import { loadOrCreateIdentity } from '../dist/src/identity/index.js'
import { createRoomStore } from '../dist/src/room/index.js'

const N = Number(process.argv[2] ?? 100)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]

async function measure (label, { hub, listen, linkMembers, expect }) {
  const dirs = []
  const temp = () => { const d = mkdtempSync(join(tmpdir(), 'cc-paths-')); dirs.push(d); return d }
  const relay = await createRelay({ privateKey: await generateKeyPair('Ed25519'), config: { listen: ['/ip4/127.0.0.1/tcp/0'], hub: { enabled: hub } } })
  const addr = relay.multiaddrs()[0]
  const users = ['a', 'b'].map((name) => { const dataDir = temp(); return { name, identity: loadOrCreateIdentity(dataDir).identity, rooms: createRoomStore(dataDir) } })
  const room = createRoom({ name: 'paths', relays: [addr], identity: users[0].identity, rooms: users[0].rooms })
  acceptInvite(issueInvite(room, users[0].identity).code, room.roomId, users[1].rooms)
  const clients = []
  const sessions = []
  for (const u of users) {
    const client = createChatClient({ identity: u.identity, rooms: u.rooms, nick: u.name, listen, linkMembers })
    await client.start()
    clients.push(client)
    sessions.push(await client.joinRoom(u.rooms.require(room.roomId)))
  }
  // Wait until the path under test is the one in use.
  const deadline = Date.now() + 20_000
  while (!expect(clients[0].roomStatus(room.roomId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  const status = clients[0].roomStatus(room.roomId)
  if (!expect(status)) throw new Error(`${label}: path not established: ${JSON.stringify(status)}`)
  const waiters = new Map()
  for (const s of sessions) s.on('message', (m) => { if (!m.self) waiters.get(m.text)?.() })
  const once = async (from, text) => {
    const got = new Promise((resolve) => waiters.set(text, resolve))
    const t0 = performance.now()
    await from.send(text)
    await got
    return performance.now() - t0
  }
  for (let i = 0; i < 5; i++) await once(sessions[i % 2], `warm-${i}`)
  const samples = []
  for (let i = 0; i < N; i++) samples.push(await once(sessions[i % 2], `m-${i}`))
  for (const c of clients) await c.stop()
  await relay.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  console.log(`${label.padEnd(34)} median ${median(samples).toFixed(2)} ms   p95 ${p95(samples).toFixed(2)} ms   (${JSON.stringify(status)})`)
}

await measure('hub (relay forwards)', { hub: true, listen: [], linkMembers: false, expect: (s) => s?.viaHub && s.direct === 0 && s.relayed === 0 })
await measure('direct (member to member)', { hub: false, listen: ['/ip4/127.0.0.1/tcp/0', '/p2p-circuit'], linkMembers: true, expect: (s) => s?.direct === 1 })
await measure('relayed (circuit through relay)', { hub: false, listen: ['/p2p-circuit'], linkMembers: true, expect: (s) => s?.relayed === 1 })
