import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type RejectedEvent, type RoomSession } from '../../src/chat/index.js'
import { hexToBytes, concatBytes } from '../../src/crypto/index.js'
import { MessageKind, sealMessage } from '../../src/protocol/index.js'
import type { RoomRecord } from '../../src/room/index.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'
import { startOutsider, containsBytes, withUnknownField, type Outsider } from '../helpers/outsider.js'

const enc = new TextEncoder()

describe('a non-member on the room topic', () => {
  let relay: Relay
  let relayAddr: string
  let room: RoomRecord
  let outsider: Outsider
  const users: TestUser[] = []
  const clients: ChatClient[] = []
  const sessions: RoomSession[] = []
  let bobInbox: ChatMessageEvent[]
  let bobRejected: RejectedEvent[]
  const secretText = `the launch code is ${randomBytes(8).toString('hex')}`
  const aliceNick = `alice-${randomBytes(4).toString('hex')}`

  before(async () => {
    ({ relay, addr: relayAddr } = await startTestRelay())
    users.push(makeUser('alice'), makeUser('bob'))
    const [alice, bob] = users as [TestUser, TestUser]
    room = createRoom({ name: 'secret-project-room', relays: [relayAddr], identity: alice.identity, rooms: alice.rooms })
    acceptInvite(issueInvite(room, alice.identity).code, room.roomId, bob.rooms)
    for (const [user, nick] of [[alice, aliceNick], [bob, 'bob']] as const) {
      const { client, session } = await joinAs(user, room.roomId, nick)
      clients.push(client)
      sessions.push(session)
    }
    bobInbox = collect(sessions[1] as RoomSession, 'message')
    bobRejected = collect(sessions[1] as RoomSession, 'rejected')
    outsider = await startOutsider(relayAddr, (sessions[0] as RoomSession).topic, relay.node)
  })

  after(async () => {
    await outsider?.stop()
    await Promise.all(clients.map(async (c) => { await c.stop() }))
    await relay?.stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  it('receives only ciphertext: no plaintext, nick, room id, name or identity in any byte', async () => {
    const [alice] = users as [TestUser]
    await (sessions[0] as RoomSession).send(secretText)
    await waitFor(() => bobInbox.some((m) => m.text === secretText), 10_000, 'bob to receive the message')
    await waitFor(() => outsider.messages.length >= 1, 10_000, 'the outsider to receive the envelope')
    const all = concatBytes(...outsider.rpcBytes)
    assert.ok(all.length > 0)
    const forbidden: Array<[string, Uint8Array]> = [
      ['plaintext', enc.encode(secretText)],
      ['nick', enc.encode(aliceNick)],
      ['room id (text)', enc.encode(room.roomId)],
      ['room id (bytes)', hexToBytes(room.roomId)],
      ['room name', enc.encode(room.name)],
      ['room secret', room.secret],
      ['sender identity key', alice.identity.publicKey],
      ['sender fingerprint', enc.encode(alice.identity.fingerprint)]
    ]
    for (const [what, bytes] of forbidden) assert.equal(containsBytes(all, bytes), false, `${what} leaked to a non-member`)
  })

  it('what it publishes (garbage, altered replays, wrong-key envelopes) never reaches a member', async () => {
    const [alice] = users as [TestUser]
    const bob = sessions[1] as RoomSession
    const inboxBefore = bobInbox.length
    const rejectedBefore = bobRejected.length
    const captured = outsider.messages[0] as Uint8Array
    const wrongKey = sealMessage({
      roomId: hexToBytes(room.roomId),
      epoch: 0,
      key: randomBytes(32),
      senderSecretKey: alice.identity.secretKey,
      senderPublicKey: alice.identity.publicKey
    }, { seq: 99n, timestamp: BigInt(Date.now()), kind: MessageKind.TEXT, nick: 'x', body: 'injected', index: 1n })
    // The relay's hub drops what is not even a well-formed envelope (it needs no key for
    // that); only the well-formed forgery travels on to the members, who refuse it.
    const malformed = [randomBytes(200), withUnknownField(captured), captured.subarray(0, captured.length - 1), new Uint8Array([0x08, 0x01])]
    for (const data of [...malformed, wrongKey]) await outsider.publish(data)
    await waitFor(() => bobRejected.length - rejectedBefore >= 1, 10_000, 'bob to refuse the wrong-key envelope')
    // The members' own validator refuses the malformed ones too, should a relay forward them.
    for (const data of malformed) assert.equal(bob.validate(data), 'reject')
    // A genuine message sent after the attacks arrives: the relay was not cut off.
    await (sessions[0] as RoomSession).send('still here')
    await waitFor(() => bobInbox.some((m) => m.text === 'still here'), 10_000, 'a genuine message after the attacks')
    const newMessages = bobInbox.slice(inboxBefore).map((m) => m.text)
    assert.deepEqual(newMessages, ['still here'])
    assert.equal(bobInbox.filter((m) => m.text === secretText).length, 1, 'the captured message is shown once')
    assert.deepEqual(bobRejected.slice(rejectedBefore).map((r) => r.reason).slice(0, 1), ['MalformedEnvelopeError'])
  })
})
