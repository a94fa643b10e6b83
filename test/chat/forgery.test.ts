import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type RejectedEvent, type RoomSession } from '../../src/chat/index.js'
import { concatBytes, hexToBytes, seal, sign } from '../../src/crypto/index.js'
import { ChatMessage, MessageKind, SignedMessage, encodeEnvelope, envelopeAad, epochZeroKey } from '../../src/protocol/index.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'

/** What a malicious member holding the room key can build: a message naming someone else as sender. */
function forgeAs (victimPublicKey: Uint8Array, forgerSecretKey: Uint8Array, roomId: string, secret: Uint8Array, body: string): Uint8Array {
  const roomIdBytes = hexToBytes(roomId)
  const message = ChatMessage.encode({ sender: victimPublicKey as Uint8Array<ArrayBuffer>, seq: 1000n, timestamp: BigInt(Date.now()), kind: MessageKind.TEXT, nick: 'alice', body, index: 1000n })
  const context = concatBytes(roomIdBytes, new Uint8Array(4), message)
  const signature = sign(forgerSecretKey, 'cryptochat/1/message', context)
  const plaintext = SignedMessage.encode({ message, signature: signature as Uint8Array<ArrayBuffer> })
  const { nonce, ciphertext } = seal(epochZeroKey(secret, roomIdBytes), envelopeAad(roomIdBytes, 0), plaintext)
  return encodeEnvelope({ version: 1, epoch: 0, nonce: nonce as Uint8Array<ArrayBuffer>, ciphertext: ciphertext as Uint8Array<ArrayBuffer> })
}

describe('a member forging another member\'s identity', () => {
  let relay: Relay
  const users: TestUser[] = []
  const clients: ChatClient[] = []
  const sessions: RoomSession[] = []

  before(async () => {
    const started = await startTestRelay()
    relay = started.relay
    users.push(makeUser('alice'), makeUser('bob'), makeUser('mallory'))
    const [alice] = users as [TestUser]
    const room = createRoom({ name: 'r', relays: [started.addr], identity: alice.identity, rooms: alice.rooms })
    for (const user of users.slice(1)) acceptInvite(issueInvite(room, alice.identity).code, room.roomId, user.rooms)
    for (const user of users) {
      const { client, session } = await joinAs(user, room.roomId)
      clients.push(client)
      sessions.push(session)
    }
  })

  after(async () => {
    await Promise.all(clients.map(async (c) => { await c.stop() }))
    await relay?.stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  it('is rejected: the message never reaches anyone as alice\'s', async () => {
    const [alice, bob, mallory] = users as [TestUser, TestUser, TestUser]
    const bobInbox = collect<ChatMessageEvent>(sessions[1] as RoomSession, 'message')
    const bobRejected = collect<RejectedEvent>(sessions[1] as RoomSession, 'rejected')
    const aliceInbox = collect<ChatMessageEvent>(sessions[0] as RoomSession, 'message')
    const room = bob.rooms.require((sessions[1] as RoomSession).roomId)
    const forged = forgeAs(alice.identity.publicKey, mallory.identity.secretKey, room.roomId, room.secret, 'alice says: send me the keys')
    await (clients[2] as ChatClient).node.services.pubsub.publish((sessions[2] as RoomSession).topic, forged)
    await waitFor(() => bobRejected.some((r) => r.reason === 'ForgedMessageError'), 10_000, 'bob to reject the forgery')
    // Mallory can still speak as herself, and that arrives, attributed to her.
    await (sessions[2] as RoomSession).send('hi, mallory here')
    await waitFor(() => bobInbox.some((m) => m.text === 'hi, mallory here'), 10_000, 'mallory\'s own message')
    assert.equal(bobInbox.find((m) => m.text === 'hi, mallory here')?.fingerprint, mallory.identity.fingerprint)
    assert.equal(bobInbox.some((m) => m.text.includes('send me the keys')), false)
    await waitFor(() => aliceInbox.some((m) => m.text === 'hi, mallory here'), 10_000, 'alice to receive mallory\'s message')
    assert.equal(aliceInbox.some((m) => m.text.includes('send me the keys')), false)
  })
})
