import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createServer } from 'node:net'
import { createRoom, issueInvite, acceptInvite, type ChatMessageEvent } from '../../src/chat/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'

/** A loopback port nothing listens on (bound, then released). */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

describe('an invite whose first relay is dead', () => {
  const stops: Array<() => Promise<void>> = []
  const users: TestUser[] = []
  after(async () => {
    for (const stop of stops.reverse()) await stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  it('still joins through the live one, and members talk', async () => {
    const { relay, addr: live } = await startTestRelay()
    stops.push(async () => { await relay.stop() })
    const deadId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const dead = `/ip4/127.0.0.1/tcp/${await closedPort()}/p2p/${deadId}`
    users.push(makeUser('alice'), makeUser('bob'))
    const [alice, bob] = users as [TestUser, TestUser]
    const room = createRoom({ name: 'r', relays: [dead, live], identity: alice.identity, rooms: alice.rooms })
    const { invite } = acceptInvite(issueInvite(room, alice.identity).code, room.roomId, bob.rooms)
    assert.deepEqual(invite.relays, [dead, live], 'the invite carries both relays, the dead one first')
    const sessions = []
    for (const user of [alice, bob]) {
      const { client, session } = await joinAs(user, room.roomId)
      stops.push(async () => { await client.stop() })
      sessions.push(session)
      assert.equal(client.roomStatus(room.roomId)?.relaysUp, 1)
      assert.equal(client.roomStatus(room.roomId)?.relaysTotal, 2)
    }
    const inbox = collect<ChatMessageEvent>(sessions[1] as any, 'message')
    await sessions[0]?.send('one relay is enough')
    await waitFor(() => inbox.some((m) => m.text === 'one relay is enough'), 10_000, 'bob to receive the message')
  })
})
