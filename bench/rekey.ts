/**
 * How long removing a member takes, in one process: a room of `n` members on an
 * in-process relay (members talk through its hub, not direct links, so that starting 50
 * clients on 2 cores stays within the time budget); the owner removes one member and is
 * timed from the call until every remaining member holds the new epoch's key (its
 * `epoch` event). Also how long building and signing the key packages takes alone.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { acceptInvite, createChatClient, createRoom, issueInvite, newEpochOps, type ChatClient, type RoomSession } from '../src/chat/index.js'
import { bytesToHex, hexToBytes } from '../src/crypto/index.js'
import { startRelay, user } from './catchup.js'
import { progress } from './progress.js'
import { percentile, round } from './stats.js'

/** What {@link rekey} measured. */
export interface RekeyResult {
  members: number
  /** Wrapping the new epoch's secret for every remaining member (X25519 + AEAD each), no signing or network. */
  wrap_ms: number
  /** The owner's `remove` call: sign the removal and the epoch, publish both. */
  owner_ms: number
  /** From the call until the median / the last remaining member was in the new epoch. */
  p50_member_ms: number
  all_members_ms: number
  /**
   * Joining the full room: from the last member's `joinRoom` call until the owner's log
   * lists it as a member (median over the last joiners, see JOIN_SAMPLE).
   */
  join_admitted_ms: number
}

/** How many of the last joiners are timed for `join_admitted_ms`. */
const JOIN_SAMPLE = 5

async function waitUntil (check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`rekey: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Measure one removal in a room of `n` members. */
export async function rekey (n: number): Promise<RekeyResult> {
  const base = mkdtempSync(join(tmpdir(), 'cryptochat-bench-rekey-'))
  const clients: ChatClient[] = []
  const stops: Array<() => Promise<void>> = []
  try {
    const { relay, addr } = await startRelay(base, 'relay', false)
    stops.push(async () => { await relay.stop() })
    const owner = user(base, 'owner')
    const room = createRoom({ name: 'rekey', relays: [addr], identity: owner.identity, rooms: owner.rooms })
    const sessions: RoomSession[] = []
    const joinTimes: number[] = []
    let victimIdentity: Uint8Array | undefined
    for (let i = 0; i < n; i++) {
      const u = i === 0 ? owner : user(base, `m${i}`)
      if (i > 0) acceptInvite(issueInvite(room, owner.identity).code, room.roomId, u.rooms)
      const client = createChatClient({ identity: u.identity, rooms: u.rooms, nick: `m${i}`, listen: ['/ip4/127.0.0.1/tcp/0'], linkMembers: false })
      clients.push(client)
      if (i === n - 1) victimIdentity = u.identity.publicKey
      await client.start()
      const joinStarted = performance.now()
      const session = await client.joinRoom(u.rooms.require(room.roomId))
      sessions.push(session)
      if (i > 0 && i >= n - JOIN_SAMPLE) {
        const key = bytesToHex(u.identity.publicKey)
        const owner = sessions[0] as RoomSession
        await waitUntil(() => owner.roster().some((m) => m.publicKey === key), 60_000, 'the owner to list the newcomer')
        joinTimes.push(performance.now() - joinStarted)
      }
      progress(`rekey: ${i + 1}/${n} members joined…`)
    }
    const ownerSession = sessions[0] as RoomSession
    await waitUntil(() => ownerSession.roster().length === n, 120_000, `the owner's log to list ${n} members`)
    const victim = sessions[n - 1] as RoomSession
    // (From its identity: the newcomer's own log may not hold its admission yet.)
    const victimKey = bytesToHex(victimIdentity as Uint8Array)
    const remaining = sessions.slice(0, n - 1)

    // The key packages alone.
    const recipients = ownerSession.roster().filter((m) => m.publicKey !== victimKey).map((m) => hexToBytes(m.publicKey))
    let started = performance.now()
    newEpochOps(hexToBytes(room.roomId), 99, recipients)
    const wrapMs = performance.now() - started

    progress(`rekey: removing one of ${n} members…`)
    const reached: number[] = []
    started = performance.now()
    for (const s of remaining) s.once('epoch', () => { reached.push(performance.now() - started) })
    await ownerSession.remove(victimKey)
    const ownerMs = performance.now() - started
    await waitUntil(() => reached.length === remaining.length, 60_000, `${remaining.length} members in the new epoch (${reached.length} so far)`)
    if (victim.epoch !== 0) throw new Error('rekey: the removed member got the new key')
    const sorted = [...reached].sort((a, b) => a - b)
    return { members: n, wrap_ms: round(wrapMs), owner_ms: round(ownerMs), p50_member_ms: round(percentile(sorted, 50)), all_members_ms: round(sorted.at(-1) ?? NaN), join_admitted_ms: round(percentile([...joinTimes].sort((a, b) => a - b), 50)) }
  } finally {
    for (const c of clients.reverse()) await c.stop().catch(() => {})
    for (const stop of stops.reverse()) await stop().catch(() => {})
    rmSync(base, { recursive: true, force: true })
  }
}
