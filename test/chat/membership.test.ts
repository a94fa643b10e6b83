import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type MembershipEvent, type RoomSession } from '../../src/chat/index.js'
import { ControlType, MessageKind } from '../../src/protocol/index.js'
import { bytesToHex, hexToBytes } from '../../src/crypto/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from '../helpers/index.js'
import type { Relay } from '../../relay-node/index.js'
import type { RoomRecord } from '../../src/room/index.js'

describe('membership log in a live room (in-process relay)', () => {
  let relay: Relay
  let addr: string
  let room: RoomRecord
  const users = new Map<string, TestUser>()
  const clients: ChatClient[] = []
  const sessions = new Map<string, RoomSession>()
  const events = new Map<string, MembershipEvent[]>()
  const inboxes = new Map<string, ChatMessageEvent[]>()

  async function join (name: string): Promise<RoomSession> {
    const user = users.get(name) ?? makeUser(name)
    users.set(name, user)
    const { client, session } = await joinAs(user, room.roomId)
    clients.push(client)
    sessions.set(name, session)
    events.set(name, collect<MembershipEvent>(session, 'membership'))
    inboxes.set(name, collect<ChatMessageEvent>(session, 'message'))
    return session
  }

  function invitee (name: string, code: string): void {
    const user = makeUser(name)
    users.set(name, user)
    acceptInvite(code, room.roomId, user.rooms)
  }

  const members = (s: RoomSession): string[] => s.roster().map((m) => m.nick !== '' ? m.nick : m.fingerprint).sort()
  const keyOf = (name: string): string => bytesToHex(users.get(name)!.identity.publicKey)

  before(async () => {
    const started = await startTestRelay()
    relay = started.relay
    addr = started.addr
    const alice = makeUser('alice')
    users.set('alice', alice)
    room = createRoom({ name: 'team', relays: [addr], identity: alice.identity, rooms: alice.rooms })
  })

  after(async () => {
    await Promise.all(clients.map(async (c) => { await c.stop() }))
    await relay?.stop()
    for (const u of users.values()) removeDir(u.dataDir)
  })

  it('the creator is the owner; a newcomer is let in by its invite and listed with who added it', async () => {
    const alice = await join('alice')
    invitee('bob', issueInvite(room, users.get('alice')!.identity).code)
    const bob = await join('bob')
    for (const s of [alice, bob]) {
      await waitFor(() => s.roster().length === 2, 10_000, 'both to list two members')
    }
    const atAlice = alice.roster()
    assert.equal(atAlice.find((m) => m.publicKey === keyOf('alice'))?.role, 'owner')
    const bobEntry = atAlice.find((m) => m.publicKey === keyOf('bob'))
    assert.equal(bobEntry?.role, 'member')
    assert.equal(bobEntry?.addedBy, users.get('alice')!.identity.fingerprint)
    await waitFor(() => events.get('bob')!.some((e) => e.event === 'joined' && e.self), 10_000, 'bob to see himself admitted')
    assert.ok(events.get('alice')!.some((e) => e.event === 'joined' && e.publicKey === keyOf('bob') && e.by === users.get('alice')!.identity.fingerprint))
  })

  it('an exhausted invite (--uses 1, used twice) is refused: the second joiner is told, and its messages are dropped', async () => {
    const once = issueInvite(room, users.get('alice')!.identity, { maxUses: 1 })
    invitee('carol', once.code)
    invitee('dave', once.code)
    const carol = await join('carol')
    await waitFor(() => sessions.get('alice')!.roster().some((m) => m.publicKey === keyOf('carol')), 10_000, 'carol admitted at alice')
    const dave = await join('dave')
    await waitFor(() => events.get('dave')!.some((e) => e.event === 'refused' && e.self), 15_000, () => `dave to be told he is refused (got ${JSON.stringify(events.get('dave'))})`)
    assert.equal(events.get('dave')!.find((e) => e.event === 'refused' && e.self)?.reason, 'invite used up')
    await waitFor(() => events.get('alice')!.some((e) => e.event === 'refused' && e.publicKey === keyOf('dave')), 10_000, 'alice to see dave refused')
    assert.ok(!sessions.get('alice')!.roster().some((m) => m.publicKey === keyOf('dave')))
    // What he says anyway is not shown to members.
    await dave.send('let me in').catch(() => {})
    await carol.send('carol speaking')
    await waitFor(() => inboxes.get('alice')!.some((m) => m.text === 'carol speaking'), 10_000, 'carol\'s message at alice')
    assert.ok(!inboxes.get('alice')!.some((m) => m.text === 'let me in'), 'a refused joiner\'s message was shown')
    assert.equal(inboxes.get('alice')!.find((m) => m.text === 'carol speaking')?.member, true)
  })

  it('a revoked invite is refused, and the revocation reaches members as a signed operation', async () => {
    const inv = issueInvite(room, users.get('alice')!.identity)
    await sessions.get('alice')!.control({ type: ControlType.REVOKE, inviteId: hexToBytes(inv.inviteId) })
    await waitFor(() => events.get('bob')!.some((e) => e.event === 'revoked' && e.inviteId === inv.inviteId), 10_000, 'bob to learn of the revocation')
    invitee('erin', inv.code)
    await join('erin')
    await waitFor(() => events.get('erin')!.some((e) => e.event === 'refused' && e.self), 15_000, 'erin to be told she is refused')
    assert.equal(events.get('erin')!.find((e) => e.event === 'refused' && e.self)?.reason, 'invite revoked')
    assert.equal(sessions.get('bob')!.invites().find((i) => i.inviteId === inv.inviteId)?.status, 'revoked')
  })

  it('a newcomer invited by a member (not the creator) is let in, and its own client agrees', async () => {
    invitee('gwen', issueInvite(room, users.get('bob')!.identity).code)
    await join('gwen')
    await waitFor(() => events.get('gwen')!.some((e) => e.event === 'joined' && e.self), 15_000, () => `gwen admitted (got ${JSON.stringify(events.get('gwen'))})`)
    assert.ok(!events.get('gwen')!.some((e) => e.event === 'refused'), 'gwen was told she was refused')
    assert.equal(sessions.get('gwen')!.roster().find((m) => m.self)?.addedBy, users.get('bob')!.identity.fingerprint)
    // Her first log pull brought the room's past: none of it was told as news.
    assert.ok(!events.get('gwen')!.some((e) => !e.self), JSON.stringify(events.get('gwen')))
  })

  it('someone holding the key but not in the log is shown flagged (member: false), never as a member', async () => {
    // Frank has the room's secret but never sends a JOIN (an invite from an older version, say).
    const frank = makeUser('frank')
    users.set('frank', frank)
    const { room: stored } = acceptInvite(issueInvite(room, users.get('alice')!.identity).code, room.roomId, frank.rooms)
    const { grant: _dropped, ...noGrant } = stored
    frank.rooms.save(noGrant)
    await join('frank')
    await sessions.get('frank')!.send('hello from outside the log')
    await waitFor(() => inboxes.get('alice')!.some((m) => m.text === 'hello from outside the log'), 10_000, 'frank\'s message at alice')
    assert.equal(inboxes.get('alice')!.find((m) => m.text === 'hello from outside the log')?.member, false)
    assert.ok(!sessions.get('alice')!.roster().some((m) => m.publicKey === keyOf('frank')))
  })

  it('a control operation signed by a non-owner changes nothing; one replayed changes nothing', async () => {
    const before = members(sessions.get('alice')!)
    // Bob (a member, not an owner) tries to remove alice and promote himself.
    await sessions.get('bob')!.control({ type: ControlType.REMOVE, member: hexToBytes(keyOf('alice')) })
    await sessions.get('bob')!.control({ type: ControlType.PROMOTE, member: hexToBytes(keyOf('bob')) })
    await waitFor(() => sessions.get('alice')!.membership.state.refused.filter((r) => r.op.author === keyOf('bob')).length >= 2, 10_000, 'alice to refuse bob\'s operations')
    assert.deepEqual(members(sessions.get('alice')!), before)
    assert.equal(sessions.get('alice')!.roster().find((m) => m.publicKey === keyOf('bob'))?.role, 'member')
    // Replaying an owner's earlier operation (same signed bytes) is a duplicate: no change.
    const records = sessions.get('alice')!.membership.recordsExcept(new Set())
    const state = JSON.stringify([...sessions.get('carol')!.membership.state.members.keys()].sort())
    for (const r of records) await sessions.get('bob')!.send('', MessageKind.CONTROL, r).catch(() => {})
    await sessions.get('alice')!.send('after the replay')
    await waitFor(() => inboxes.get('carol')!.some((m) => m.text === 'after the replay'), 10_000, 'a later message at carol')
    assert.equal(JSON.stringify([...sessions.get('carol')!.membership.state.members.keys()].sort()), state)
  })
})
