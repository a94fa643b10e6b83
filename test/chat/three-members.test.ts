import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type RoomSession } from '../../src/chat/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'
import type { Relay } from '../../relay-node/index.js'

describe('three members through an in-process relay', () => {
  let relay: Relay
  const users: TestUser[] = []
  const clients: ChatClient[] = []
  const sessions: RoomSession[] = []
  const inboxes: ChatMessageEvent[][] = []

  before(async () => {
    const started = await startTestRelay()
    relay = started.relay
    for (const name of ['alice', 'bob', 'carol']) users.push(makeUser(name))
    const [alice] = users as [TestUser]
    const room = createRoom({ name: 'team', relays: [started.addr], identity: alice.identity, rooms: alice.rooms })
    for (const user of users) {
      if (user !== alice) acceptInvite(issueInvite(room, alice.identity).code, room.roomId, user.rooms)
      const { client, session } = await joinAs(user, room.roomId)
      clients.push(client)
      sessions.push(session)
      inboxes.push(collect<ChatMessageEvent>(session, 'message'))
    }
  })

  after(async () => {
    await Promise.all(clients.map(async (c) => { await c.stop() }))
    await relay?.stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  it('each member sees the others\' messages with the right nick and fingerprint', async () => {
    // Once everyone has heard everyone (arrivals and answers), every path is up.
    for (const session of sessions) await waitFor(() => session.members().length === 3, 10_000, 'every member to know the others')
    for (const [i, session] of sessions.entries()) await session.send(`hello from ${users[i]?.name}`)
    for (const [i, inbox] of inboxes.entries()) {
      await waitFor(() => inbox.filter((m) => !m.self).length >= 2, 10_000, () => `${users[i]?.name} to receive 2 messages (got: ${JSON.stringify(inbox.map((m) => m.text))})`)
      const others = inbox.filter((m) => !m.self)
      for (const [j, user] of users.entries()) {
        if (j === i) continue
        const msg = others.find((m) => m.text === `hello from ${user.name}`)
        assert.ok(msg, `${users[i]?.name} got ${user.name}'s message`)
        assert.equal(msg.nick, user.name)
        assert.equal(msg.fingerprint, user.identity.fingerprint)
        assert.equal(msg.self, false)
      }
      const own = inbox.filter((m) => m.self)
      assert.equal(own.length, 1)
      assert.equal(own[0]?.fingerprint, users[i]?.identity.fingerprint)
    }
  })
})
