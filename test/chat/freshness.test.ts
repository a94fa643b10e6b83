import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createChatClient, createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type RejectedEvent, type RoomSession } from '../../src/chat/index.js'
import { hexToBytes } from '../../src/crypto/index.js'
import { MessageKind, epochZeroKey, sealMessage } from '../../src/protocol/index.js'
import type { RoomRecord } from '../../src/room/index.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'
import { startOutsider, type Outsider } from '../helpers/outsider.js'

const MINUTE = 60_000

describe('message freshness and room locks', () => {
  let relay: Relay
  let relayAddr: string
  let room: RoomRecord
  let outsider: Outsider
  const users: TestUser[] = []
  const clients: ChatClient[] = []
  const sessions = new Map<string, RoomSession>()

  before(async () => {
    ({ relay, addr: relayAddr } = await startTestRelay())
    users.push(makeUser('alice'), makeUser('bob'), makeUser('carol'))
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser]
    room = createRoom({ name: 'r', relays: [relayAddr], identity: alice.identity, rooms: alice.rooms })
    acceptInvite(issueInvite(room, alice.identity).code, room.roomId, bob.rooms)
    // Bob has been in the room for an hour; carol joins now.
    bob.rooms.save({ ...bob.rooms.require(room.roomId), joinedAt: Date.now() - 60 * MINUTE })
    acceptInvite(issueInvite(room, alice.identity).code, room.roomId, carol.rooms)
    for (const user of [bob, carol]) {
      const { client, session } = await joinAs(user, room.roomId)
      clients.push(client)
      sessions.set(user.name, session)
    }
    outsider = await startOutsider(relayAddr, (sessions.get('bob') as RoomSession).topic, relay.node)
  })

  after(async () => {
    await outsider?.stop()
    await Promise.all(clients.map(async (c) => { await c.stop() }))
    await relay?.stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  /** A genuine message by alice, dated `ts` (as a captured old envelope would be). */
  function aliceAt (ts: number, seq: bigint, body: string): Uint8Array {
    const alice = users[0] as TestUser
    const roomIdBytes = hexToBytes(room.roomId)
    return sealMessage({
      roomId: roomIdBytes, epoch: 0, key: epochZeroKey(room.secret, roomIdBytes),
      senderSecretKey: alice.identity.secretKey, senderPublicKey: alice.identity.publicKey
    }, { seq, timestamp: BigInt(ts), kind: MessageKind.TEXT, nick: 'alice', body, index: seq })
  }

  it('a member who joined after a message was sent refuses it; an older member accepts it', async () => {
    const bobInbox = collect<ChatMessageEvent>(sessions.get('bob') as RoomSession, 'message')
    const carolInbox = collect<ChatMessageEvent>(sessions.get('carol') as RoomSession, 'message')
    const carolRejected = collect<RejectedEvent>(sessions.get('carol') as RoomSession, 'rejected')
    await outsider.publish(aliceAt(Date.now() - 30 * MINUTE, 10n, 'said half an hour ago'))
    await waitFor(() => bobInbox.some((m) => m.text === 'said half an hour ago'), 10_000, 'bob to accept the half-hour-old message')
    await waitFor(() => carolRejected.some((r) => r.reason === 'StaleMessageError'), 10_000, 'carol to refuse a message from before she joined')
    assert.equal(carolInbox.some((m) => m.text === 'said half an hour ago'), false)
  })

  it('messages older than a day, or dated hours ahead, are refused by everyone', async () => {
    const bobRejected = collect<RejectedEvent>(sessions.get('bob') as RoomSession, 'rejected')
    const bobInbox = collect<ChatMessageEvent>(sessions.get('bob') as RoomSession, 'message')
    await outsider.publish(aliceAt(Date.now() - 25 * 60 * MINUTE, 20n, 'yesterday'))
    await outsider.publish(aliceAt(Date.now() + 2 * 60 * MINUTE, 21n, 'from the future'))
    await waitFor(() => bobRejected.length >= 2, 10_000, 'bob to refuse both')
    assert.deepEqual(bobRejected.map((r) => r.reason).sort(), ['FutureMessageError', 'StaleMessageError'])
    assert.equal(bobInbox.length, 0)
  })

  it('a room open in one process cannot be opened by another on the same data directory', async () => {
    const bob = users[1] as TestUser
    const second = createChatClient({ identity: bob.identity, rooms: bob.rooms, nick: 'bob-again' })
    await second.start()
    try {
      await assert.rejects(second.joinRoom(bob.rooms.require(room.roomId)), (err: Error) => err.name === 'RoomBusyError')
    } finally {
      await second.stop()
    }
  })
})
