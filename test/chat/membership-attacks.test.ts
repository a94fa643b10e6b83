// The attacks of issue 12, each driven through the library the way a modified client
// would drive it: real relays and clients in process, records signed with the attacker's
// own keys, delivered live, through the relay store and through log pulls.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { issueInvite, type RejectedEvent, type RoomSession, type StatusEvent } from '../../src/chat/index.js'
import { bytesToHex, hexToBytes, randomBytes } from '../../src/crypto/index.js'
import { decodeInvite, encodeInvite } from '../../src/invite/index.js'
import { canAdmit, deriveEpoch } from '../../src/membership/index.js'
import { ControlType, InviteGrant, MessageKind, SyncResponse, controlOp, epochCommitment, openMessage, sealMessage, signControl, syncResponse, wire, type ControlOp, type ControlRecord, type SyncRequest } from '../../src/protocol/index.js'
import type { Identity } from '../../src/identity/index.js'
import { collect, removeDir, tempDir, waitFor } from '../helpers/index.js'
import { TestRoom } from '../helpers/room.js'
import { startOutsider } from '../helpers/outsider.js'

const HOUR = 60 * 60_000

/** The JOIN ticket a modified client keeps from an invite code (the honest one drops the seed once it has joined). */
function ticketOf (code: string): { grant: string, signature: string, inviteSeed: string } {
  const invite = decodeInvite(code)
  if (invite.grant == null) throw new Error('invite has no grant')
  return { grant: bytesToHex(InviteGrant.encode(invite.grant.grant)), signature: bytesToHex(invite.grant.signature), inviteSeed: bytesToHex(invite.inviteSeed) }
}

/** `author`'s JOIN record as `session`'s log holds it. */
function joinRecordOf (session: RoomSession, author: string): ControlRecord {
  const applied = session.membership.state.applied.find((s) => s.author === author && s.op.type === 'join')
  assert.ok(applied != null, 'the JOIN is in the log')
  return (session.membership as unknown as { records: Map<string, ControlRecord> }).records.get(applied.id) as ControlRecord
}

/** How many operations in `session`'s log admit `member` (only those answering one of `joins`, record ids, if given). */
function admissions (session: RoomSession, member: string, joins?: Set<string>): number {
  return session.membership.state.applied.filter((s) => s.op.type === 'admit' && s.op.member === member && (joins == null || joins.has(s.op.joinId))).length
}

/** A text message sealed and published in `session`'s current epoch, past the checks of an honest client (which refuses to send once removed). */
async function forgePost (session: RoomSession, identity: Identity, body: string): Promise<void> {
  const epoch = (session as unknown as { current: { epoch: number, key: Uint8Array, topic: string } }).current
  const bytes = sealMessage({ roomId: hexToBytes(session.roomId), epoch: epoch.epoch, key: epoch.key, senderSecretKey: identity.secretKey, senderPublicKey: identity.publicKey },
    { seq: BigInt(Date.now()), timestamp: BigInt(Date.now()), kind: MessageKind.TEXT, nick: 'carol', body, index: 1000n })
  await (session as unknown as { pubsub: { publish: (topic: string, data: Uint8Array) => Promise<unknown> } }).pubsub.publish(epoch.topic, bytes)
}

/** The request to join that `author` has waiting in `session`'s log. */
function waitingJoin (session: RoomSession, author: string): ReturnType<RoomSession['membership']['state']['joinRequests']['get']> {
  return [...session.membership.state.joinRequests.values()].find((r) => r.author === author)
}

/** Sign a JOIN from `ticket` in `session`'s log, dated `at` (a back-dated clock), without sending it. */
function signJoinAt (session: RoomSession, ticket: { grant: string, signature: string, inviteSeed: string }, at: number): ControlRecord {
  const membership = session.membership as unknown as { now: () => number }
  const clock = membership.now
  membership.now = () => at
  try {
    return session.membership.sign(session.membership.joinFields(ticket))
  } finally {
    membership.now = clock
  }
}

/**
 * Sign an operation as a modified client would, past the checks an honest client's own log
 * makes before it signs (next counter of ours, no heads), and send it live.
 */
async function forgeAndSend (session: RoomSession, identity: Identity, fields: Partial<ControlOp>): Promise<void> {
  const self = bytesToHex(identity.publicKey)
  const index = session.membership.lastIndexOf(self) + 1
  const prev = session.membership.idOf(self, index - 1)
  const op = controlOp({ roomId: wire(hexToBytes(session.roomId)), author: wire(identity.publicKey), index: BigInt(index), timestamp: BigInt(Date.now()), ...(prev != null ? { prev: wire(hexToBytes(prev)) } : {}), heads: [], ...fields } as Parameters<typeof controlOp>[0])
  await session.send('', MessageKind.CONTROL, signControl(identity.secretKey, op).bytes).catch(() => {})
}

/** Send a signed record live, then leave it with the relays' stores as well. */
async function sendAndStore (session: RoomSession, record: ControlRecord): Promise<void> {
  await session.send('', MessageKind.CONTROL, record.bytes).catch(() => {})
  await (session as unknown as { putControlToStores: (epoch: number) => Promise<void> }).putControlToStores(session.epoch)
}

/** The answer frames `asker` gets from `peer` for `query`, or the error it ends with. */
async function ask (asker: RoomSession, peer: string, query: Partial<SyncRequest>): Promise<{ frames: SyncResponse[], error?: string }> {
  const frames: SyncResponse[] = []
  try {
    for await (const frame of (asker as unknown as { link: { request: (p: string, q: Partial<SyncRequest>) => AsyncIterable<SyncResponse> } }).link.request(peer, query)) frames.push(frame)
  } catch (err: any) {
    return { frames, error: `${String(err.name)}: ${String(err.message)}` }
  }
  return { frames }
}

describe('a removed member trying to come back (issue 12, attack 1)', () => {
  const r = new TestRoom()
  let leaked = ''
  before(async () => {
    await r.start('alice', ['bob', 'carol'])
    await r.s('alice').remove(r.key('carol'))
    for (const name of ['alice', 'bob']) await waitFor(() => r.s(name).epoch === 1, 10_000, `${name} in epoch 1`)
    // A live invite of bob's that reaches carol (forwarded by someone, or leaked).
    leaked = issueInvite(r.users.get('bob')!.rooms.require(r.room.roomId), r.users.get('bob')!.identity).code
  })
  after(async () => { await r.stop() })

  it('replaying bob\'s grant, or her own kept invite key, or a leaked live invite: nobody admits her, and the next epoch\'s key never reaches her', async () => {
    const carol = r.s('carol')
    const rejected = collect<RejectedEvent>(r.s('bob'), 'rejected')
    // 1. Bob's JOIN as her log holds it: his grant and his invite key's proof, under her name.
    const bobs = joinRecordOf(carol, r.key('bob'))
    await forgeAndSend(carol, r.users.get('carol')!.identity, { type: ControlType.JOIN, inviteId: bobs.op.inviteId, grant: bobs.op.grant, grantSignature: bobs.op.grantSignature, inviteProof: bobs.op.inviteProof })
    await waitFor(() => rejected.some((e) => e.reason === 'ForgedControlError'), 10_000, 'bob to refuse the replayed grant')
    assert.equal(waitingJoin(r.s('bob'), r.key('carol')), undefined, 'a replayed grant is no request to join')
    // 2. Her own invite, whose key she kept: the removal revoked it.
    await carol.control(carol.membership.joinFields(r.tickets.get('carol')!))
    await waitFor(() => r.s('bob').membership.state.refusedJoins.get(r.key('carol')) === 'invite revoked', 10_000, 'bob to refuse her revoked invite')
    // 3. A live invite of bob's: a valid request, which only an owner's explicit readmission could answer.
    await carol.control(carol.membership.joinFields(ticketOf(leaked)))
    const leakedId = decodeInvite(leaked).inviteId
    for (const name of ['alice', 'bob']) {
      await waitFor(() => waitingJoin(r.s(name), r.key('carol'))?.inviteKey.endsWith(leakedId) === true, 10_000, `${name} to hold carol's request`)
      const why = canAdmit(r.s(name).membership.state, r.key(name), waitingJoin(r.s(name), r.key('carol'))!, Date.now())
      assert.match(why ?? '', /removed from the room; only an owner can take them back/, `${name} may not admit her`)
    }
    // Admission works meanwhile: dave, with bob's invite, is let in by bob at once.
    r.accept('dave', leaked)
    await r.open('dave')
    for (const name of ['alice', 'bob']) await waitFor(() => r.s(name).membership.state.members.has(r.key('dave')), 15_000, `${name} to list dave`)
    // Her requests since the removal (all but her first JOIN, as her own log holds them).
    const joins = carol.membership.state.applied.filter((s) => s.author === r.key('carol') && s.op.type === 'join')
    const since = new Set([...joins.slice(1).map((s) => s.id), ...carol.membership.state.joinRequests.keys()])
    assert.ok(since.size >= 1)
    for (const name of ['alice', 'bob', 'dave']) {
      assert.equal(r.s(name).membership.state.members.has(r.key('carol')), false, `${name} lists carol again`)
      assert.equal(admissions(r.s(name), r.key('carol'), since), 0, `an ADMIT of carol since her removal in ${name}'s log`)
    }
    // The owner's next epoch is wrapped for the members only.
    const epoch = await r.s('alice').rekey()
    for (const name of ['bob', 'dave']) await waitFor(() => r.s(name).epoch === epoch, 10_000, `${name} in epoch ${epoch}`)
    await r.s('alice').send('said in the newest epoch')
    await waitFor(() => r.got('bob', 'said in the newest epoch'), 10_000, 'bob to read the newest epoch')
    assert.equal(carol.epoch, 0, 'carol holds no later epoch\'s key')
    assert.equal(carol.membership.epochSecrets().size, 1)
    assert.equal(r.got('carol', 'said in the newest epoch'), false)
  })

  it('with the old key she learns nothing more: her posts are dropped, her "I hold everything" acknowledges nothing, members deny her history and the log past her removal', async () => {
    const carol = r.s('carol')
    const bob = r.s('bob')
    const rejected = collect<RejectedEvent>(bob, 'rejected')
    // Posts in the epoch she held, now closed.
    await assert.rejects(carol.send('carol posts in the old epoch'), { name: 'NotPermittedError' }, 'her own client says she was removed')
    await forgePost(carol, r.users.get('carol')!.identity, 'carol posts in the old epoch')
    await waitFor(() => rejected.some((e) => e.reason === 'NotAMemberError'), 10_000, 'bob to drop her post')
    await r.s('alice').send('alice after carol posted')
    await waitFor(() => r.got('bob', 'alice after carol posted'), 10_000, 'bob to read alice')
    assert.equal(r.got('bob', 'carol posts in the old epoch') || r.got('alice', 'carol posts in the old epoch'), false)
    // She dials them directly, as she did while a member (her client knows their addresses).
    for (const name of ['alice', 'bob']) await r.clients.get('carol')!.node.dial(r.clients.get(name)!.node.getMultiaddrs())
    // History: denied.
    const history = await ask(carol, r.peerId('bob'), { fetch: true, since: 0n })
    assert.match(history.error ?? '', /^SyncRequestError: .* refused the request/, 'bob serves her history')
    assert.equal(history.frames.length, 0)
    // The log: only as it stood when she was removed (no later epoch, no dave).
    const logged = await ask(carol, r.peerId('bob'), { log: true, logHave: [] })
    assert.equal(logged.error, undefined, `asking bob for the log failed: ${logged.error ?? ''}`)
    const ops = logged.frames.flatMap((f) => f.log).map((bytes) => bytes.length)
    assert.ok(ops.length > 0, 'she gets the log as it stood when she left')
    const heldByBob = bob.membership.recordIds().length
    assert.ok(ops.length < heldByBob, 'she got the whole log')
    const theirs = new Set(logged.frames.flatMap((f) => f.log).map((bytes) => bytesToHex(bytes)))
    for (const s of bob.membership.state.applied) {
      if ((s.op.type === 'epoch' && s.op.epoch >= 1) || (s.op.type === 'admit' && s.op.member === r.key('dave'))) {
        const record = (bob.membership as unknown as { records: Map<string, ControlRecord> }).records.get(s.id) as ControlRecord
        assert.equal(theirs.has(bytesToHex(record.bytes)), false, `she got a ${s.op.type} made after her removal`)
      }
    }
    // Acknowledgements: her client answers "I hold all of them". Asked in the current epoch
    // (as outboxes ask) she cannot even answer; asked in the epoch she held, her answer is
    // bound to her identity, which is no member's, and the question is refused.
    const lying = carol as unknown as { serveSync: (request: SyncRequest) => AsyncGenerator<SyncResponse> }
    lying.serveSync = async function * (request: SyncRequest) { yield syncResponse({ have: new Uint8Array(Math.ceil(request.have.length / 8)).fill(255), done: true }) }
    const alice = r.s('alice') as unknown as {
      askPeer: (peer: string, query: Partial<SyncRequest>) => AsyncIterable<SyncResponse>
      linkFor: (epoch: unknown) => { request: (peer: string, query: Partial<SyncRequest>) => AsyncIterable<SyncResponse> }
      fromMember: (frame: SyncResponse) => boolean
      epochs: { get: (epoch: number) => unknown }
    }
    const question = { have: [hexToBytes('00'.repeat(32))] }
    const now = await ask(r.s('alice'), r.peerId('carol'), question)
    assert.match(now.error ?? '', /does not serve this room/, 'carol answered in the current epoch')
    const old: SyncResponse[] = []
    for await (const frame of alice.linkFor(alice.epochs.get(0)).request(r.peerId('carol'), question)) old.push(frame)
    assert.equal(old.length, 1)
    assert.equal(bytesToHex(old[0]!.identity), r.key('carol'), 'her answer is bound to her identity')
    assert.equal(alice.fromMember(old[0]!), false, 'alice would take her answer as a member\'s')
  })
})

describe('back-dated JOINs with an expired and a used-up invite, by the relay store and by log pull (issue 12, attack 2)', () => {
  const r = new TestRoom()
  const storeDir = tempDir('cryptochat-attack-store-')
  before(async () => { await r.start('alice', ['bob'], { store: { enabled: true, dir: storeDir } }) })
  after(async () => {
    await r.stop()
    removeDir(storeDir)
  })

  it('a JOIN dated before its invite expired, or before a --uses 1 invite was taken, never admits: whatever its date, by every path', async () => {
    const owner = r.users.get('alice')!
    const room = owner.rooms.require(r.room.roomId)
    // An invite that expired an hour ago, accepted by mallory while it was valid.
    const issuedAt = Date.now() - 2 * HOUR
    const expired = issueInvite(room, owner.identity, { now: issuedAt, ttlMs: HOUR })
    r.accept('mallory', expired.code, issuedAt + 60_000)
    // A --uses 1 invite: lee takes the seat; trudy holds a leaked copy.
    const single = issueInvite(room, owner.identity, { maxUses: 1, now: issuedAt })
    r.accept('lee', single.code)
    r.accept('trudy', single.code, issuedAt + 60_000)
    await r.open('lee')
    await waitFor(() => r.s('bob').membership.state.members.has(r.key('lee')), 15_000, 'lee admitted')
    // The attackers open the room signing nothing themselves, then sign back-dated JOINs.
    const mallory = await r.openSilently('mallory')
    const trudy = await r.openSilently('trudy')
    const malloryJoin = signJoinAt(mallory, r.tickets.get('mallory')!, issuedAt + 5 * 60_000)
    const trudyJoin = signJoinAt(trudy, r.tickets.get('trudy')!, issuedAt + 5 * 60_000)
    const rejected = collect<RejectedEvent>(r.s('bob'), 'rejected')
    // Live, such a date is refused outright...
    await sendAndStore(mallory, malloryJoin)
    await sendAndStore(trudy, trudyJoin)
    await waitFor(() => rejected.filter((e) => e.reason === 'StaleControlError').length >= 2, 10_000, 'bob to refuse the stale live JOINs')
    // ...so they come through the relay's store, which members read when they return.
    const relayId = r.room.relays[0]!.split('/p2p/')[1]!
    for (const name of ['alice', 'bob']) r.s(name).catchUpFromStore(relayId)
    for (const name of ['alice', 'bob']) {
      await waitFor(() => waitingJoin(r.s(name), r.key('mallory')) != null, 10_000, `${name} to hold mallory's request from the store`)
      await waitFor(() => r.s(name).membership.state.refusedJoins.get(r.key('trudy')) === 'invite used up', 10_000, `${name} to refuse trudy's request`)
    }
    // A member who joins later gets both by log pull, and judges them the same.
    r.accept('dave', issueInvite(room, owner.identity).code)
    const dave = await r.open('dave')
    await waitFor(() => waitingJoin(dave, r.key('mallory')) != null && dave.membership.state.members.has(r.key('dave')), 15_000, 'dave to pull the log with mallory\'s request')
    await waitFor(() => dave.membership.state.refusedJoins.get(r.key('trudy')) === 'invite used up', 10_000, 'dave to refuse trudy')
    for (const name of ['alice', 'bob', 'dave']) {
      const state = r.s(name).membership.state
      assert.equal(canAdmit(state, r.key(name), waitingJoin(r.s(name), r.key('mallory'))!, Date.now()), 'invite expired', `${name} may not admit mallory`)
      assert.equal(state.members.has(r.key('mallory')) || state.members.has(r.key('trudy')), false, `${name} lists an attacker`)
      assert.equal(admissions(r.s(name), r.key('mallory')) + admissions(r.s(name), r.key('trudy')), 0, `an ADMIT of an attacker in ${name}'s log`)
      assert.equal(state.members.has(r.key('lee')), true, `${name} lost lee, who took the seat`)
    }
    // Her own log, pulled by a member (as when she links as if she were one), brings a JOIN
    // only her log holds, dated in the past: taken, and judged like the others.
    const hidden = signJoinAt(mallory, r.tickets.get('mallory')!, issuedAt + 6 * 60_000)
    await (r.s('bob') as unknown as { pullLog: (peer: string) => Promise<void> }).pullLog(r.peerId('mallory'))
    const state = r.s('bob').membership.state
    assert.equal(waitingJoin(r.s('bob'), r.key('mallory'))?.id, hidden.id, 'bob holds her newest request')
    assert.equal(canAdmit(state, r.key('bob'), waitingJoin(r.s('bob'), r.key('mallory'))!, Date.now()), 'invite expired')
    assert.equal(state.members.has(r.key('mallory')), false)
  })
})

describe('a member\'s grant naming an owner\'s invite id (issue 12, attack 3)', () => {
  const r = new TestRoom()
  before(async () => { await r.start('alice', ['bob']) })
  after(async () => { await r.stop() })

  it('is a different invite: it does not use the owner\'s seat, is not recorded as the owner\'s, and fails "owners only"', async () => {
    const alice = r.users.get('alice')!
    const bob = r.users.get('bob')!
    const owners = issueInvite(alice.rooms.require(r.room.roomId), alice.identity, { maxUses: 1 })
    await r.s('alice').control({ type: ControlType.INVITE, inviteId: hexToBytes(owners.inviteId), expiresAt: BigInt(owners.expiresAt), maxUses: 1 })
    await r.s('alice').control({ type: ControlType.POLICY, ownersInvite: true })
    await waitFor(() => r.s('bob').membership.state.ownersInvite, 10_000, 'bob to hear the policy')
    // Bob signs an invite of his own under the owner's invite id.
    const held = bob.rooms.require(r.room.roomId)
    const now = Date.now()
    const forged = encodeInvite({
      roomIdBytes: hexToBytes(held.roomId),
      roomName: held.name,
      epoch: held.epoch,
      roomSecret: held.secret,
      relays: held.relays,
      issuedAt: now,
      expiresAt: owners.expiresAt,
      inviteId: hexToBytes(owners.inviteId),
      maxUses: 1,
      inviteSeed: randomBytes(32),
      genesisCommitment: hexToBytes(held.genesisCommitment!),
      creator: hexToBytes(held.creator!),
      createdAt: held.createdAt ?? 0,
      genesisNonce: hexToBytes(held.genesisNonce!)
    }, bob.identity.secretKey, bob.identity.publicKey)
    r.accept('zed', forged)
    await r.open('zed')
    for (const name of ['alice', 'bob']) {
      await waitFor(() => r.s(name).membership.state.refusedJoins.get(r.key('zed')) === 'inviter may no longer invite', 10_000, `${name} to refuse zed`)
      const invite = [...r.s(name).membership.state.invites.values()].find((i) => i.inviteId === owners.inviteId && i.issuer === r.key('alice'))
      assert.equal(invite?.uses, 0, `${name} counted zed against the owner's invite`)
    }
    // The owner's seat is still there.
    r.accept('wendy', owners.code)
    await r.open('wendy')
    for (const name of ['alice', 'bob']) await waitFor(() => r.s(name).membership.state.members.get(r.key('wendy'))?.addedBy === r.key('alice'), 15_000, `${name} to admit wendy with the owner's invite`)
    assert.equal(r.s('alice').membership.state.members.has(r.key('zed')), false)
  })
})

describe('an inviter\'s secret of its own making, for a later epoch (issue 12, attack 4: a shadow room)', () => {
  const r = new TestRoom()
  after(async () => { await r.stop() })

  it('whoever joins with it sends nothing that its maker can read; a real invite to the same epoch works', async () => {
    await r.start('alice', ['bob'])
    const epoch = await r.s('alice').rekey()
    await waitFor(() => r.s('bob').epoch === epoch, 10_000, 'bob in the new epoch')
    // Bob, a member but no owner, makes up the next epoch's secret, signs an EPOCH record
    // committing to it (members refuse it: he is no owner), and invites vic "to" it.
    const fake = randomBytes(32)
    const roomIdBytes = hexToBytes(r.room.roomId)
    const record = r.s('bob').membership.sign({ type: ControlType.EPOCH, epoch: epoch + 1, commitment: wire(epochCommitment(roomIdBytes, epoch + 1, fake)) })
    const bob = r.users.get('bob')!
    const code = issueInvite(bob.rooms.require(r.room.roomId), bob.identity, { epochSecret: { epoch: epoch + 1, secret: fake, record: record.bytes } }).code
    // He listens where vic will speak: the made-up epoch's topic, with its key.
    const shadow = deriveEpoch(roomIdBytes, epoch + 1, fake)
    const listener = await startOutsider(r.room.relays[0]!, shadow.topic)
    try {
      r.accept('vic', code)
      const vic = await r.open('vic')
      await waitFor(() => listener.messages.length >= 1, 10_000, 'vic\'s JOIN on the shadow topic')
      const statuses = collect<StatusEvent>(vic, 'status')
      await vic.send('the plan, for the room only')
      // Something vic sends after it, on the same topic, shows the plan was not sent before.
      const seen = listener.messages.length
      await vic.send('', MessageKind.CONTROL, joinRecordOf(vic, r.key('vic')).bytes).catch(() => {})
      await waitFor(() => listener.messages.length > seen, 10_000, 'vic\'s later record on the shadow topic')
      const read = listener.messages.map((bytes) => { try { return openMessage(roomIdBytes, (e) => e === shadow.epoch ? shadow.key : undefined, bytes).body } catch { return '' } })
      assert.equal(read.some((body) => body.includes('the plan')), false, 'bob read what vic wrote')
      assert.equal(vic.membership.entryConfirmed(), 'unknown')
      assert.equal(statuses.some((s) => s.status === 'sent' || s.status === 'acked'), false, 'vic\'s message counted as sent')
    } finally {
      await listener.stop()
    }
    // The owner's real invite to the current epoch: the log confirms it, and what is said goes out.
    const owner = r.users.get('alice')!
    r.accept('wes', issueInvite(owner.rooms.require(r.room.roomId), owner.identity, { epochSecret: r.s('alice').membership.inviteEpoch() }).code)
    const wes = await r.open('wes')
    await wes.send('wes, with a real invite')
    await waitFor(() => r.got('bob', 'wes, with a real invite'), 15_000, 'bob to read wes')
    assert.equal(wes.membership.entryConfirmed(), 'ok')
  })
})
