import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, generateSigningKeyPair } from '../../src/crypto/index.js'
import { fingerprint } from '../../src/identity/index.js'
import { VERIFY_FILE, VERIFY_MAX_NAMES, VERIFY_SEEN_FILE } from '../../src/constants.js'
import { IdentityBook, SeenStore, VerifiedStore, type KnownIdentity } from '../../src/verify/index.js'
import { perms, tempDir, throwsNamed } from '../unit-helpers.js'

const ROOM = 'ab'.repeat(16)
const OTHER_ROOM = 'cd'.repeat(16)

function someone (nick = 'bob'): KnownIdentity {
  const publicKey = generateSigningKeyPair().publicKey
  return { publicKey: bytesToHex(publicKey), fingerprint: fingerprint(publicKey), nicks: [nick], rooms: [ROOM] }
}

describe('verified.json', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('is written atomically, 0600, with key, fingerprint, nicks and date; read back the same', () => {
    const store = new VerifiedStore(dir)
    assert.deepEqual(store.list(), [])
    const bob = someone()
    const { record, added } = store.mark(bob, { nick: 'bobby', roomId: OTHER_ROOM, now: 1_700_000_000_000 })
    assert.equal(added, true)
    assert.deepEqual(record, { ...bob, nicks: ['bob', 'bobby'], rooms: [ROOM, OTHER_ROOM], verifiedAt: 1_700_000_000_000 })
    const path = join(dir, VERIFY_FILE)
    assert.equal(perms(statSync(path).mode), 0o600)
    // No temporary file left behind.
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [])
    const raw = JSON.parse(readFileSync(path, 'utf8'))
    assert.equal(raw.version, 1)
    assert.deepEqual(raw.verified, [record])
    assert.deepEqual(new VerifiedStore(dir).list(), [record])
  })

  it('marking again keeps the first date; unmark removes only that identity', () => {
    const store = new VerifiedStore(dir)
    const bob = someone()
    const carol = someone('carol')
    store.mark(bob, { now: 1000 })
    store.mark(carol, { now: 2000 })
    const again = store.mark(bob, { nick: 'robert', now: 3000 })
    assert.equal(again.added, false)
    assert.equal(again.record.verifiedAt, 1000)
    assert.deepEqual(again.record.nicks, ['bob', 'robert'])
    assert.equal(store.unmark(bob.fingerprint)?.fingerprint, bob.fingerprint)
    assert.equal(store.unmark(bob.fingerprint), undefined)
    assert.deepEqual(store.list().map((v) => v.fingerprint), [carol.fingerprint])
  })

  it('sees changes made by another process (a CLI beside the UI)', () => {
    const ui = new VerifiedStore(dir)
    assert.equal(ui.list().length, 0)
    const bob = someone()
    new VerifiedStore(dir).mark(bob)
    assert.equal(ui.get(bob.fingerprint)?.fingerprint, bob.fingerprint)
  })

  it('keeps the latest nicks only', () => {
    const store = new VerifiedStore(dir)
    const bob = someone()
    store.mark(bob)
    for (let i = 0; i < VERIFY_MAX_NAMES + 3; i++) store.addNames(bob.fingerprint, `bob${i}`, ROOM)
    const nicks = store.get(bob.fingerprint)?.nicks ?? []
    assert.equal(nicks.length, VERIFY_MAX_NAMES)
    assert.equal(nicks.at(-1), `bob${VERIFY_MAX_NAMES + 2}`)
  })

  for (const [what, content] of [
    ['not JSON', '{"version":1,"verified":['],
    ['another version', '{"version":2,"verified":[]}'],
    ['no list', '{"version":1}'],
    ['a bad key', '{"version":1,"verified":[{"publicKey":"zz","fingerprint":"00","nicks":[],"rooms":[],"verifiedAt":1}]}'],
    ['a fingerprint that is not its key\'s', () => JSON.stringify({ version: 1, verified: [{ ...someone(), fingerprint: 'f'.repeat(40), verifiedAt: 1 }] })],
    ['a missing date', () => JSON.stringify({ version: 1, verified: [{ ...someone() }] })],
    ['a nick that is not text', () => JSON.stringify({ version: 1, verified: [{ ...someone(), nicks: [42], verifiedAt: 1 }] })],
    ['the same identity twice', () => { const b = { ...someone(), verifiedAt: 1 }; return JSON.stringify({ version: 1, verified: [b, b] }) }]
  ] as Array<[string, string | (() => string)]>) {
    it(`damaged (${what}): a CorruptFileError naming the file, and the file is not written over`, () => {
      const path = join(dir, VERIFY_FILE)
      const text = typeof content === 'string' ? content : content()
      writeFileSync(path, text, { mode: 0o600 })
      const store = new VerifiedStore(dir)
      const err = throwsNamed(() => store.list(), 'CorruptFileError')
      assert.match(err.message, new RegExp(`${VERIFY_FILE} is damaged \\(.+\\); it was left as it is`))
      throwsNamed(() => store.mark(someone()), 'CorruptFileError')
      throwsNamed(() => store.unmark('0'.repeat(40)), 'CorruptFileError')
      assert.equal(readFileSync(path, 'utf8'), text)
    })
  }

  it('refuses a file others can read', () => {
    writeFileSync(join(dir, VERIFY_FILE), '{"version":1,"verified":[]}', { mode: 0o644 })
    throwsNamed(() => new VerifiedStore(dir).list(), 'InsecurePermissionsError')
  })
})

describe('seen.json', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('gathers sightings and writes them together on flush, 0600, merging nicks, rooms and times', () => {
    const store = new SeenStore(dir, { flushMs: 60_000 })
    const bob = someone()
    store.record({ publicKey: bob.publicKey, fingerprint: bob.fingerprint, nick: 'bob', roomId: ROOM, at: 100 })
    store.record({ publicKey: bob.publicKey, fingerprint: bob.fingerprint, nick: 'robert', roomId: OTHER_ROOM, at: 200 })
    const path = join(dir, VERIFY_SEEN_FILE)
    assert.equal(existsSync(path), false, 'nothing written before the flush')
    assert.equal(store.list().length, 1, 'but listed already')
    store.close()
    assert.equal(perms(statSync(path).mode), 0o600)
    const [rec] = new SeenStore(dir).list()
    assert.deepEqual(rec, { ...bob, nicks: ['bob', 'robert'], rooms: [ROOM, OTHER_ROOM], firstSeen: 100, lastSeen: 200 })
  })

  it('two processes sharing a data directory add to each other\'s records', () => {
    const a = new SeenStore(dir, { flushMs: 60_000 })
    const b = new SeenStore(dir, { flushMs: 60_000 })
    const bob = someone()
    const carol = someone('carol')
    a.record({ publicKey: bob.publicKey, fingerprint: bob.fingerprint, nick: 'bob', roomId: ROOM, at: 1 })
    b.record({ publicKey: carol.publicKey, fingerprint: carol.fingerprint, nick: 'carol', roomId: ROOM, at: 2 })
    a.close()
    b.close()
    assert.deepEqual(new SeenStore(dir).list().map((r) => r.fingerprint).sort(), [bob.fingerprint, carol.fingerprint].sort())
  })

  it('a damaged file is reported once, never written over, and chatting goes on', () => {
    const path = join(dir, VERIFY_SEEN_FILE)
    writeFileSync(path, 'garbage', { mode: 0o600 })
    const errors: Error[] = []
    const book = new IdentityBook(dir, { onError: (e) => { errors.push(e) }, flushMs: 60_000 })
    const bob = someone()
    const sighting = { roomId: ROOM, nick: 'bob', fingerprint: bob.fingerprint, publicKey: bob.publicKey, self: false, event: 'present' }
    assert.equal(book.observe(sighting), undefined)
    book.close()
    book.close()
    assert.equal(errors.length, 1)
    assert.equal(errors[0]?.name, 'CorruptFileError')
    assert.equal(readFileSync(path, 'utf8'), 'garbage')
  })
})
