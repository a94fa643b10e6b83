/**
 * `join --plain`, the line-based chat, end to end with real processes: what you type is
 * sent, what others say is printed as `[time] <nick~fp> text`, a message sent with nobody
 * reachable is said to be pending, and the members met are remembered for `verify`.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs, waitFor } from '../helpers/index.js'
import { Procs, startRelay } from './procs.js'

describe('line mode (real processes)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-plain-')

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('alice in --plain and bob headless talk; bob is remembered; /quit leaves cleanly', async () => {
    const relay = await startRelay(procs, dirs.make('relay'))
    const aliceDir = dirs.make('alice')
    const created = await procs.run('cryptochat', ['create', 'plain room', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    const room = created.lines[0] as { roomId: string, invite: string }
    const alice = procs.spawn('cryptochat', ['join', room.roomId, '--plain', '--data-dir', aliceDir], 'alice')
    await waitFor(() => alice.stdout.includes("Joined 'plain room' as alice"), 20_000, 'alice joined')
    const bob = procs.spawn('cryptochat', ['join', room.roomId, '--invite', room.invite, '--nick', 'bob', '--json', '--data-dir', dirs.make('bob')], 'bob')
    const ready = await bob.waitForLine((l) => l.type === 'ready', 20_000, "bob's ready")
    await waitFor(() => /-- bob~[0-9a-f]{8} joined/.test(alice.stdout), 15_000, () => `bob's arrival at alice (${alice.stdout})`)

    alice.writeLine('hello from the plain side')
    await bob.waitForLine((l) => l.type === 'message' && l.text === 'hello from the plain side', 15_000, "alice's line at bob")
    bob.writeLine('hi alice')
    const fp = String(ready.fingerprint).slice(0, 8)
    await waitFor(() => new RegExp(`\\[\\d\\d:\\d\\d\\] <bob~${fp}> hi alice`).test(alice.stdout), 15_000, () => `bob's line at alice (${alice.stdout})`)

    alice.writeLine('/quit')
    const exit = await alice.waitForExit()
    assert.equal(exit.code, 0, alice.stderr)
    assert.ok(existsSync(join(aliceDir, 'seen.json')), 'the members met are remembered for `cryptochat verify`')
    const seen = await procs.run('cryptochat', ['verify', String(ready.fingerprint).slice(0, 12), '--json', '--yes', '--data-dir', aliceDir])
    assert.equal(seen.code, 0, seen.stderr)
  })
})
