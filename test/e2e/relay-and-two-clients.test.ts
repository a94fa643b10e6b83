/**
 * End to end, real processes on loopback: a `cryptochat-relay`, a room created by alice,
 * and two headless (`--json`) `cryptochat join` sessions that talk through the relay.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../helpers/index.js'
import { Procs, startRelay } from './procs.js'

describe('relay and two clients (real processes)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-e2e-')
  const dir = dirs.make

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('alice and bob chat through the relay, then leave; the relay stops cleanly', async () => {
    const relayDir = dir('relay')
    const aliceDir = dir('alice')
    const bobDir = dir('bob')
    const relay = await startRelay(procs, relayDir)
    assert.match(relay.peerId, /^12D3KooW/)
    assert.ok(relay.addr.endsWith(`/p2p/${relay.peerId}`), relay.addr)

    // Identities (created on first use) and the room.
    const [idAlice, idBob] = await Promise.all([
      procs.run('cryptochat', ['id', '--json', '--data-dir', aliceDir]),
      procs.run('cryptochat', ['id', '--json', '--data-dir', bobDir])
    ])
    assert.equal(idAlice.code, 0, idAlice.stderr)
    assert.equal(idBob.code, 0, idBob.stderr)
    const fpAlice = idAlice.lines[0]?.fingerprint as string
    const fpBob = idBob.lines[0]?.fingerprint as string
    assert.match(fpAlice, /^[0-9a-f]{16,}$/)
    assert.notEqual(fpAlice, fpBob)

    const created = await procs.run('cryptochat', ['create', 'e2e room', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    const room = created.lines[0] as { roomId: string, invite: string, relays: string[], name: string }
    assert.match(room.roomId, /^[0-9a-f]{32}$/)
    assert.equal(room.name, 'e2e room')
    assert.deepEqual(room.relays, [relay.addr])

    // Alice re-joins the room she created (no invite); once she is in, bob joins with the
    // invite (one after the other, so that alice is there to hear bob's arrival).
    const alice = procs.spawn('cryptochat', ['join', room.roomId, '--json', '--data-dir', aliceDir], 'alice')
    const readyA = await alice.waitForLine((l) => l.type === 'ready', 20_000, "alice's ready")
    const bob = procs.spawn('cryptochat', ['join', room.roomId, '--invite', room.invite, '--nick', 'bob', '--json', '--data-dir', bobDir], 'bob')
    const readyB = await bob.waitForLine((l) => l.type === 'ready', 20_000, "bob's ready")
    assert.equal(readyA.roomId, room.roomId)
    assert.equal(readyA.nick, 'alice')
    assert.equal(readyA.fingerprint, fpAlice)
    assert.equal(readyA.name, 'e2e room')
    assert.equal(readyB.roomId, room.roomId)
    assert.equal(readyB.nick, 'bob')
    assert.equal(readyB.fingerprint, fpBob)
    assert.equal(readyB.name, 'e2e room')
    assert.equal(readyA.topic, readyB.topic)
    // Fresh transport keys: the libp2p peer id is not the identity, and differs per user.
    assert.notEqual(readyA.peerId, readyB.peerId)

    // The relay hub joined the room's opaque topic (and learned nothing more from it).
    const topicJoin = await relay.proc.waitForLine((l) => l.type === 'topic' && l.event === 'join', 10_000, 'topic join')
    assert.equal(topicJoin.topic, readyA.topic)
    assert.ok(!String(topicJoin.topic).includes(room.roomId), 'the topic must not reveal the room id')

    alice.writeLine('hello from alice')
    bob.writeLine('hi alice, bob here')

    const atBob = await bob.waitForLine((l) => l.type === 'message' && l.text === 'hello from alice', 15_000, "alice's message at bob")
    const atAlice = await alice.waitForLine((l) => l.type === 'message' && l.text === 'hi alice, bob here', 15_000, "bob's message at alice")
    assert.equal(atBob.roomId, room.roomId)
    assert.equal(atBob.kind, 'text')
    assert.equal(atBob.nick, 'alice')
    assert.equal(atBob.fingerprint, fpAlice)
    assert.equal(atBob.self, false)
    assert.equal(typeof atBob.ts, 'number')
    assert.equal(typeof atBob.seq, 'number')
    assert.equal(atAlice.nick, 'bob')
    assert.equal(atAlice.fingerprint, fpBob)
    assert.equal(atAlice.self, false)
    assert.equal(atAlice.kind, 'text')

    // Each sees its own message once, marked self (echoed once its publish returns,
    // which may be after the other process has already printed it).
    await alice.waitForLine((l) => l.type === 'message' && l.text === 'hello from alice' && l.self === true, 10_000, "alice's own echo")
    await bob.waitForLine((l) => l.type === 'message' && l.text === 'hi alice, bob here' && l.self === true, 10_000, "bob's own echo")
    const ownA = alice.lines.filter((l) => l.type === 'message' && l.text === 'hello from alice')
    const ownB = bob.lines.filter((l) => l.type === 'message' && l.text === 'hi alice, bob here')
    assert.equal(ownA.length, 1, JSON.stringify(alice.lines))
    assert.equal(ownB.length, 1, JSON.stringify(bob.lines))
    assert.equal(ownA[0]?.self, true)
    assert.equal(ownA[0]?.fingerprint, fpAlice)
    assert.equal(ownA[0]?.nick, 'alice')
    assert.equal(ownB[0]?.self, true)
    assert.equal(ownB[0]?.fingerprint, fpBob)
    assert.equal(ownB[0]?.nick, 'bob')
    // And nobody sees the other's message twice.
    assert.equal(bob.lines.filter((l) => l.type === 'message' && l.text === 'hello from alice').length, 1)

    // Bob's arrival was announced to alice (he joined after her).
    const bobJoined = await alice.waitForLine((l) => l.type === 'member' && l.event === 'join' && l.fingerprint === fpBob, 10_000, "bob's join at alice")
    assert.equal(bobJoined.nick, 'bob')
    assert.equal(bobJoined.self, false)

    // Bob leaves (stdin EOF): he prints left and exits 0; alice hears him go.
    bob.endStdin()
    await bob.waitForLine((l) => l.type === 'left', 15_000, "bob's left")
    assert.equal((await bob.waitForExit(15_000)).code, 0, bob.stderr)
    const bobLeft = await alice.waitForLine((l) => l.type === 'member' && l.event === 'leave' && l.fingerprint === fpBob, 10_000, "bob's leave at alice")
    assert.equal(bobLeft.nick, 'bob')

    alice.endStdin()
    const leftA = await alice.waitForLine((l) => l.type === 'left', 15_000, "alice's left")
    assert.equal(leftA.roomId, room.roomId)
    assert.equal((await alice.waitForExit(15_000)).code, 0, alice.stderr)

    // With --json, stdout carried only JSON lines; nothing failed.
    for (const p of [alice, bob]) {
      assert.deepEqual(p.otherStdout, [], `${p.name} printed non-JSON on stdout`)
      assert.deepEqual(p.lines.filter((l) => l.type === 'error'), [], `${p.name} reported errors`)
    }

    // Bob's data dir now holds the room, with his nick remembered.
    const bobRooms = await procs.run('cryptochat', ['rooms', '--json', '--data-dir', bobDir])
    assert.equal(bobRooms.code, 0, bobRooms.stderr)
    assert.deepEqual((bobRooms.lines[0] as unknown as any[]).map((r) => [r.roomId, r.nick]), [[room.roomId, 'bob']])

    // SIGTERM stops the relay: 'stopped', exit 0.
    relay.proc.kill('SIGTERM')
    assert.deepEqual(await relay.proc.waitForExit(15_000), { code: 0, signal: null }, relay.proc.stderr)
    assert.ok(relay.proc.lines.some((l) => l.type === 'stopped' && l.signal === 'SIGTERM'), relay.proc.stdout)
    assert.deepEqual(relay.proc.otherStdout, [])
  })

  test('the relay key is private (0600) and its peer id survives a restart', async () => {
    const relayDir = dir('relay-key')
    const first = await startRelay(procs, relayDir, ['--no-hub'], 'relay#1')
    assert.equal(first.listening.keyCreated, true)
    assert.equal(first.listening.hub, false)
    const keyFile = join(relayDir, 'relay.key')
    if (process.platform !== 'win32') {
      assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'relay.key must be 0600')
      assert.equal(statSync(relayDir).mode & 0o077, 0, 'the relay data dir must not be open to others')
    }
    first.proc.kill('SIGINT')
    assert.deepEqual(await first.proc.waitForExit(15_000), { code: 0, signal: null }, first.proc.stderr)
    assert.ok(first.proc.lines.some((l) => l.type === 'stopped' && l.signal === 'SIGINT'), first.proc.stdout)

    const second = await startRelay(procs, relayDir, ['--no-hub'], 'relay#2')
    assert.equal(second.listening.keyCreated, false)
    assert.equal(second.peerId, first.peerId)
    if (process.platform !== 'win32') assert.equal(statSync(keyFile).mode & 0o777, 0o600)
    second.proc.kill('SIGTERM')
    assert.deepEqual(await second.proc.waitForExit(15_000), { code: 0, signal: null }, second.proc.stderr)
    assert.ok(second.proc.lines.some((l) => l.type === 'stopped' && l.signal === 'SIGTERM'), second.proc.stdout)
  })
})
