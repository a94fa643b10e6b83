/**
 * End to end, real processes: a data directory locked with a passphrase holds no secret
 * in clear (before and after chatting, history included); scripts unlock it with
 * CRYPTOCHAT_PASSPHRASE_FILE; without a passphrase (no terminal, no file) or with a wrong
 * one, commands that need a secret fail with their own exit code and one clear line,
 * changing nothing; `id` and `rooms` never ask; change and remove round-trip.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../helpers/index.js'
import { findSecrets, snapshot } from '../keystore/disk.js'
import { hasStackTrace, Procs, startRelay, type Proc, type RunResult } from './procs.js'

const EXIT = { USAGE: 2, STORAGE: 3, WRONG_PASSPHRASE: 7, PASSPHRASE_REQUIRED: 8 }
/** An unlock costs about 0.4 s (scrypt at the default cost) on top of a process start. */
const FAST_MS = 8_000

type Env = Record<string, string | undefined>

describe('passphrase: keys locked at rest (real processes)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-e2e-pass-')
  let relayAddr = ''
  let aliceDir = ''
  let bobDir = ''
  let files: Record<'pass' | 'pass2' | 'wrong' | 'open', string>
  let room: { roomId: string, invite: string }
  let secrets: Record<string, Uint8Array> = {}

  /** Run `cryptochat` with `env` added (Procs copies process.env when it spawns). */
  async function withEnv<T> (env: Env, start: () => Promise<T>): Promise<T> {
    const saved: Env = {}
    for (const k of Object.keys(env)) saved[k] = process.env[k]
    for (const [k, v] of Object.entries(env)) if (v == null) delete process.env[k]; else process.env[k] = v
    try {
      return await start()
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v == null) delete process.env[k]; else process.env[k] = v
    }
  }
  const cc = async (args: string[], env: Env = {}): Promise<RunResult> => await withEnv(env, async () => await procs.run('cryptochat', args, 30_000))
  const spawnCc = async (args: string[], env: Env, name: string): Promise<Proc> => await withEnv(env, async () => procs.spawn('cryptochat', args, name))
  const unlockWith = (file: string): Env => ({ CRYPTOCHAT_PASSPHRASE_FILE: file })

  /** A fatal user error: its exit code, one `cryptochat: …` line on stderr, a fatal JSON error event. */
  function assertRefused (r: RunResult, code: number, message: RegExp, errorName: string): void {
    assert.equal(r.code, code, `exit ${String(r.code)}, expected ${code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`)
    assert.equal(hasStackTrace(r.stderr), false, r.stderr)
    const errLines = r.stderr.trim().split('\n')
    assert.equal(errLines.length, 1, `expected one line on stderr:\n${r.stderr}`)
    assert.match(errLines[0] as string, /^cryptochat: /)
    assert.match(r.stderr, message)
    const fatal = r.lines.filter((l) => l.type === 'error')
    assert.equal(fatal.length, 1, r.stdout)
    assert.equal(fatal[0]?.fatal, true)
    assert.equal(fatal[0]?.code, errorName)
    assert.equal(r.lines.some((l) => l.type === 'ready'), false)
    assert.ok(r.ms < FAST_MS, `took ${r.ms} ms`)
  }

  before(async () => {
    aliceDir = dirs.make('alice')
    bobDir = dirs.make('bob')
    const fileDir = dirs.make('files')
    const write = (name: string, text: string, mode = 0o600): string => {
      const path = join(fileDir, name)
      writeFileSync(path, text, { mode })
      chmodSync(path, mode)
      return path
    }
    files = {
      pass: write('pass', 'correct horse battery staple\n'),
      pass2: write('pass2', 'a second passphrase, for change\n'),
      wrong: write('wrong', 'not the passphrase at all\n'),
      open: write('open', 'correct horse battery staple\n', 0o644)
    }
    relayAddr = (await startRelay(procs, dirs.make('relay'))).addr
    const created = await cc(['create', 'locked room', '--relay', relayAddr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    room = created.lines[0] as unknown as { roomId: string, invite: string }
    // The secrets, read while they are still in clear: what must not be found later.
    const identity = JSON.parse(readFileSync(join(aliceDir, 'identity.json'), 'utf8'))
    const record = JSON.parse(readFileSync(join(aliceDir, 'rooms', room.roomId, 'room.json'), 'utf8'))
    secrets = { 'identity secret key': Buffer.from(identity.secretKey, 'base64'), 'room secret': Buffer.from(record.secret, 'base64') }
    assert.ok(findSecrets(aliceDir, secrets).length >= 2, 'the scan finds secrets stored in clear')
  })

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('passphrase set (from CRYPTOCHAT_NEW_PASSPHRASE_FILE, the documented scrypt cost) leaves no secret in clear', async () => {
    const r = await cc(['passphrase', 'set', '--json', '--data-dir', aliceDir], { CRYPTOCHAT_NEW_PASSPHRASE_FILE: files.pass })
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.lines[0], { type: 'passphrase', action: 'set', dataDir: aliceDir, passphrase: true, sealed: 2, plain: 0, converted: 2, resumed: false })
    const keystore = JSON.parse(readFileSync(join(aliceDir, 'keystore.json'), 'utf8'))
    assert.deepEqual([keystore.kdf.name, keystore.kdf.logN, keystore.kdf.r, keystore.kdf.p], ['scrypt', 17, 8, 1])
    assert.deepEqual(findSecrets(aliceDir, secrets), [])
    const again = await cc(['passphrase', 'set', '--json', '--data-dir', aliceDir], { CRYPTOCHAT_NEW_PASSPHRASE_FILE: files.pass2 })
    assertRefused(again, EXIT.USAGE, /already has a passphrase; change it with: cryptochat passphrase change/, 'PassphraseAlreadySetError')
  })

  test('id and rooms need no passphrase and never ask', async () => {
    const before = snapshot(aliceDir)
    const id = await cc(['id', '--json', '--data-dir', aliceDir])
    assert.equal(id.code, 0, id.stderr)
    assert.match(String(id.lines[0]?.fingerprint), /^[0-9a-f]{40}$/)
    const rooms = await cc(['rooms', '--json', '--data-dir', aliceDir])
    assert.equal(rooms.code, 0, rooms.stderr)
    assert.deepEqual((rooms.lines[0] as unknown as Array<{ roomId: string }>).map((x) => x.roomId), [room.roomId])
    assert.equal(rooms.stderr, '')
    assert.deepEqual(snapshot(aliceDir), before)
  })

  test('join without a passphrase (no terminal, no file) exits 8 with one line saying how, changing nothing', async () => {
    const before = snapshot(aliceDir)
    const r = await cc(['join', room.roomId, '--json', '--data-dir', aliceDir])
    assertRefused(r, EXIT.PASSPHRASE_REQUIRED, /is locked with a passphrase: .*CRYPTOCHAT_PASSPHRASE_FILE/, 'PassphraseRequiredError')
    for (const cmd of [['invite', room.roomId], ['history', room.roomId], ['create', 'another', '--relay', relayAddr]]) {
      assertRefused(await cc([...cmd, '--json', '--data-dir', aliceDir]), EXIT.PASSPHRASE_REQUIRED, /locked with a passphrase/, 'PassphraseRequiredError')
    }
    assert.deepEqual(snapshot(aliceDir), before)
  })

  test('a wrong passphrase exits 7, changing nothing on disk; a passphrase file others can read exits 3', async () => {
    const before = snapshot(aliceDir)
    const r = await cc(['join', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(files.wrong))
    assertRefused(r, EXIT.WRONG_PASSPHRASE, /wrong passphrase for .*nothing was changed/, 'WrongPassphraseError')
    for (const action of ['change', 'remove']) {
      const c = await cc(['passphrase', action, '--json', '--data-dir', aliceDir], { ...unlockWith(files.wrong), CRYPTOCHAT_NEW_PASSPHRASE_FILE: files.pass2 })
      assertRefused(c, EXIT.WRONG_PASSPHRASE, /wrong passphrase/, 'WrongPassphraseError')
    }
    const open = await cc(['invite', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(files.open))
    assertRefused(open, EXIT.STORAGE, /chmod 600/, 'InsecurePermissionsError')
    const missing = await cc(['invite', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(join(aliceDir, 'no-such-file')))
    assertRefused(missing, EXIT.USAGE, /cannot read the passphrase file .*CRYPTOCHAT_PASSPHRASE_FILE/, 'PassphraseFileError')
    assert.deepEqual(snapshot(aliceDir), before)
  })

  test('with CRYPTOCHAT_PASSPHRASE_FILE, join works and chats; still no secret in clear afterwards, history included', async () => {
    const invite = await cc(['invite', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(files.pass))
    assert.equal(invite.code, 0, invite.stderr)
    const alice = await spawnCc(['join', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(files.pass), 'alice')
    const bob = await spawnCc(['join', room.roomId, '--invite', String(invite.lines[0]?.invite), '--nick', 'bob', '--json', '--data-dir', bobDir], {}, 'bob')
    await alice.waitForLine((l) => l.type === 'ready', 30_000, "alice's ready")
    await bob.waitForLine((l) => l.type === 'ready', 30_000, "bob's ready")
    alice.writeLine('sealed at rest, readable in transit to members')
    bob.writeLine('hello alice')
    await bob.waitForLine((l) => l.type === 'message' && l.text === 'sealed at rest, readable in transit to members', 15_000, "alice's message at bob")
    await alice.waitForLine((l) => l.type === 'message' && l.text === 'hello alice', 15_000, "bob's message at alice")
    alice.endStdin()
    bob.endStdin()
    assert.equal((await alice.waitForExit(15_000)).code, 0, alice.stderr)
    assert.equal((await bob.waitForExit(15_000)).code, 0, bob.stderr)
    assert.equal(alice.stderr, '', 'nothing on stderr (no warning, no prompt)')
    // History was written (in the room's directory), and it too holds no key.
    assert.ok(readdirSync(join(aliceDir, 'rooms', room.roomId)).length > 2)
    assert.deepEqual(findSecrets(aliceDir, secrets), [])
    const history = await cc(['history', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(files.pass))
    assert.equal(history.code, 0, history.stderr)
    // Both were sent at once: either may come first.
    assert.deepEqual(history.lines.map((l) => l.text).sort(), ['hello alice', 'sealed at rest, readable in transit to members'])
  })

  test('change rewrites only keystore.json (old passphrase refused, new one works); remove round-trips to clear', async () => {
    const before = snapshot(aliceDir)
    const change = await cc(['passphrase', 'change', '--json', '--data-dir', aliceDir], { ...unlockWith(files.pass), CRYPTOCHAT_NEW_PASSPHRASE_FILE: files.pass2, CRYPTOCHAT_TEST_SCRYPT_LOG_N: '10' })
    assert.equal(change.code, 0, change.stderr)
    assert.equal(change.lines[0]?.action, 'change')
    const after = snapshot(aliceDir)
    assert.deepEqual(Object.keys(after), Object.keys(before))
    for (const f of Object.keys(before)) if (f !== 'keystore.json') assert.equal(after[f], before[f], f)
    assert.notEqual(after['keystore.json'], before['keystore.json'])
    assert.equal(JSON.parse(readFileSync(join(aliceDir, 'keystore.json'), 'utf8')).kdf.logN, 10, 'the test-only cost was honoured')
    assertRefused(await cc(['invite', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(files.pass)), EXIT.WRONG_PASSPHRASE, /wrong passphrase/, 'WrongPassphraseError')
    assert.equal((await cc(['invite', room.roomId, '--json', '--data-dir', aliceDir], unlockWith(files.pass2))).code, 0)

    const remove = await cc(['passphrase', 'remove', '--json', '--data-dir', aliceDir], unlockWith(files.pass2))
    assert.equal(remove.code, 0, remove.stderr)
    assert.deepEqual(remove.lines[0], { type: 'passphrase', action: 'remove', dataDir: aliceDir, passphrase: false, sealed: 0, plain: 2, converted: 2, resumed: false })
    assert.equal(existsSync(join(aliceDir, 'keystore.json')), false)
    // In clear again: the very same secrets, and nothing asks for a passphrase.
    assert.equal(findSecrets(aliceDir, secrets).length >= 2, true)
    assert.equal((await cc(['invite', room.roomId, '--json', '--data-dir', aliceDir])).code, 0)
    assertRefused(await cc(['passphrase', 'remove', '--json', '--data-dir', aliceDir]), EXIT.USAGE, /has no passphrase; set one with: cryptochat passphrase set/, 'NoPassphraseError')
  })

  test('passphrase set without a terminal or CRYPTOCHAT_NEW_PASSPHRASE_FILE exits 8, saying how', async () => {
    const dir = dirs.make('carol')
    const r = await cc(['passphrase', 'set', '--json', '--data-dir', dir])
    assertRefused(r, EXIT.PASSPHRASE_REQUIRED, /CRYPTOCHAT_NEW_PASSPHRASE_FILE/, 'PassphraseRequiredError')
    // A first run creates an identity without asking anything, and says a passphrase can be set.
    const first = await cc(['create', 'x', '--relay', relayAddr, '--data-dir', dirs.make('dave')])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stderr, /Created a new identity in .*cryptochat passphrase set/)
  })

  test('on first run, CRYPTOCHAT_NEW_PASSPHRASE_FILE locks the keys from the start: no secret is ever in clear', async () => {
    const dir = dirs.make('erin')
    const made = await cc(['create', 'sealed from birth', '--relay', relayAddr, '--json', '--data-dir', dir], { CRYPTOCHAT_NEW_PASSPHRASE_FILE: files.pass })
    assert.equal(made.code, 0, made.stderr)
    assert.ok(existsSync(join(dir, 'keystore.json')))
    const identity = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8'))
    assert.equal(identity.secretKey, undefined, 'the identity key was written sealed')
    const record = JSON.parse(readFileSync(join(dir, 'rooms', String(made.lines[0]?.roomId), 'room.json'), 'utf8'))
    assert.equal(record.secret, undefined, 'the room secret was written sealed')
    // Unlocked with the same passphrase afterwards; without it, exit 8.
    assert.equal((await cc(['invite', String(made.lines[0]?.roomId), '--json', '--data-dir', dir], unlockWith(files.pass))).code, 0)
    assertRefused(await cc(['invite', String(made.lines[0]?.roomId), '--json', '--data-dir', dir]), EXIT.PASSPHRASE_REQUIRED, /locked with a passphrase/, 'PassphraseRequiredError')
  })
})
