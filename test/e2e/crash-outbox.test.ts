/**
 * Nothing lost to a crash, end to end with real processes: a headless client is killed
 * (SIGKILL) while it sends 1,000 messages. Every message it reported as written is, after
 * a restart, delivered to the other member or still pending (then sent); none is lost,
 * shown twice or corrupted; the history file passes its check. A torn history tail is
 * detected, moved aside, and the rest kept.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, statSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../helpers/index.js'
import { Procs, startRelay, hasStackTrace, type Proc } from './procs.js'

const COUNT = 1000

describe('a client killed while sending (real processes)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-crash-')

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('after kill -9 mid-burst, every message reported written is delivered exactly once or still pending, and the history checks', async () => {
    const relay = await startRelay(procs, dirs.make('relay'))
    const aliceDir = dirs.make('alice')
    const bobDir = dirs.make('bob')
    const created = await procs.run('cryptochat', ['create', 'crash room', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    const room = created.lines[0] as { roomId: string, invite: string }

    const joinAlice = (): Proc => procs.spawn('cryptochat', ['join', room.roomId, '--json', '--data-dir', aliceDir], 'alice')
    let alice = joinAlice()
    await alice.waitForLine((l) => l.type === 'ready', 20_000, "alice's ready")
    const bob = procs.spawn('cryptochat', ['join', room.roomId, '--invite', room.invite, '--nick', 'bob', '--json', '--data-dir', bobDir], 'bob')
    await bob.waitForLine((l) => l.type === 'ready', 20_000, "bob's ready")
    await alice.waitForLine((l) => l.type === 'member' && l.nick === 'bob', 15_000, 'alice to hear bob')

    // The whole burst at once on stdin; kill as soon as a few hundred are written.
    for (let i = 0; i < COUNT; i++) alice.writeLine(`burst ${i}`)
    const written = (p: Proc): Array<{ index: number, text: string }> =>
      p.lines.filter((l) => l.type === 'message' && l.self === true).map((l) => ({ index: l.index as number, text: l.text as string }))
    await alice.waitForLine(() => written(alice).length >= 300, 30_000, '300 messages written')
    alice.kill('SIGKILL')
    await alice.waitForExit()
    const reported = written(alice)
    assert.ok(reported.length >= 300 && reported.length < COUNT, `killed mid-burst (${reported.length} written)`)
    // Numbered 1, 2, 3... in the order written, each with its own text.
    reported.forEach((m, i) => { assert.equal(m.index, i + 1); assert.equal(m.text, `burst ${i}`) })

    const check = await procs.run('cryptochat', ['history', room.roomId, '--check', '--json', '--data-dir', aliceDir])
    assert.equal(check.code, 0, check.stderr)
    assert.equal(check.lines[0]?.ok, true)

    // Back up: what was pending goes out (status events), and bob ends up with each exactly once.
    alice = joinAlice()
    const ready = await alice.waitForLine((l) => l.type === 'ready', 20_000, "alice's ready after the crash")
    const unacked = ready.unacknowledged as number[]
    assert.ok(Array.isArray(unacked))
    const wanted = new Set(reported.map((m) => m.text))
    const atBob = (): string[] => bob.lines.filter((l) => l.type === 'message' && l.self === false).map((l) => l.text as string)
    await bob.waitForLine(() => [...wanted].every((t) => atBob().includes(t)), 30_000, 'bob to hold every message alice reported written')
    const texts = atBob().filter((t) => t.startsWith('burst '))
    assert.equal(new Set(texts).size, texts.length, 'no message shown twice at bob')
    // Nothing beyond what was written either (the kill stopped the rest), and nothing garbled.
    for (const t of texts) assert.match(t, /^burst \d+$/)

    // Alice's outbox drains: each pending message is acknowledged once bob holds it.
    await alice.waitForLine(() => unacked.every((i) => alice.lines.some((l) => l.type === 'status' && l.status === 'acked' && l.index === i)), 30_000, 'every pending message acked')
    alice.endStdin()
    await alice.waitForExit()
    const listed = await procs.run('cryptochat', ['history', room.roomId, '--json', '--limit', String(COUNT), '--data-dir', aliceDir])
    assert.equal(listed.code, 0, listed.stderr)
    const mine = listed.lines.filter((l) => l.self === true)
    assert.ok(mine.length >= reported.length, `alice's history keeps what she wrote (${mine.length} of ${reported.length})`)
    assert.ok(reported.every((m) => mine.some((l) => l.index === m.index && l.text === m.text && l.status === 'acked')), 'each reported message is in history, acked')
  })

  test('a torn history tail is reported by --check, then moved aside on open and the rest kept', async () => {
    const relay = await startRelay(procs, dirs.make('relay2'), [], 'relay2')
    const dir = dirs.make('carol')
    const created = await procs.run('cryptochat', ['create', 'torn', '--relay', relay.addr, '--json', '--data-dir', dir])
    assert.equal(created.code, 0, created.stderr)
    const roomId = (created.lines[0] as { roomId: string }).roomId
    let carol = procs.spawn('cryptochat', ['join', roomId, '--json', '--data-dir', dir], 'carol')
    await carol.waitForLine((l) => l.type === 'ready', 20_000, "carol's ready")
    for (let i = 0; i < 10; i++) carol.writeLine(`line ${i}`)
    await carol.waitForLine(() => carol.lines.filter((l) => l.type === 'message' && l.self === true).length === 10, 15_000, '10 written')
    carol.endStdin()
    assert.equal((await carol.waitForExit()).code, 0)

    // Cut the last record in half, as a torn write would.
    const roomDir = join(dir, 'rooms', roomId)
    const log = join(roomDir, 'history.log')
    truncateSync(log, statSync(log).size - 20)
    const check = await procs.run('cryptochat', ['history', roomId, '--check', '--data-dir', dir])
    assert.equal(check.code, 3, 'a damaged history is a storage error')
    assert.match(check.stderr, /damaged from byte \d+/)
    assert.ok(!hasStackTrace(check.stderr), check.stderr)
    // Reading still shows the intact part.
    const listed = await procs.run('cryptochat', ['history', roomId, '--json', '--data-dir', dir])
    assert.deepEqual(listed.lines.map((l) => l.text), Array.from({ length: 9 }, (_, i) => `line ${i}`))

    // Opening the room repairs: the torn bytes go to a side file, the log checks again.
    carol = procs.spawn('cryptochat', ['join', roomId, '--json', '--data-dir', dir], 'carol')
    await carol.waitForLine((l) => l.type === 'ready', 20_000, "carol's ready after the tear")
    carol.endStdin()
    await carol.waitForExit()
    assert.ok(readdirSync(roomDir).some((f) => f.startsWith('history.log.damaged-')), 'the damaged tail was kept aside')
    const again = await procs.run('cryptochat', ['history', roomId, '--check', '--json', '--data-dir', dir])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.lines[0]?.ok, true)
  })
})
