import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRoom, issueInvite, acceptInvite, type ChatClient, type MemberEvent, type RoomSession } from '../../src/chat/index.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'

describe('room membership as heard on the room', () => {
  let relay: Relay
  const users: TestUser[] = []
  const clients: ChatClient[] = []
  const sessions: RoomSession[] = []
  const events: MemberEvent[][] = []

  before(async () => {
    const started = await startTestRelay()
    relay = started.relay
    users.push(makeUser('alice'), makeUser('bob'), makeUser('carol'))
    const [alice] = users as [TestUser]
    const room = createRoom({ name: 'r', relays: [started.addr], identity: alice.identity, rooms: alice.rooms })
    for (const user of users.slice(1)) acceptInvite(issueInvite(room, alice.identity).code, room.roomId, user.rooms)
    // Members arrive one after another: the later ones learn of the earlier ones only
    // from their answers (presence), the earlier ones from the arrival (join).
    for (const user of users) {
      const { client, session } = await joinAs(user, room.roomId, user.name === 'carol' ? 'bob' : user.name)
      clients.push(client)
      sessions.push(session)
      events.push(collect(session, 'member'))
    }
  })

  after(async () => {
    await Promise.all(clients.map(async (c) => { await c.stop() }))
    await relay?.stop()
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  it('every member knows every other, by fingerprint, even with a shared nick', async () => {
    for (const [i, session] of sessions.entries()) {
      await waitFor(() => session.members().length === 3, 10_000, `${users[i]?.name} to know 3 members`)
      assert.deepEqual(session.members().map((m) => m.fingerprint).sort(), users.map((u) => u.identity.fingerprint).sort())
      assert.equal(session.members().filter((m) => m.self).length, 1)
      assert.equal(session.members().filter((m) => m.nick === 'bob').length, 2, 'bob and carol-as-bob stay two members')
    }
    // Carol arrived last: she heard the others' answers, not their arrivals.
    const carolEvents = events[2] as MemberEvent[]
    await waitFor(() => carolEvents.filter((e) => e.event === 'present').length === 2, 10_000, 'carol to hear two answers')
  })

  it('a nick change is announced, shown with the previous nick, and remembered', async () => {
    const [alice, bob] = users as [TestUser, TestUser]
    await (sessions[1] as RoomSession).setNick('robert')
    const aliceEvents = events[0] as MemberEvent[]
    await waitFor(() => aliceEvents.some((e) => e.event === 'nick'), 10_000, 'alice to see the nick change')
    const change = aliceEvents.find((e) => e.event === 'nick')
    assert.equal(change?.nick, 'robert')
    assert.equal(change?.previousNick, 'bob')
    assert.equal(change?.fingerprint, bob.identity.fingerprint)
    assert.equal((sessions[0] as RoomSession).members().find((m) => m.fingerprint === bob.identity.fingerprint)?.nick, 'robert')
    assert.equal(bob.rooms.require((sessions[1] as RoomSession).roomId).nick, 'robert')
    assert.ok(alice)
  })

  it('a departure is announced and the member is removed', async () => {
    const carol = users[2] as TestUser
    await (clients[2] as ChatClient).leaveRoom((sessions[2] as RoomSession).roomId)
    const aliceEvents = events[0] as MemberEvent[]
    await waitFor(() => aliceEvents.some((e) => e.event === 'leave' && e.fingerprint === carol.identity.fingerprint), 10_000, 'alice to see carol leave')
    assert.equal((sessions[0] as RoomSession).members().length, 2)
  })

  it('members connect to each other directly; the status of a room tells relay and mesh', async () => {
    const roomId = (sessions[0] as RoomSession).roomId
    // On loopback everyone can reach everyone: alice and bob (carol left) link directly.
    // A link that the mesh dropped when carol left is grafted again on a later heartbeat or
    // redial (with backoff): on a loaded 2-core CI machine that took over 10 s once.
    await waitFor(() => (clients[0] as ChatClient).roomStatus(roomId)?.direct === 1, 30_000, 'a direct link from alice to bob')
    assert.deepEqual((clients[0] as ChatClient).roomStatus(roomId), { relaysUp: 1, relaysTotal: 1, direct: 1, relayed: 0, viaHub: true })
  })
})
