/**
 * The blind store end to end, as a user runs it: `cryptochat-relay start --store`; alice
 * pipes three lines into `join --json` and exits at once (nobody else online); bob joins
 * later and gets all three from the store, in order, marked as caught up, and `history`
 * lists them. Alice's messages were acknowledged by the store before she left.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { tempDirs } from '../helpers/index.js'
import { Procs, startRelay } from './procs.js'

describe('relay store with real processes', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-e2e-store-')

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('a member who sends and leaves at once is still heard later, through the store', async () => {
    const relay = await startRelay(procs, dirs.make('relay'), ['--store'])
    assert.equal(relay.listening.store, true)
    const aliceDir = dirs.make('alice')
    const bobDir = dirs.make('bob')
    const created = await procs.run('cryptochat', ['create', 'stored', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    const room = created.lines[0] as { roomId: string, invite: string }

    const alice = procs.spawn('cryptochat', ['join', room.roomId, '--json', '--data-dir', aliceDir], 'alice')
    await alice.waitForLine((l) => l.type === 'ready', 20_000, "alice's ready")
    for (const text of ['one', 'two', 'three']) alice.writeLine(text)
    alice.endStdin()
    assert.equal((await alice.waitForExit()).code, 0, alice.stderr)
    const acked = alice.lines.filter((l) => l.type === 'status' && l.status === 'acked')
    assert.deepEqual(acked.map((l) => l.index).sort(), [1, 2, 3], 'each message acknowledged before alice left')
    assert.ok(acked.every((l) => l.ackedBy === 'store'))

    const bob = procs.spawn('cryptochat', ['join', room.roomId, '--invite', room.invite, '--nick', 'bob', '--json', '--data-dir', bobDir], 'bob')
    const caught = await bob.waitForLine((l) => l.type === 'catchup', 20_000, "bob's catch-up")
    assert.equal(caught.from, 'store')
    assert.equal(caught.count, 3)
    const got = bob.lines.filter((l) => l.type === 'message' && l.self === false)
    assert.deepEqual(got.map((l) => l.text), ['one', 'two', 'three'])
    assert.ok(got.every((l) => l.via === 'catchup' && l.nick === 'alice'))
    bob.endStdin()
    await bob.waitForExit()
    const listed = await procs.run('cryptochat', ['history', room.roomId, '--json', '--data-dir', bobDir])
    assert.deepEqual(listed.lines.map((l) => l.text), ['one', 'two', 'three'])
  })
})
