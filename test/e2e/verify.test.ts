/**
 * Verifying members, end to end with real processes: headless members remember who they
 * meet (seen.json), `cryptochat verify` shows both people the same safety code and marks
 * the identity, `--list` and `unverify` manage the marks, a second key under a verified
 * nick is a `warning` event, and every bad fingerprint is refused with its own message
 * and exit code.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs, waitFor } from '../helpers/index.js'
import { hasStackTrace, Procs, startRelay, type Proc, type RunResult } from './procs.js'

const EXIT = { USAGE: 2, STORAGE: 3, ROOM: 4 }

describe('cryptochat verify (real relay, real members)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-verify-')
  const dir = dirs.make
  let relayAddr = ''
  let room: { roomId: string, invite: string }
  let aliceDir = ''
  let bobDir = ''
  let alice: Proc
  let bob: Proc
  let fp: { alice: string, bob: string }
  const cryptochat = async (args: string[]): Promise<RunResult> => await procs.run('cryptochat', args, 15_000)

  /** One `cryptochat: …` line on stderr, the exit code, and a fatal JSON error with that name. */
  function assertRefused (r: RunResult, code: number, message: RegExp, name: string): void {
    assert.equal(r.code, code, `exit ${String(r.code)}, expected ${code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`)
    assert.equal(hasStackTrace(r.stderr), false, r.stderr)
    const errLines = r.stderr.trim().split('\n')
    assert.equal(errLines.length, 1, r.stderr)
    assert.match(errLines[0] as string, /^cryptochat: /)
    assert.match(r.stderr, message)
    const fatal = r.lines.filter((l) => l.type === 'error')
    assert.equal(fatal.length, 1, r.stdout)
    assert.equal(fatal[0]?.code, name)
  }

  const seenFingerprints = (dataDir: string): string[] => {
    const path = join(dataDir, 'seen.json')
    if (!existsSync(path)) return []
    return (JSON.parse(readFileSync(path, 'utf8')).seen as Array<{ fingerprint: string }>).map((s) => s.fingerprint)
  }

  before(async () => {
    const relay = await startRelay(procs, dir('relay'))
    relayAddr = relay.addr
    aliceDir = dir('alice')
    bobDir = dir('bob')
    const created = await cryptochat(['create', 'team', '--relay', relayAddr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    room = created.lines[0] as any
    bob = procs.spawn('cryptochat', ['join', room.roomId, '--invite', room.invite, '--nick', 'bob', '--json', '--data-dir', bobDir], 'bob')
    await bob.waitForLine((l) => l.type === 'ready', 20_000, 'bob ready')
    alice = procs.spawn('cryptochat', ['join', room.roomId, '--json', '--data-dir', aliceDir], 'alice')
    const ready = await alice.waitForLine((l) => l.type === 'ready', 20_000, 'alice ready')
    const bobReady = bob.lines.find((l) => l.type === 'ready')
    fp = { alice: ready.fingerprint, bob: bobReady?.fingerprint }
    await alice.waitForLine((l) => l.type === 'member' && l.fingerprint === fp.bob, 15_000, 'bob, heard by alice')
    await bob.waitForLine((l) => l.type === 'member' && l.fingerprint === fp.alice, 15_000, 'alice, heard by bob')
  })

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('member events carry the public key and whether it is verified; members are remembered in seen.json (0600)', async () => {
    const heard = await alice.waitForLine((l) => l.type === 'member' && l.fingerprint === fp.bob, 1000, 'bob at alice')
    assert.match(String(heard.publicKey), /^[0-9a-f]{64}$/)
    assert.equal(heard.verified, false)
    await waitFor(() => seenFingerprints(aliceDir).includes(fp.bob), 10_000, 'bob in alice\'s seen.json')
    await waitFor(() => seenFingerprints(bobDir).includes(fp.alice), 10_000, 'alice in bob\'s seen.json')
    assert.equal(statSync(join(aliceDir, 'seen.json')).mode & 0o777, 0o600)
    const seen = JSON.parse(readFileSync(join(aliceDir, 'seen.json'), 'utf8')).seen[0]
    assert.deepEqual(seen.nicks, ['bob'])
    assert.deepEqual(seen.rooms, [room.roomId])
    assert.equal(seen.publicKey, heard.publicKey)
  })

  test('both see the same safety code; without a terminal or --yes nothing is marked; --yes marks', async () => {
    const refused = await cryptochat(['verify', fp.bob.slice(0, 8), '--json', '--data-dir', aliceDir])
    assertRefused(refused, EXIT.USAGE, /no terminal to confirm on: .*--yes/, 'ConfirmationRequiredError')
    assert.equal(refused.lines[0]?.verified, false)
    assert.equal(existsSync(join(aliceDir, 'verified.json')), false, 'nothing marked')

    const a = await cryptochat(['verify', fp.bob.slice(0, 8), '--yes', '--json', '--data-dir', aliceDir])
    assert.equal(a.code, 0, a.stderr)
    const b = await cryptochat(['verify', fp.alice, '--yes', '--json', '--data-dir', bobDir])
    assert.equal(b.code, 0, b.stderr)
    const [av, bv] = [a.lines[0], b.lines[0]] as any[]
    assert.equal(av.type, 'verify')
    assert.equal(av.verified, true)
    assert.equal(av.fingerprint, fp.bob)
    assert.equal(av.yourFingerprint, fp.alice)
    assert.match(av.safetyCode, /^[0-9]{60}$/)
    assert.equal(bv.safetyCode, av.safetyCode, 'the same code on both sides')
    assert.equal(statSync(join(aliceDir, 'verified.json')).mode & 0o777, 0o600)

    // Human form: both fingerprints and the code in groups; a second time says so.
    const again = await cryptochat(['verify', fp.bob, '--data-dir', aliceDir])
    assert.equal(again.code, 0, again.stderr)
    const groups = (av.safetyCode as string).match(/.{5}/g) as string[]
    assert.ok(again.stdout.includes(groups.slice(0, 4).join(' ')), again.stdout)
    assert.ok(again.stdout.includes(fp.alice.slice(0, 4) + ' ' + fp.alice.slice(4, 8)), again.stdout)
    assert.ok(again.stdout.includes(fp.bob.slice(0, 4) + ' ' + fp.bob.slice(4, 8)), again.stdout)
    assert.match(again.stdout, /seen as bob in 1 room/)
    assert.match(again.stdout, /Already verified, on /)
  })

  test('--list lists the verified identities', async () => {
    const list = await cryptochat(['verify', '--list', '--json', '--data-dir', aliceDir])
    assert.equal(list.code, 0, list.stderr)
    const [entries] = list.lines as any[]
    assert.equal(entries.length, 1)
    assert.equal(entries[0].fingerprint, fp.bob)
    assert.deepEqual(entries[0].nicks, ['bob'])
    assert.deepEqual(entries[0].rooms, [room.roomId])
    assert.ok(Math.abs(entries[0].verifiedAt - Date.now()) < 60_000)
    const human = await cryptochat(['verify', '--list', '--data-dir', aliceDir])
    assert.match(human.stdout, new RegExp(`^${fp.bob}  bob  verified `, 'm'))
  })

  test('another key joining under the verified nick: a warning event at alice, never marked verified', async () => {
    const invite = await cryptochat(['invite', room.roomId, '--json', '--data-dir', aliceDir])
    assert.equal(invite.code, 0, invite.stderr)
    const mallory = procs.spawn('cryptochat', ['join', room.roomId, '--invite', (invite.lines[0] as any).invite, '--nick', 'bob', '--json', '--data-dir', dir('mallory')], 'mallory')
    const ready = await mallory.waitForLine((l) => l.type === 'ready', 20_000, 'mallory ready')
    const warning = await alice.waitForLine((l) => l.type === 'warning', 15_000, 'the identity-changed warning at alice')
    assert.equal(warning.code, 'IdentityChangedError')
    assert.equal(warning.roomId, room.roomId)
    assert.equal(warning.nick, 'bob')
    assert.equal(warning.fingerprint, ready.fingerprint)
    assert.equal(warning.verifiedFingerprint, fp.bob)
    assert.match(warning.message, /is not the bob you verified/)
    const member = alice.lines.find((l) => l.type === 'member' && l.fingerprint === ready.fingerprint)
    assert.equal(member?.verified, false)
    // The real bob, still verified, raises nothing.
    bob.writeLine('still me')
    await alice.waitForLine((l) => l.type === 'message' && l.text === 'still me', 10_000, 'bob\'s message')
    assert.equal(alice.lines.filter((l) => l.type === 'warning').length, 1)
    const list = await cryptochat(['verify', '--list', '--json', '--data-dir', aliceDir])
    assert.deepEqual((list.lines[0] as any[]).map((v) => v.fingerprint), [fp.bob])
    mallory.endStdin()
    await mallory.waitForExit()
  })

  test('unverify removes the mark; again, it says nothing changed', async () => {
    const first = await cryptochat(['unverify', fp.bob.slice(0, 10), '--json', '--data-dir', aliceDir])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(first.lines[0], { type: 'unverify', fingerprint: fp.bob, removed: true })
    const second = await cryptochat(['unverify', fp.bob, '--data-dir', aliceDir])
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stdout, /bob \([0-9a-f]{8}\) was not verified; nothing changed/)
    const list = await cryptochat(['verify', '--list', '--json', '--data-dir', aliceDir])
    assert.deepEqual(list.lines[0], [])
  })

  test('bad fingerprints: each its own message and exit code', async () => {
    assertRefused(await cryptochat(['verify', 'xyz', '--json', '--data-dir', aliceDir]), EXIT.USAGE, /"xyz" is not a fingerprint: a fingerprint is 40 hex characters/, 'InvalidFingerprintError')
    assertRefused(await cryptochat(['verify', 'abc123', '--json', '--data-dir', aliceDir]), EXIT.USAGE, /"abc123" is too short to name an identity: give at least the first 8/, 'InvalidFingerprintError')
    assertRefused(await cryptochat(['verify', 'a'.repeat(41), '--json', '--data-dir', aliceDir]), EXIT.USAGE, /is too long for a fingerprint/, 'InvalidFingerprintError')
    const nobody = fp.bob.startsWith('0') ? '1'.repeat(40) : '0'.repeat(40)
    assertRefused(await cryptochat(['verify', nobody, '--yes', '--json', '--data-dir', aliceDir]), EXIT.ROOM, /no identity starting 0{40}|no identity starting 1{40}/, 'UnknownIdentityError')
    assertRefused(await cryptochat(['verify', fp.alice, '--yes', '--json', '--data-dir', aliceDir]), EXIT.USAGE, /that fingerprint is your own identity/, 'VerifySelfError')
    assertRefused(await cryptochat(['verify', '--json', '--data-dir', aliceDir]), EXIT.USAGE, /name who to verify: cryptochat verify <fingerprint>/, 'UsageError')
    assertRefused(await cryptochat(['unverify', 'not-hex!', '--json', '--data-dir', aliceDir]), EXIT.USAGE, /is not a fingerprint/, 'InvalidFingerprintError')
    // A data directory that has met nobody yet.
    assertRefused(await cryptochat(['verify', fp.bob, '--yes', '--json', '--data-dir', dir('nobody')]), EXIT.ROOM, /has no identity yet, so it has met nobody/, 'UnknownIdentityError')
  })

  test('a damaged verified.json: a storage error naming it, and it is left as it is', async () => {
    const path = join(aliceDir, 'verified.json')
    writeFileSync(path, '{"version":1,"verified":[{"oops":', { mode: 0o600 })
    const r = await cryptochat(['verify', fp.bob, '--yes', '--json', '--data-dir', aliceDir])
    assertRefused(r, EXIT.STORAGE, /verified\.json is damaged \(not valid JSON\); it was left as it is/, 'CorruptFileError')
    assert.equal(readFileSync(path, 'utf8'), '{"version":1,"verified":[{"oops":')
  })
})
