import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type RoomSession
} from '../../src/chat/index.js'
import type { GapEvent, StatusEvent } from '../../src/chat/events.js'
import { hexToBytes } from '../../src/crypto/index.js'
import { MessageKind, epochZeroKey, sealMessage } from '../../src/protocol/index.js'
import type { RoomRecord } from '../../src/room/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'
import { startOutsider } from '../helpers/outsider.js'
import type { Relay } from '../../relay-node/index.js'

/**
 * Nothing lost between members: one member is away while the others talk, comes back
 * and catches up from them (exactly once, in order); a message that nobody holds is
 * reported as a gap; the sender's outbox sees its messages acknowledged.
 */
describe('catch-up and gap repair between members', () => {
  let relay: Relay
  let relayAddr: string
  let room: RoomRecord
  const users: TestUser[] = []
  const clients = new Map<string, ChatClient>()
  const sessions = new Map<string, RoomSession>()

  async function join (user: TestUser): Promise<RoomSession> {
    const { client, session } = await joinAs(user, room.roomId)
    clients.set(user.name, client)
    sessions.set(user.name, session)
    return session
  }

  before(async () => {
    const started = await startTestRelay()
    relay = started.relay
    relayAddr = started.addr
    for (const name of ['alice', 'bob', 'carol']) users.push(makeUser(name))
    const [alice] = users as [TestUser]
    room = createRoom({ name: 'team', relays: [relayAddr], identity: alice.identity, rooms: alice.rooms })
    for (const user of users) {
      if (user !== alice) acceptInvite(issueInvite(room, alice.identity).code, room.roomId, user.rooms)
      await join(user)
    }
    for (const session of sessions.values()) await waitFor(() => session.members().length === 3, 10_000, 'every member to know the others')
  })

  after(async () => {
    await Promise.all([...clients.values()].map(async (c) => { await c.stop() }))
    await relay?.stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  it('a member away while others talk catches up from them on return, once each, in order; the sender sees acks', async () => {
    const [alice, , carol] = users as [TestUser, TestUser, TestUser]
    const aliceSession = sessions.get('alice') as RoomSession
    const statuses = collect<StatusEvent>(aliceSession, 'status')
    await clients.get('carol')?.stop()
    // The others notice carol is gone only by silence; her links are down at once.
    const texts = Array.from({ length: 20 }, (_, i) => `while carol was away ${i}`)
    for (const text of texts) await aliceSession.send(text)
    const bobInbox = sessions.get('bob') as RoomSession
    await waitFor(() => texts.every((t) => bobInbox.history.entries().some((e) => e.body === t)), 10_000, 'bob to hold every message')
    // Bob holds them: alice's outbox hears so.
    await waitFor(() => texts.every((_, i) => statuses.some((s) => s.status === 'acked' && s.index === i + 1)), 15_000,
      () => `alice's messages acked (statuses: ${JSON.stringify(statuses.slice(-5))})`)

    const { client, session } = await joinAs(carol, room.roomId)
    clients.set('carol', client)
    sessions.set('carol', session)
    const inbox = collect<ChatMessageEvent>(session, 'message')
    const catchups = collect<{ count: number, from: string }>(session, 'catchup')
    await waitFor(() => texts.every((t) => session.history.entries().some((e) => e.body === t)), 15_000,
      () => `carol to catch up (holds ${session.history.size})`)
    // Shown once each (the history held nothing before carol left: she had seen no text).
    const shown = inbox.filter((m) => m.text.startsWith('while carol was away'))
    await waitFor(() => catchups.length > 0, 5000, 'a catchup event')
    assert.equal(shown.length, texts.length, 'each missed message shown exactly once')
    assert.ok(shown.every((m) => m.via === 'catchup' && m.fingerprint === alice.identity.fingerprint))
    assert.deepEqual(session.recent(100).filter((m) => m.text.startsWith('while')).map((m) => m.text), texts, 'in order')
    assert.equal(catchups.reduce((n, c) => n + c.count, 0), texts.length)
  })

  it('a message that no member holds is reported as a gap, with the sender and the count', async () => {
    const [alice] = users as [TestUser]
    const bob = sessions.get('bob') as RoomSession
    const carol = sessions.get('carol') as RoomSession
    const gapsBob = collect<GapEvent>(bob, 'gap')
    const gapsCarol = collect<GapEvent>(carol, 'gap')
    // Alice's key signs a message numbered two past her latest (as if she had sent one
    // that reached nobody and then lost it): index latest+1 exists, and nobody holds it.
    const latest = (sessions.get('alice') as RoomSession).history.highest(Buffer.from(alice.identity.publicKey).toString('hex'))
    const roomIdBytes = hexToBytes(room.roomId)
    const envelope = sealMessage({
      roomId: roomIdBytes, epoch: 0, key: epochZeroKey(room.secret, roomIdBytes),
      senderSecretKey: alice.identity.secretKey, senderPublicKey: alice.identity.publicKey
    }, { seq: 1_000_000n, timestamp: BigInt(Date.now()), kind: MessageKind.TEXT, nick: 'alice', body: 'after a lost one', index: BigInt(latest + 2) })
    const outsider = await startOutsider(relayAddr, bob.topic, relay.node)
    try {
      await outsider.publish(envelope)
      await waitFor(() => gapsBob.length > 0 && gapsCarol.length > 0, 20_000, 'both members to report the gap')
      for (const gaps of [gapsBob, gapsCarol]) {
        assert.equal(gaps.length, 1)
        assert.equal(gaps[0]?.fingerprint, alice.identity.fingerprint)
        assert.equal(gaps[0]?.missing, 1)
        assert.equal(gaps[0]?.first, latest + 1)
      }
    } finally {
      await outsider.stop()
    }
  })
})
