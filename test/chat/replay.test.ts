import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type RejectedEvent, type RoomSession } from '../../src/chat/index.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'
import { startOutsider, type Outsider } from '../helpers/outsider.js'

describe('replay protection', () => {
  const cleanup: Array<() => Promise<void>> = []
  const users: TestUser[] = []

  after(async () => {
    for (const stop of cleanup.reverse()) await stop().catch(() => {})
    users.forEach((u) => { removeDir(u.dataDir) })
  })

  async function joined (user: TestUser, roomId: string, nick: string): Promise<{ client: ChatClient, session: RoomSession, inbox: ChatMessageEvent[], rejected: RejectedEvent[] }> {
    const { client, session } = await joinAs(user, roomId, nick)
    cleanup.push(async () => { await client.stop() })
    return { client, session, inbox: collect(session, 'message'), rejected: collect(session, 'rejected') }
  }

  it('a captured envelope replayed byte for byte is shown once, also after the receiver restarts', async () => {
    const first = await startTestRelay()
    let relay: Relay = first.relay
    cleanup.push(async () => { await relay.stop() })
    const alice = makeUser('alice')
    const bob = makeUser('bob')
    users.push(alice, bob)
    const room = createRoom({ name: 'r', relays: [first.addr], identity: alice.identity, rooms: alice.rooms })
    acceptInvite(issueInvite(room, alice.identity).code, room.roomId, bob.rooms)

    const a = await joined(alice, room.roomId, 'alice')
    let b = await joined(bob, room.roomId, 'bob')
    let outsider: Outsider = await startOutsider(first.addr, a.session.topic, relay.node)
    cleanup.push(async () => { await outsider.stop() })

    await a.session.send('pay bob 10 coins')
    await waitFor(() => b.inbox.some((m) => m.text === 'pay bob 10 coins'), 10_000, 'bob to receive the message')
    await waitFor(() => outsider.messages.length >= 1, 10_000, 'the outsider to capture the envelope')
    const captured = outsider.messages[0] as Uint8Array

    // Restart everything that has a seen-cache (bob, the relay, the attacker), so only
    // bob's persisted replay window stands between the replay and his screen.
    await b.client.stop()
    await outsider.stop()
    await a.client.stop()
    await relay.stop()
    const again = await startTestRelay({ listen: [first.addr.replace(/\/p2p\/.*$/, '')] }, first.privateKey)
    relay = again.relay
    assert.equal(again.addr, first.addr, 'the relay came back on the same address and key')
    b = await joined(bob, room.roomId, 'bob')
    outsider = await startOutsider(again.addr, b.session.topic, relay.node)

    await outsider.publish(captured)
    // Bob's history holds the message (DuplicateError), and his replay window its number.
    await waitFor(() => b.rejected.some((r) => r.reason === 'DuplicateError' || r.reason === 'ReplayError'), 10_000, 'bob to refuse the replay')
    assert.equal(b.inbox.filter((m) => m.text === 'pay bob 10 coins').length, 0, 'the replay never reached bob\'s message stream after restart')
  })
})
