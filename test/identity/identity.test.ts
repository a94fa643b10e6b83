import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { generateSigningKeyPair, publicKeyOf } from '../../src/crypto/index.js'
import {
  loadOrCreateIdentity, readPublicIdentity, IDENTITY_FILE, fingerprint, groupFingerprint, shortFingerprint, FINGERPRINT_CHARS, SHORT_FINGERPRINT_CHARS,
  IdentityFileError
} from '../../src/identity/index.js'
import { InsecurePermissionsError } from '../../src/store/index.js'
import { hex, perms, tempDir, throwsNamed } from '../unit-helpers.js'

describe('identity', () => {
  let root: string
  let cleanup: () => void
  beforeEach(() => { ({ dir: root, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('is created on first use: directory 0700, key file 0600', () => {
    const dataDir = join(root, 'nested', 'data')
    const { identity, created } = loadOrCreateIdentity(dataDir)
    assert.equal(created, true)
    assert.equal(perms(statSync(dataDir).mode), 0o700)
    const file = join(dataDir, IDENTITY_FILE)
    assert.equal(perms(statSync(file).mode), 0o600)
    assert.equal(identity.publicKey.length, 32)
    assert.equal(identity.secretKey.length, 32)
    assert.deepEqual(publicKeyOf(identity.secretKey), identity.publicKey)
    assert.equal(identity.fingerprint, fingerprint(identity.publicKey))
    assert.match(identity.fingerprint, /^[0-9a-f]{40}$/)
    // Nothing but the key file (no temporary files) is left behind.
    assert.deepEqual(readdirSync(dataDir), [IDENTITY_FILE])
    const json = JSON.parse(readFileSync(file, 'utf8'))
    assert.equal(json.version, 1)
    assert.equal(json.type, 'ed25519')
  })

  it('is loaded back identical, without rewriting the file', () => {
    const first = loadOrCreateIdentity(root)
    const path = join(root, IDENTITY_FILE)
    const before = readFileSync(path)
    const mtime = statSync(path).mtimeMs
    const second = loadOrCreateIdentity(root)
    assert.equal(second.created, false)
    assert.deepEqual(second.identity.secretKey, first.identity.secretKey)
    assert.deepEqual(second.identity.publicKey, first.identity.publicKey)
    assert.equal(second.identity.fingerprint, first.identity.fingerprint)
    assert.deepEqual(readFileSync(path), before)
    assert.equal(statSync(path).mtimeMs, mtime)
  })

  it('the public half reads without the secret: none before first use, the same fingerprint after', () => {
    assert.equal(readPublicIdentity(root), undefined)
    const { identity } = loadOrCreateIdentity(root)
    assert.deepEqual(readPublicIdentity(root), { publicKey: identity.publicKey, fingerprint: identity.fingerprint })
    const json = JSON.parse(readFileSync(join(root, IDENTITY_FILE), 'utf8'))
    assert.equal(typeof json.secretKey, 'string', 'no passphrase: the secret key in clear (0600)')
    assert.equal(json.sealedSecretKey, undefined)
  })

  it('a sealed secret key, read without a keystore, is PassphraseRequiredError; the file is left untouched', () => {
    loadOrCreateIdentity(root)
    const path = join(root, IDENTITY_FILE)
    const { secretKey, ...rest } = JSON.parse(readFileSync(path, 'utf8'))
    assert.equal(typeof secretKey, 'string')
    writeFileSync(path, JSON.stringify({ ...rest, sealedSecretKey: { alg: 'xchacha20poly1305', nonce: Buffer.alloc(24).toString('base64'), ciphertext: Buffer.alloc(48).toString('base64') } }), { mode: 0o600 })
    const before = readFileSync(path)
    throwsNamed(() => loadOrCreateIdentity(root), 'PassphraseRequiredError')
    assert.deepEqual(readFileSync(path), before)
    assert.ok(readPublicIdentity(root) != null)
  })

  it('two data directories get two different identities', () => {
    const a = loadOrCreateIdentity(join(root, 'a')).identity
    const b = loadOrCreateIdentity(join(root, 'b')).identity
    assert.notDeepEqual(a.publicKey, b.publicKey)
    assert.notEqual(a.fingerprint, b.fingerprint)
  })

  it('tightens an existing data directory that others can read to 0700', () => {
    const dataDir = join(root, 'open')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    loadOrCreateIdentity(dataDir)
    assert.equal(perms(statSync(dataDir).mode), 0o700)
  })

  for (const mode of [0o644, 0o640, 0o604, 0o660, 0o666, 0o601]) {
    it(`refuses a key file with mode ${mode.toString(8)}, saying how to fix it`, () => {
      loadOrCreateIdentity(root)
      const path = join(root, IDENTITY_FILE)
      const before = readFileSync(path)
      chmodSync(path, mode)
      const err = throwsNamed(() => loadOrCreateIdentity(root), 'InsecurePermissionsError')
      assert.ok(err instanceof InsecurePermissionsError)
      assert.ok(err.message.includes('chmod 600'), err.message)
      assert.ok(err.message.includes(path), err.message)
      assert.equal(err.path, path)
      assert.equal(perms(err.mode), mode)
      // Left as it was: neither rewritten nor silently fixed.
      assert.deepEqual(readFileSync(path), before)
      assert.equal(perms(statSync(path).mode), mode)
      // Once fixed as told, it loads.
      chmodSync(path, 0o600)
      assert.equal(loadOrCreateIdentity(root).created, false)
    })
  }

  const otherKey = Buffer.from(generateSigningKeyPair().publicKey).toString('base64')
  const corruptions: Array<[string, (good: string) => string | Buffer]> = [
    ['not JSON', () => 'this is not json'],
    ['truncated JSON', (good) => good.slice(0, Math.floor(good.length / 2))],
    ['empty file', () => ''],
    ['binary junk', () => Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80])],
    ['JSON null', () => 'null'],
    ['JSON array', () => '[1,2,3]'],
    ['empty object', () => '{}'],
    ['wrong version', (good) => JSON.stringify({ ...JSON.parse(good), version: 2 })],
    ['wrong type', (good) => JSON.stringify({ ...JSON.parse(good), type: 'rsa' })],
    ['secret key not base64', (good) => JSON.stringify({ ...JSON.parse(good), secretKey: '!!!not base64!!!' })],
    ['short secret key', (good) => JSON.stringify({ ...JSON.parse(good), secretKey: Buffer.alloc(16).toString('base64') })],
    ['public key of someone else', (good) => JSON.stringify({ ...JSON.parse(good), publicKey: otherKey })],
    ['secret key a number', (good) => JSON.stringify({ ...JSON.parse(good), secretKey: 42 })],
    ['far too large', (good) => good + ' '.repeat(8192)]
  ]
  for (const [what, corrupt] of corruptions) {
    it(`a corrupted identity file (${what}) is an error and is left untouched`, () => {
      loadOrCreateIdentity(root)
      const path = join(root, IDENTITY_FILE)
      writeFileSync(path, corrupt(readFileSync(path, 'utf8')), { mode: 0o600 })
      const before = readFileSync(path)
      const err = throwsNamed(() => loadOrCreateIdentity(root), ['IdentityFileError', 'CorruptFileError'], what)
      assert.ok(err.message.includes(path), err.message)
      assert.match(err.message, /untouched|left as it is/)
      // Not overwritten, not replaced by a fresh identity, no temporary files.
      assert.deepEqual(readFileSync(path), before)
      assert.deepEqual(readdirSync(root), [IDENTITY_FILE])
      throwsNamed(() => loadOrCreateIdentity(root), ['IdentityFileError', 'CorruptFileError'], `${what}, second attempt`)
      assert.deepEqual(readFileSync(path), before)
    })
  }

  it('an identity file that is a directory is a typed error, not replaced', () => {
    mkdirSync(join(root, IDENTITY_FILE), { mode: 0o700 })
    chmodSync(join(root, IDENTITY_FILE), 0o700)
    const err = throwsNamed(() => loadOrCreateIdentity(root), 'CorruptFileError')
    assert.ok(err.message.includes('not a regular file'), err.message)
    assert.ok(statSync(join(root, IDENTITY_FILE)).isDirectory())
  })

  it('IdentityFileError is what a damaged key gives', () => {
    loadOrCreateIdentity(root)
    const path = join(root, IDENTITY_FILE)
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), publicKey: otherKey }), { mode: 0o600 })
    assert.throws(() => loadOrCreateIdentity(root), IdentityFileError)
    assert.ok(existsSync(path))
  })
})

describe('identity/fingerprint', () => {
  const pub = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')

  it('is the first 160 bits of SHA-256("cryptochat/1/fingerprint" | key), in hex', () => {
    const expected = createHash('sha256').update('cryptochat/1/fingerprint').update(pub).digest('hex').slice(0, 40)
    assert.equal(fingerprint(pub), expected)
    assert.equal(fingerprint(pub).length, FINGERPRINT_CHARS)
  })

  it('differs between keys and is stable for one key', () => {
    const a = generateSigningKeyPair().publicKey
    const b = generateSigningKeyPair().publicKey
    assert.equal(fingerprint(a), fingerprint(Uint8Array.from(a)))
    assert.notEqual(fingerprint(a), fingerprint(b))
  })

  it('groups in fours and shortens to the documented length', () => {
    const fp = fingerprint(pub)
    const grouped = groupFingerprint(fp)
    assert.match(grouped, /^([0-9a-f]{4} ){9}[0-9a-f]{4}$/)
    assert.equal(grouped.replaceAll(' ', ''), fp)
    assert.equal(shortFingerprint(fp), fp.slice(0, SHORT_FINGERPRINT_CHARS))
    assert.equal(shortFingerprint(fp).length, 8)
  })
})
