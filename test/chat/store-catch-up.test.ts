import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createRoom, issueInvite, acceptInvite, type ChatMessageEvent, type StatusEvent, type CatchupEvent } from '../../src/chat/index.js'
import { hexToBytes } from '../../src/crypto/index.js'
import { SyncResponse, signSyncRequest, topicKeyForRoom } from '../../src/protocol/index.js'
import { createChatNode, requestSync } from '../../src/net/index.js'
import { multiaddr } from '@multiformats/multiaddr'
import { startTestRelay, makeUser, joinAs, removeDir, tempDir, waitFor, collect } from '../helpers/index.js'

/**
 * Offline members converge through the relay's blind store: alice talks while nobody
 * else is online, leaves; bob comes online later and gets everything, in order, once,
 * from the store, and alice's outbox saw the store acknowledge each message. The store
 * holds no plaintext and no room id, and serves nothing without a proof.
 */
describe('catch-up through the relay\'s blind store', () => {
  const cleanup: Array<() => Promise<void> | void> = []
  after(async () => { for (const c of cleanup.reverse()) await c() })

  it('a member who was offline gets what was said while nobody else was online, once each, in order; the sender saw acks', async () => {
    const storeDir = tempDir('cryptochat-store-')
    cleanup.push(() => { removeDir(storeDir) })
    const { relay, addr } = await startTestRelay({ store: { enabled: true, dir: storeDir } })
    cleanup.push(async () => { await relay.stop() })
    const alice = makeUser('alice')
    const bob = makeUser('bob')
    cleanup.push(() => { removeDir(alice.dataDir); removeDir(bob.dataDir) })
    const room = createRoom({ name: 'NAME-CANARY', relays: [addr], identity: alice.identity, rooms: alice.rooms })
    acceptInvite(issueInvite(room, alice.identity).code, room.roomId, bob.rooms)

    const a = await joinAs(alice, room.roomId)
    const statuses = collect<StatusEvent>(a.session, 'status')
    const texts = Array.from({ length: 30 }, (_, i) => `said to an empty room ${i} CANARY-${room.roomId.slice(0, 6)}`)
    for (const text of texts) await a.session.send(text)
    // Only the relay heard them; its store acknowledges each.
    await waitFor(() => texts.every((_, i) => statuses.some((s) => s.index === i + 1 && s.status === 'acked')), 15_000,
      () => `every message acked by the store (${statuses.filter((s) => s.status === 'acked').length} acked)`)
    await a.client.stop()

    const b = await joinAs(bob, room.roomId)
    cleanup.push(async () => { await b.client.stop() })
    const inbox = collect<ChatMessageEvent>(b.session, 'message')
    const catchups = collect<CatchupEvent>(b.session, 'catchup')
    await waitFor(() => texts.every((t) => b.session.history.entries().some((e) => e.body === t)), 15_000,
      () => `bob to get every message from the store (holds ${b.session.history.size})`)
    await waitFor(() => catchups.length > 0, 5000, 'a catchup event')
    assert.equal(catchups[0]?.from, 'store')
    const got = inbox.filter((m) => m.text.startsWith('said to an empty room'))
    assert.deepEqual(got.map((m) => m.text), texts, 'in order, exactly once')
    assert.ok(got.every((m) => m.via === 'catchup' && m.fingerprint === alice.identity.fingerprint))

    // The store's files: ciphertext only. No canary, no room id (hex or raw), no name.
    const canary = Buffer.from(`CANARY-${room.roomId.slice(0, 6)}`)
    const files = readdirSync(storeDir, { recursive: true }).map(String).filter((f) => statSync(join(storeDir, f)).isFile())
    assert.ok(files.length > 0)
    for (const f of files) {
      const bytes = readFileSync(join(storeDir, f))
      assert.equal(bytes.indexOf(canary), -1, `${f} holds plaintext`)
      assert.equal(bytes.indexOf(Buffer.from(room.roomId)), -1, `${f} holds the room id`)
      assert.equal(bytes.indexOf(Buffer.from(hexToBytes(room.roomId))), -1, `${f} holds the raw room id`)
      assert.equal(bytes.indexOf(Buffer.from('NAME-CANARY')), -1, `${f} holds the room name`)
    }
  })

  it('a request without a valid proof gets nothing from the store', async () => {
    const storeDir = tempDir('cryptochat-store-')
    cleanup.push(() => { removeDir(storeDir) })
    const { relay, addr } = await startTestRelay({ store: { enabled: true, dir: storeDir } })
    cleanup.push(async () => { await relay.stop() })
    const alice = makeUser('alice')
    cleanup.push(() => { removeDir(alice.dataDir) })
    const room = createRoom({ name: 'proof', relays: [addr], identity: alice.identity, rooms: alice.rooms })
    const a = await joinAs(alice, room.roomId)
    cleanup.push(async () => { await a.client.stop() })
    const statuses = collect<StatusEvent>(a.session, 'status')
    await a.session.send('kept by the store')
    await waitFor(() => statuses.some((s) => s.status === 'acked'), 15_000, 'the store to hold the message')

    const stranger = await createChatNode()
    cleanup.push(async () => { await stranger.stop() })
    await stranger.dial(multiaddr(addr))
    const relayId = relay.peerId()
    const fetchAll = async (request: ReturnType<typeof signSyncRequest>): Promise<SyncResponse[] | Error> => {
      const frames: SyncResponse[] = []
      try {
        for await (const f of requestSync(stranger, relayId, request)) frames.push(f)
        return frames
      } catch (err: any) {
        return err
      }
    }
    const roomIdBytes = hexToBytes(room.roomId)
    const realKey = topicKeyForRoom(room.secret, roomIdBytes)
    // The right topic, signed by a key that is not the room's: refused.
    const wrongKey = topicKeyForRoom(new Uint8Array(32).fill(7), roomIdBytes)
    const forged = signSyncRequest(wrongKey, stranger.peerId.toString(), relayId, { fetch: true })
    forged.topicKey = realKey.publicKey as Uint8Array<ArrayBuffer>
    const denied = await fetchAll(forged)
    assert.ok(denied instanceof Error && /refused/.test(denied.message), String(denied))
    // A real proof made for another peer (replayed by the stranger): refused too.
    const forAlice = signSyncRequest(realKey, a.client.peerId, relayId, { fetch: true })
    const replayed = await fetchAll(forAlice)
    assert.ok(replayed instanceof Error && /refused/.test(replayed.message), String(replayed))
    // Control: the stranger with the room secret gets the envelope.
    const ok = await fetchAll(signSyncRequest(realKey, stranger.peerId.toString(), relayId, { fetch: true }))
    assert.ok(Array.isArray(ok), String(ok))
    assert.equal(ok.flatMap((f) => f.envelopes).length, 1)
  })
})
