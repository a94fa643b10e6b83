/**
 * The blind store's sync service under load, and what a first read sends: a peer past its
 * request allowance is answered BUSY until its window ends, reads served at once are
 * capped, and a newcomer's first read starts at its `since`.
 */
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { SyncResponse, signSyncRequest, topicKeyForRoom, type SyncQuery, type SyncRequest } from '../../src/protocol/index.js'
import { createBlindStore, type BlindStore } from '../../relay-node/store.js'
import { blindStoreService } from '../../relay-node/store-service.js'
import { waitFor } from '../helpers/index.js'
import { requestSync } from '../../src/net/index.js'
import { makeRoom, randomEnvelope, storeFixture, topicOf, type TestRoom } from './store-peer.js'

/** Whether a request is served (true) or answered BUSY (false); any other failure throws. */
async function served (attempt: Promise<unknown>): Promise<boolean> {
  try {
    await attempt
    return true
  } catch (err: any) {
    if (err?.name === 'SyncBusyError') return false
    throw err
  }
}

/** Resolve once `condition()` resolves true, trying again each time it does not; reject after `timeoutMs`. */
async function eventually (condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('blind store service', () => {
  const fixture = storeFixture('cryptochat-store-service-')
  const { relayWithStore, peer } = fixture
  const stores: BlindStore[] = []
  after(async () => {
    for (const s of stores.splice(0)) s.close()
    await fixture.stopAll()
  })

  it('answers BUSY to a peer past its allowance, and serves it again once its window ends', async () => {
    // 4 requests per 4 s window.
    const { relay, addr } = await relayWithStore({ requestBurst: 4, requestsPerSecond: 1 })
    const room = makeRoom()
    const eager = await peer(addr)
    const burst = await Promise.all(Array.from({ length: 7 }, async () => await served(eager.request(room, { have: [] }))))
    assert.equal(burst.filter(Boolean).length, 4, JSON.stringify(burst))
    // Puts count too: refused without being kept.
    assert.equal(await served(eager.put(room, [randomEnvelope()])), false)
    assert.equal(relay.store?.holds(topicOf(room)), false)
    // Another peer has its own allowance.
    const calm = await peer(addr)
    assert.deepEqual(await calm.put(room, [randomEnvelope()]), [true])
    await eventually(async () => await served(eager.request(room, { have: [] })), 15_000, 'the eager peer to be served again')
    assert.deepEqual(await eager.put(room, [randomEnvelope()]), [true])
  })

  it('checks only so many proofs per peer: past that, even forged requests are answered BUSY unchecked', async () => {
    const { relay, addr } = await relayWithStore()
    const mallory = await peer(addr)
    const relayId = relay.peerId()
    const forged = (): SyncRequest => {
      const room = makeRoom()
      // Signed by one room's key, claiming another's: the proof does not verify.
      return { ...signSyncRequest(topicKeyForRoom(room.secret, room.roomId), mallory.peerId, relayId, { fetch: true }), topicKey: topicKeyForRoom(makeRoom().secret, room.roomId).publicKey as Uint8Array<ArrayBuffer> }
    }
    const outcomes: string[] = []
    for (let i = 0; i < 60; i++) {
      try {
        for await (const _ of requestSync(mallory.node, relayId, forged())) {}
        outcomes.push('served')
      } catch (err: any) {
        outcomes.push(err.name === 'SyncBusyError' ? 'busy' : /refused/.test(err.message) ? 'refused' : err.message)
      }
    }
    assert.ok(!outcomes.includes('served'), 'a forged proof is never served')
    assert.ok(outcomes.slice(0, 20).every((o) => o === 'refused'), `the first ones are checked and refused: ${outcomes.join(',')}`)
    assert.ok(outcomes.slice(-5).every((o) => o === 'busy'), `past the allowance, busy without a check: ${outcomes.join(',')}`)
  })

  it('caps the reads served at once, from all peers; queries and puts are not reads', async () => {
    const store = createBlindStore({ dir: fixture.dir('reads') })
    stores.push(store)
    const room = makeRoom()
    const topic = topicOf(room)
    for (let i = 0; i < 250; i++) store.put(topic, randomEnvelope())
    const serve = blindStoreService(store, { maxConcurrentReads: 2 })
    const request = (query: Partial<SyncQuery>): SyncRequest => signSyncRequest(topicKeyForRoom(room.secret, room.roomId), 'requester', 'relay', query)
    const start = (peerId: string, query: Partial<SyncQuery>): AsyncIterator<SyncResponse> => {
      const frames = serve(topic, request(query), peerId)
      assert.ok(frames != null)
      return frames[Symbol.asyncIterator]()
    }
    const first = async (peerId: string, query: Partial<SyncQuery> = { fetch: true }): Promise<SyncResponse> => (await start(peerId, query).next()).value

    // Two reads under way (each has sent its first frame and waits for the reader).
    const a = start('a', { fetch: true })
    assert.equal((await a.next()).value.envelopes.length, 100)
    const b = start('b', { fetch: true })
    assert.equal((await b.next()).value.status, SyncResponse.Status.OK)
    const busy = await first('c')
    assert.deepEqual({ status: busy.status, done: busy.done, envelopes: busy.envelopes.length }, { status: SyncResponse.Status.BUSY, done: true, envelopes: 0 })
    assert.equal((await first('c', { have: [] })).status, SyncResponse.Status.OK, 'a query is not a read')
    assert.equal((await first('c', { put: [randomEnvelope()] })).status, SyncResponse.Status.OK, 'nor is a put')
    // One read ends (here: its reader stops early): a slot is free again.
    await a.return?.(undefined)
    assert.equal((await first('c')).status, SyncResponse.Status.OK)
    assert.equal(serve('/cryptochat/1/meet/' + 'a'.repeat(64), request({ fetch: true }), 'c'), undefined, 'not a chat topic')
  })

  it('starts a first read at `since`: the first envelope received at or after it', async () => {
    const { relay, addr } = await relayWithStore()
    const store = relay.store as BlindStore
    const room: TestRoom = makeRoom()
    const topic = topicOf(room)
    const member = await peer(addr)
    const older = [randomEnvelope(), randomEnvelope()]
    assert.deepEqual(await member.put(room, older), [true, true])
    const kept = store.read(topic, 0n, 10)
    const lastOld = kept[kept.length - 1]?.receivedAt as number
    await waitFor(() => Date.now() > lastOld, 1000, 'the relay\'s clock to move on')
    const since = Date.now()
    const newer = [randomEnvelope(), randomEnvelope()]
    assert.deepEqual(await member.put(room, newer), [true, true])

    assert.deepEqual((await member.fetch(room, { since: BigInt(since) })).envelopes, newer)
    assert.deepEqual((await member.fetch(room)).envelopes, [...older, ...newer], 'no since: everything')
    const future = await member.fetch(room, { since: BigInt(since + 60_000) })
    assert.deepEqual(future, { envelopes: [], cursor: store.latest(topic) }, 'nothing yet, and a cursor to go on from')
    // `since` only places a first read: a read after a cursor goes on from that cursor.
    assert.deepEqual((await member.fetch(room, { after: kept[0]?.cursor, since: BigInt(since) })).envelopes, [older[1], ...newer])
  })
})
