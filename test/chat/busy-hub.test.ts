import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { multiaddr } from '@multiformats/multiaddr'
import { createRoom, issueInvite, acceptInvite, type ChatMessageEvent } from '../../src/chat/index.js'
import { createChatNode, type ChatNode } from '../../src/net/index.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'

describe('a relay hub following many rooms', () => {
  const stops: Array<() => Promise<void>> = []
  const users: TestUser[] = []
  after(async () => {
    for (const stop of stops.reverse()) await stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  it('still lets new members join and talk after outsiders fill it with 300 topics', async () => {
    const { relay, addr } = await startTestRelay({ hub: { maxTopicsPerPeer: 100 } })
    stops.push(async () => { await relay.stop() })
    // Three outsiders subscribe to 100 random (well-formed) topics each.
    for (let i = 0; i < 3; i++) {
      const node: ChatNode = await createChatNode()
      stops.push(async () => { await node.stop() })
      await node.dial(multiaddr(addr))
      for (let t = 0; t < 100; t++) node.services.pubsub.subscribe(`/cryptochat/1/${randomBytes(32).toString('hex')}`)
    }
    await waitFor(() => (relay as Relay).hub?.topics().length === 300, 15_000, 'the hub to follow 300 topics')

    users.push(makeUser('alice'), makeUser('bob'))
    const [alice, bob] = users as [TestUser, TestUser]
    const room = createRoom({ name: 'r', relays: [addr], identity: alice.identity, rooms: alice.rooms })
    acceptInvite(issueInvite(room, alice.identity).code, room.roomId, bob.rooms)
    const sessions = []
    for (const user of [alice, bob]) {
      const { client, session } = await joinAs(user, room.roomId)
      stops.push(async () => { await client.stop() })
      sessions.push(session)
    }
    const inbox = collect<ChatMessageEvent>(sessions[1] as any, 'message')
    await sessions[0]?.send('through a busy hub')
    await waitFor(() => inbox.some((m) => m.text === 'through a busy hub'), 10_000, 'bob to receive the message')
    assert.equal(inbox.find((m) => m.text === 'through a busy hub')?.fingerprint, alice.identity.fingerprint)
  })
})
