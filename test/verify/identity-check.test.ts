import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, generateSigningKeyPair } from '../../src/crypto/index.js'
import { fingerprint } from '../../src/identity/index.js'
import { VERIFY_FILE } from '../../src/constants.js'
import { IdentityBook, matchFingerprint, trustOf, type KnownIdentity, type MemberSighting, type VerifiedIdentity } from '../../src/verify/index.js'
import { tempDir, throwsNamed } from '../unit-helpers.js'

const ROOM = 'ab'.repeat(16)
const OTHER_ROOM = 'cd'.repeat(16)

function key (): { publicKey: string, fingerprint: string } {
  const pk = generateSigningKeyPair().publicKey
  return { publicKey: bytesToHex(pk), fingerprint: fingerprint(pk) }
}

function verified (nicks: string[], rooms = [ROOM]): VerifiedIdentity {
  return { ...key(), nicks, rooms, verifiedAt: 1 }
}

describe('identity-changed detection (trustOf)', () => {
  const alice = verified(['alice'])
  const list = [alice]

  it('the verified key is verified, under any nick, in any room', () => {
    assert.equal(trustOf({ roomId: ROOM, nick: 'alice', fingerprint: alice.fingerprint, self: false }, list).state, 'verified')
    assert.equal(trustOf({ roomId: OTHER_ROOM, nick: 'al', fingerprint: alice.fingerprint, self: false }, list).state, 'verified')
  })

  it('another key under the verified nick, in a room where she was seen, is a change', () => {
    const t = trustOf({ roomId: ROOM, nick: 'alice', fingerprint: key().fingerprint, self: false }, list)
    assert.equal(t.state, 'changed')
    assert.equal(t.verified?.fingerprint, alice.fingerprint)
  })

  it('nicks compare as read: case, width and invisible characters do not hide a change', () => {
    for (const nick of ['Alice', 'ALICE', 'ａｌｉｃｅ', 'ali\u200Dce', 'al\u00ADice']) {
      assert.equal(trustOf({ roomId: ROOM, nick, fingerprint: key().fingerprint, self: false }, list).state, 'changed', JSON.stringify(nick))
    }
  })

  it('another nick, another room, or ourselves: no warning', () => {
    assert.equal(trustOf({ roomId: ROOM, nick: 'mallory', fingerprint: key().fingerprint, self: false }, list).state, 'unverified')
    assert.equal(trustOf({ roomId: OTHER_ROOM, nick: 'alice', fingerprint: key().fingerprint, self: false }, list).state, 'unverified')
    assert.equal(trustOf({ roomId: ROOM, nick: 'alice', fingerprint: key().fingerprint, self: true }, list).state, 'self')
  })

  it('a new key is never verified automatically: it stays a change until verified itself', () => {
    const newKey = key()
    const member = { roomId: ROOM, nick: 'alice', fingerprint: newKey.fingerprint, self: false }
    assert.equal(trustOf(member, list).state, 'changed')
    assert.equal(trustOf(member, [...list, { ...newKey, nicks: ['alice'], rooms: [ROOM], verifiedAt: 2 }]).state, 'verified')
  })
})

describe('IdentityBook', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  const sighting = (who: { publicKey: string, fingerprint: string }, nick: string, roomId = ROOM, event = 'present'): MemberSighting =>
    ({ ...who, nick, roomId, self: false, event })

  it('records sightings, finds them by prefix, and warns when a verified nick comes back with another key', () => {
    const me = key()
    const book = new IdentityBook(dir, { self: me.fingerprint, flushMs: 60_000 })
    const alice = key()
    assert.equal(book.observe(sighting(alice, 'alice')), undefined)
    const found = book.find(alice.fingerprint.slice(0, 8))
    assert.equal(found.publicKey, alice.publicKey)
    assert.deepEqual(found.nicks, ['alice'])
    assert.deepEqual(found.rooms, [ROOM])
    book.mark(found, { roomId: ROOM })
    assert.equal(book.trustOf(sighting(alice, 'alice')).state, 'verified')

    const mallory = key()
    const warning = book.observe(sighting(mallory, 'alice'))
    assert.equal(warning?.name, 'IdentityChangedError')
    assert.equal(warning?.fingerprint, mallory.fingerprint)
    assert.equal(warning?.verifiedFingerprint, alice.fingerprint)
    assert.match(warning?.message ?? '', /is not the alice you verified/)
    // Leaving, or being gone, is not worth a warning; the new key is still not verified.
    assert.equal(book.observe(sighting(mallory, 'alice', ROOM, 'leave')), undefined)
    assert.equal(book.trustOf(sighting(mallory, 'alice')).state, 'changed')
    assert.equal(book.verified.get(mallory.fingerprint), undefined)
    book.close()
  })

  it('a verified member seen under a new nick or in a new room: both remembered', () => {
    const book = new IdentityBook(dir, { flushMs: 60_000 })
    const alice = key()
    book.observe(sighting(alice, 'alice'))
    book.mark(book.find(alice.fingerprint))
    book.observe(sighting(alice, 'al', OTHER_ROOM, 'nick'))
    assert.deepEqual(book.verified.get(alice.fingerprint)?.nicks, ['alice', 'al'])
    assert.deepEqual(book.verified.get(alice.fingerprint)?.rooms, [ROOM, OTHER_ROOM])
    // An impostor of the new nick in the new room is caught too.
    assert.equal(book.observe(sighting(key(), 'al', OTHER_ROOM))?.name, 'IdentityChangedError')
    book.close()
  })

  it('our own identity is never recorded, found or verified', () => {
    const me = key()
    const book = new IdentityBook(dir, { self: me.fingerprint, flushMs: 60_000 })
    assert.equal(book.observe(sighting(me, 'me')), undefined)
    throwsNamed(() => book.find(me.fingerprint), 'VerifySelfError')
    throwsNamed(() => book.mark({ ...me, nicks: [], rooms: [] }), 'VerifySelfError')
    book.close()
  })

  it('names by fingerprint: bad text, unknown, ambiguous', () => {
    const book = new IdentityBook(dir, { flushMs: 60_000 })
    const a: KnownIdentity = { ...key(), nicks: [], rooms: [] }
    book.observe(sighting(a, 'a'))
    throwsNamed(() => book.find('xyz'), 'InvalidFingerprintError')
    throwsNamed(() => book.find('1234567'), 'InvalidFingerprintError', 'too short')
    throwsNamed(() => book.find('0'.repeat(41)), 'InvalidFingerprintError', 'too long')
    const other = a.fingerprint.startsWith('0') ? '1'.repeat(40) : '0'.repeat(40)
    throwsNamed(() => book.find(other), 'UnknownIdentityError')
    // Grouped, upper case, as copied from a screen: still found.
    const grouped = a.fingerprint.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ')
    assert.equal(book.find(grouped).fingerprint, a.fingerprint)
    // Two identities sharing the prefix typed: give more.
    const err = throwsNamed(() => matchFingerprint('abcdef12', ['abcdef12' + '3'.repeat(32), 'abcdef12' + '4'.repeat(32), 'f'.repeat(40)]), 'AmbiguousFingerprintError')
    assert.match(err.message, /2 identities start with abcdef12 \(abcdef123333, abcdef124444\): give more of the fingerprint/)
    assert.equal(matchFingerprint('abcdef123', ['abcdef12' + '3'.repeat(32), 'abcdef12' + '4'.repeat(32)]), 'abcdef12' + '3'.repeat(32))
    book.close()
  })

  it('verified.json damaged: trust is unknown, reported once, and nothing is written over it', () => {
    const path = join(dir, VERIFY_FILE)
    writeFileSync(path, '{"version":1,"verified":"oops"}', { mode: 0o600 })
    const errors: Error[] = []
    const book = new IdentityBook(dir, { onError: (e) => { errors.push(e) }, flushMs: 60_000 })
    const alice = key()
    assert.equal(book.observe(sighting(alice, 'alice')), undefined)
    assert.equal(book.trustOf(sighting(alice, 'alice')).state, 'unknown')
    assert.equal(errors.length, 1)
    assert.equal(errors[0]?.name, 'CorruptFileError')
    throwsNamed(() => book.mark(book.find(alice.fingerprint)), 'CorruptFileError')
    book.close()
  })
})
