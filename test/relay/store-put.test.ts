/**
 * Who can fill a relay's blind store: only members, by putting their envelopes with a
 * proof that they know the room. An outsider publishing on a room's topic (anyone
 * connected to the relay can learn it) adds nothing; a bad proof puts nothing; rooms made
 * up by the thousand never push out an established room, and one peer creates only a few
 * topics an hour.
 */
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateSigningKeyPair } from '../../src/crypto/index.js'
import { envelopeHash, sealMessage, signSyncRequest, topicKeyForRoom, wire, type SyncRequest } from '../../src/protocol/index.js'
import { requestSync } from '../../src/net/index.js'
import { STORE_NEW_TOPICS_PER_PEER } from '../../src/constants.js'
import { waitFor } from '../helpers/index.js'
import { startOutsider, withUnknownField } from '../helpers/outsider.js'
import { ctxFor, textMessage } from '../protocol/forge.js'
import { makeRoom, randomEnvelope, storeFixture, topicOf, type TestRoom } from './store-peer.js'

describe('what the blind store keeps', () => {
  const fixture = storeFixture('cryptochat-store-put-')
  const { relayWithStore, peer } = fixture
  after(async () => { await fixture.stopAll() })

  /** Envelopes sealed by a member of `room`, as its client would put them. */
  function sealed (room: TestRoom, n: number): Array<Uint8Array<ArrayBuffer>> {
    const alice = generateSigningKeyPair()
    return Array.from({ length: n }, (_, i) => wire(sealMessage(ctxFor(room, alice), textMessage(BigInt(i + 1), `message ${i + 1}`))))
  }

  it('keeps what a member puts, and nothing an outsider publishes on the room\'s topic', async () => {
    const { relay, addr } = await relayWithStore()
    const store = relay.store
    assert.ok(store != null)
    const room = makeRoom()
    const topic = topicOf(room)
    const member = await peer(addr)
    const put = sealed(room, 3)
    assert.deepEqual(await member.put(room, put), [true, true, true])
    assert.deepEqual(store.read(topic, 0n, 100).map((e) => e.data), put)

    // Held already (true), not an envelope (false), not in canonical form (false).
    assert.deepEqual(await member.put(room, [put[0] as Uint8Array, new Uint8Array([1, 2, 3]), withUnknownField(put[1] as Uint8Array)]), [true, false, false])
    const before = store.stats()
    assert.deepEqual(before, { topics: 1, envelopes: 3, bytes: before.bytes })

    // An outsider knows the topic (it is on the wire) and floods it with well-formed
    // envelopes; the hub forwards them (a listener hears every one), the store keeps none.
    const outsider = await startOutsider(addr, topic, relay.node)
    fixture.track(outsider)
    const listener = await startOutsider(addr, topic, relay.node)
    fixture.track(listener)
    const flood = Array.from({ length: 50 }, () => randomEnvelope(200))
    for (const envelope of flood) await outsider.publish(envelope)
    await waitFor(() => listener.messages.length >= flood.length, 10_000, () => `the listener to hear the flood (${listener.messages.length})`)
    assert.deepEqual(store.stats(), before)
    assert.deepEqual(store.read(topic, 0n, 100).map((e) => e.data), put)
    assert.ok(store.has(topic, flood.map(envelopeHash)).every((held) => !held))
  })

  it('keeps nothing from a put whose proof does not verify', async () => {
    const { relay, addr } = await relayWithStore()
    const store = relay.store
    assert.ok(store != null)
    const room = makeRoom()
    const stranger = await peer(addr)
    const relayId = relay.peerId()
    const envelopes = sealed(room, 2)
    const send = async (request: SyncRequest): Promise<Error | undefined> => {
      try {
        for await (const _ of requestSync(stranger.node, relayId, request)) {}
      } catch (err: any) {
        return err
      }
    }
    const realKey = topicKeyForRoom(room.secret, room.roomId)
    // The room's topic key, but signed with another key.
    const forged = signSyncRequest(topicKeyForRoom(makeRoom().secret, room.roomId), stranger.peerId, relayId, { put: envelopes })
    forged.topicKey = realKey.publicKey as Uint8Array<ArrayBuffer>
    assert.match(String(await send(forged)), /refused/)
    // A real proof, made for another requester (replayed): refused too.
    const replayed = signSyncRequest(realKey, relayId, relayId, { put: envelopes })
    assert.match(String(await send(replayed)), /refused/)
    // Stale: made 20 minutes ago.
    const stale = signSyncRequest(realKey, stranger.peerId, relayId, { put: envelopes }, Date.now() - 20 * 60_000)
    assert.match(String(await send(stale)), /refused/)
    assert.deepEqual(store.stats(), { topics: 0, envelopes: 0, bytes: 0 })
    assert.equal(store.holds(topicOf(room)), false)
  })

  it('lets no made-up room push out an established one: past maxTopics new topics are refused', async () => {
    // The per-peer quotas lifted, so that one peer can make up rooms by the thousand.
    const { relay, addr } = await relayWithStore({ newTopicsPerPeer: 10_000, requestBurst: 10_000, requestsPerSecond: 10_000 })
    const store = relay.store
    assert.ok(store != null)
    const maxTopics = relay.config.store.maxTopics
    const room = makeRoom()
    const member = await peer(addr)
    const history = sealed(room, 5)
    assert.deepEqual(await member.put(room, history), [true, true, true, true, true])

    const attacker = await peer(addr)
    const madeUp = Array.from({ length: 1100 }, () => makeRoom())
    const answers: boolean[] = new Array(madeUp.length)
    // A few requests at a time, in order of the array, so that which ones got a slot is known.
    for (let i = 0; i < madeUp.length; i += 8) {
      const batch = madeUp.slice(i, i + 8)
      const got = await Promise.all(batch.map(async (r) => await attacker.put(r, [randomEnvelope(60)])))
      got.forEach((bits, j) => { answers[i + j] = bits[0] as boolean })
    }
    assert.equal(answers.filter(Boolean).length, maxTopics - 1, 'every free slot was taken, and no more')
    assert.equal(store.stats().topics, maxTopics)
    assert.deepEqual(store.read(topicOf(room), 0n, 100).map((e) => e.data), history, 'the established room lost nothing')
    // The room keeps taking its members' envelopes; made-up rooms that got a slot too.
    assert.deepEqual(await member.put(room, sealed(room, 1)), [true])
    const seated = madeUp[answers.indexOf(true)] as TestRoom
    assert.deepEqual(await attacker.put(seated, [randomEnvelope(60)]), [true])
    assert.deepEqual(await attacker.put(madeUp[answers.lastIndexOf(false)] as TestRoom, [randomEnvelope(60)]), [false])
  })

  it('lets one peer create a few topics an hour; puts to held topics, and other peers, are not held back', async () => {
    const { relay, addr } = await relayWithStore()
    const store = relay.store
    assert.ok(store != null)
    const quota = relay.config.store.newTopicsPerPeer
    assert.equal(quota, STORE_NEW_TOPICS_PER_PEER)
    const greedy = await peer(addr)
    // A put that keeps nothing creates no topic, and costs none of the quota.
    const empty = makeRoom()
    assert.deepEqual(await greedy.put(empty, [new Uint8Array([0xff])]), [false])
    const rooms = Array.from({ length: quota + 1 }, () => makeRoom())
    const answers = []
    for (const r of rooms) answers.push((await greedy.put(r, [randomEnvelope()]))[0])
    assert.deepEqual(answers, [...new Array(quota).fill(true), false])
    assert.equal(store.stats().topics, quota)
    assert.equal(store.holds(topicOf(rooms[quota] as TestRoom)), false)
    assert.deepEqual(await greedy.put(rooms[0] as TestRoom, [randomEnvelope(), randomEnvelope()]), [true, true], 'a held topic takes more')
    const other = await peer(addr)
    assert.deepEqual(await other.put(rooms[quota] as TestRoom, [randomEnvelope()]), [true], 'another peer may still create one')
  })
})
