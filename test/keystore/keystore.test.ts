import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, randomBytes } from '../../src/crypto/index.js'
import { identitySecretField, IDENTITY_FILE, loadOrCreateIdentity, readPublicIdentity, type Identity } from '../../src/identity/index.js'
import {
  changePassphrase, DEFAULT_SCRYPT, keystorePath, openKeystore, removePassphrase, secretsStatus, setPassphrase,
  type PassphraseChangeInit, type ScryptParams
} from '../../src/keystore/index.js'
import { createRoomStore, ReplayWindow, roomSecretFields, type RoomRecord } from '../../src/room/index.js'
import { KEYSTORE_SCRYPT_LOG_N, KEYSTORE_SCRYPT_P, KEYSTORE_SCRYPT_R } from '../../src/constants.js'
import { perms, tempDir, throwsNamed } from '../unit-helpers.js'
import { findSecrets, snapshot } from './disk.js'

/** A low scrypt cost for tests (the default takes ~0.4 s per unlock, by design). */
const FAST: ScryptParams = { logN: 10, r: 8, p: 1 }
const PASS = 'correct horse battery staple'
const OTHER = 'tr0ub4dor&3 is not it'

function room (over: Partial<RoomRecord> = {}): RoomRecord {
  return {
    roomId: bytesToHex(randomBytes(16)),
    name: 'Garden',
    secret: randomBytes(32),
    epoch: 0,
    relays: ['/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'],
    joinedAt: 1_700_000_000_000 + Math.floor(Math.random() * 1000),
    invitedBy: '0123456789abcdef0123456789abcdef01234567',
    nick: 'ann',
    ...over
  }
}

/** A plain data directory with an identity and `n` rooms (with state files beside them). */
function populate (dataDir: string, n = 3): { identity: Identity, rooms: RoomRecord[] } {
  const { identity } = loadOrCreateIdentity(dataDir)
  const store = createRoomStore(dataDir)
  const rooms = Array.from({ length: n }, () => room())
  for (const r of rooms) {
    store.save(r)
    store.saveSequence(r.roomId, 65n)
    store.saveReplay(r.roomId, new ReplayWindow())
  }
  return { identity, rooms }
}

function secretsIn (identity: Identity, rooms: RoomRecord[]): Record<string, Uint8Array> {
  return Object.fromEntries([['identity secret key', identity.secretKey], ...rooms.map((r) => [`room ${r.roomId} secret`, r.secret])])
}

function ops (dataDir: string, current?: string, next?: string, extra: Partial<PassphraseChangeInit> = {}): PassphraseChangeInit {
  return {
    dataDir,
    secrets: [identitySecretField(dataDir), ...roomSecretFields(dataDir)],
    ...(current != null ? { passphrase: async () => current } : {}),
    ...(next != null ? { newPassphrase: async () => next } : {}),
    scrypt: FAST,
    ...extra
  }
}

async function rejectsNamed (p: Promise<unknown>, name: string): Promise<Error> {
  let caught: unknown
  try {
    await p
  } catch (err) {
    caught = err
  }
  assert.ok(caught instanceof Error, `expected ${name}, nothing (or a non-Error) was thrown`)
  assert.equal(caught.name, name, caught.message)
  return caught
}

/** Open the directory with `passphrase` and read every secret back. */
async function openAll (dataDir: string, passphrase?: string): Promise<{ identity: Identity, rooms: RoomRecord[] }> {
  const keystore = await openKeystore(dataDir, passphrase != null ? { passphrase: async () => passphrase } : {})
  return { identity: loadOrCreateIdentity(dataDir, { keystore }).identity, rooms: createRoomStore(dataDir, { keystore }).list() }
}

describe('keystore: keys locked at rest', () => {
  let dataDir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir: dataDir, cleanup } = tempDir('cryptochat-keystore-')) })
  afterEach(() => { cleanup() })

  it('a directory without a passphrase opens without asking, and keeps secrets in clear', async () => {
    const { identity, rooms } = populate(dataDir)
    const keystore = await openKeystore(dataDir, { passphrase: async () => { throw new Error('must not ask') } })
    assert.equal(keystore.sealing, false)
    assert.deepEqual(loadOrCreateIdentity(dataDir, { keystore }).identity, identity)
    // The scan finds secrets written in clear (so that finding none below means something).
    assert.ok(findSecrets(dataDir, secretsIn(identity, rooms)).length >= 1 + rooms.length)
  })

  it('set seals the identity key and every room secret: no file holds one in any encoding', async () => {
    const { identity, rooms } = populate(dataDir, 4)
    const result = await setPassphrase(ops(dataDir, undefined, PASS))
    assert.deepEqual(result, { converted: 5, resumed: false })
    assert.deepEqual(findSecrets(dataDir, secretsIn(identity, rooms)), [])

    const ks = JSON.parse(readFileSync(keystorePath(dataDir), 'utf8'))
    assert.equal(perms(statSync(keystorePath(dataDir)).mode), 0o600)
    assert.equal(ks.version, 1)
    assert.match(ks.keyId, /^[0-9a-f]{32}$/)
    assert.deepEqual({ ...ks.kdf, salt: undefined }, { name: 'scrypt', logN: 10, r: 8, p: 1, salt: undefined })
    assert.equal(Buffer.from(ks.kdf.salt, 'base64').length, 32)
    assert.equal(ks.dataKey.alg, 'xchacha20poly1305')

    const id = JSON.parse(readFileSync(join(dataDir, IDENTITY_FILE), 'utf8'))
    assert.equal(id.secretKey, undefined)
    assert.equal(id.sealedSecretKey.alg, 'xchacha20poly1305')
    assert.equal(Buffer.from(id.publicKey, 'base64').toString('hex'), Buffer.from(identity.publicKey).toString('hex'), 'the public key stays in clear')
    for (const r of rooms) {
      const file = JSON.parse(readFileSync(join(dataDir, 'rooms', r.roomId, 'room.json'), 'utf8'))
      assert.equal(file.secret, undefined)
      assert.equal(file.name, r.name)
      assert.ok(file.sealedSecret != null)
    }
    assert.deepEqual(secretsStatus(dataDir, ops(dataDir).secrets), { passphrase: true, plain: 0, sealed: 5 })

    // Unlocked, everything reads back as it was.
    const back = await openAll(dataDir, PASS)
    assert.deepEqual(back.identity, identity)
    assert.deepEqual(back.rooms, [...rooms].sort((a, b) => a.joinedAt - b.joinedAt))
  })

  it('without the passphrase: public data reads, secrets are PassphraseRequiredError, nothing is written', async () => {
    const { identity, rooms } = populate(dataDir)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const before = snapshot(dataDir)
    assert.deepEqual(readPublicIdentity(dataDir), { publicKey: identity.publicKey, fingerprint: identity.fingerprint })
    const store = createRoomStore(dataDir)
    assert.deepEqual(store.summaries().map((r) => r.roomId).sort(), rooms.map((r) => r.roomId).sort())
    assert.equal('secret' in (store.summaries()[0] as object), false)
    throwsNamed(() => loadOrCreateIdentity(dataDir), 'PassphraseRequiredError')
    throwsNamed(() => store.get((rooms[0] as RoomRecord).roomId), 'PassphraseRequiredError')
    throwsNamed(() => store.list(), 'PassphraseRequiredError')
    // A new room must not be written in clear into a locked directory.
    throwsNamed(() => { store.save(room()) }, 'PassphraseRequiredError')
    const err = await rejectsNamed(openKeystore(dataDir), 'PassphraseRequiredError')
    assert.match(err.message, /CRYPTOCHAT_PASSPHRASE_FILE/)
    assert.deepEqual(snapshot(dataDir), before)
  })

  it('a wrong passphrase is WrongPassphraseError, for every operation, and changes nothing on disk', async () => {
    populate(dataDir)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const before = snapshot(dataDir)
    const err = await rejectsNamed(openKeystore(dataDir, { passphrase: async () => OTHER }), 'WrongPassphraseError')
    assert.ok(err.message.includes(dataDir), err.message)
    assert.match(err.message, /nothing was changed/)
    await rejectsNamed(changePassphrase(ops(dataDir, OTHER, 'a brand new passphrase')), 'WrongPassphraseError')
    await rejectsNamed(removePassphrase(ops(dataDir, OTHER)), 'WrongPassphraseError')
    // A `set` over a complete one is refused before anything is asked.
    await rejectsNamed(setPassphrase(ops(dataDir, OTHER, 'a brand new passphrase')), 'PassphraseAlreadySetError')
    assert.deepEqual(snapshot(dataDir), before)
    await openAll(dataDir, PASS)
  })

  it('a prompt may try again: the source is asked with attempt 1, 2, 3', async () => {
    populate(dataDir)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const asked: number[] = []
    const keystore = await openKeystore(dataDir, { attempts: 3, passphrase: async (attempt) => { asked.push(attempt); return attempt < 3 ? OTHER : PASS } })
    assert.deepEqual(asked, [1, 2, 3])
    assert.equal(keystore.sealing, true)
    asked.length = 0
    await rejectsNamed(openKeystore(dataDir, { attempts: 2, passphrase: async (attempt) => { asked.push(attempt); return OTHER } }), 'WrongPassphraseError')
    assert.deepEqual(asked, [1, 2])
  })

  it('a room saved after set is sealed', async () => {
    const { identity, rooms } = populate(dataDir)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const keystore = await openKeystore(dataDir, { passphrase: async () => PASS })
    const fresh = room()
    createRoomStore(dataDir, { keystore }).save(fresh)
    assert.deepEqual(findSecrets(dataDir, secretsIn(identity, [...rooms, fresh])), [])
    assert.deepEqual(createRoomStore(dataDir, { keystore }).get(fresh.roomId), fresh)
  })

  it('an identity created in a locked directory is sealed from the start', async () => {
    populate(dataDir, 0)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const keystore = await openKeystore(dataDir, { passphrase: async () => PASS })
    // The identity file went missing: a new one is created, sealed.
    rmSync(join(dataDir, IDENTITY_FILE))
    const { identity, created } = loadOrCreateIdentity(dataDir, { keystore })
    assert.equal(created, true)
    assert.deepEqual(findSecrets(dataDir, { identity: identity.secretKey }), [])
    assert.deepEqual((await openAll(dataDir, PASS)).identity, identity)
  })

  it('a sealed value cannot be moved to another room, another field, or another directory', async () => {
    const { rooms } = populate(dataDir, 2)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const [a, b] = rooms as [RoomRecord, RoomRecord]
    const pathOf = (r: RoomRecord): string => join(dataDir, 'rooms', r.roomId, 'room.json')
    const fileA = JSON.parse(readFileSync(pathOf(a), 'utf8'))
    const fileB = JSON.parse(readFileSync(pathOf(b), 'utf8'))
    const keystore = await openKeystore(dataDir, { passphrase: async () => PASS })
    const store = createRoomStore(dataDir, { keystore })

    writeFileSync(pathOf(b), JSON.stringify({ ...fileB, sealedSecret: fileA.sealedSecret }), { mode: 0o600 })
    const err = throwsNamed(() => store.get(b.roomId), 'CorruptFileError')
    assert.ok(err.message.includes(pathOf(b)), err.message)

    const id = JSON.parse(readFileSync(join(dataDir, IDENTITY_FILE), 'utf8'))
    writeFileSync(pathOf(b), JSON.stringify({ ...fileB, sealedSecret: id.sealedSecretKey }), { mode: 0o600 })
    throwsNamed(() => store.get(b.roomId), 'CorruptFileError')

    // Sealed under another directory's data key (same passphrase, different keystore).
    const { dir: elsewhere, cleanup: cleanElsewhere } = tempDir('cryptochat-keystore-other-')
    try {
      createRoomStore(elsewhere).save(b)
      await setPassphrase(ops(elsewhere, undefined, PASS))
      const foreign = JSON.parse(readFileSync(join(elsewhere, 'rooms', b.roomId, 'room.json'), 'utf8'))
      writeFileSync(pathOf(b), JSON.stringify({ ...fileB, sealedSecret: foreign.sealedSecret }), { mode: 0o600 })
      throwsNamed(() => store.get(b.roomId), 'CorruptFileError')
    } finally {
      cleanElsewhere()
    }

    // A flipped bit in the ciphertext.
    const ct = Buffer.from(fileB.sealedSecret.ciphertext, 'base64')
    ct[0] = (ct[0] as number) ^ 1
    writeFileSync(pathOf(b), JSON.stringify({ ...fileB, sealedSecret: { ...fileB.sealedSecret, ciphertext: ct.toString('base64') } }), { mode: 0o600 })
    throwsNamed(() => store.get(b.roomId), 'CorruptFileError')

    // Both forms at once is damage, not a choice.
    writeFileSync(pathOf(b), JSON.stringify({ ...fileB, secret: Buffer.from(b.secret).toString('base64') }), { mode: 0o600 })
    throwsNamed(() => store.get(b.roomId), 'CorruptFileError')

    writeFileSync(pathOf(b), JSON.stringify(fileB), { mode: 0o600 })
    assert.deepEqual(store.get(b.roomId), b)
  })

  it('change rewrites only keystore.json: the old passphrase stops working, the new one opens the same secrets', async () => {
    const { identity, rooms } = populate(dataDir)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const before = snapshot(dataDir)
    const keyIdBefore = JSON.parse(readFileSync(keystorePath(dataDir), 'utf8')).keyId
    assert.deepEqual(await changePassphrase(ops(dataDir, PASS, OTHER)), { converted: 0, resumed: false })
    const after = snapshot(dataDir)
    for (const file of Object.keys(before)) {
      if (file === 'keystore.json') assert.notEqual(after[file], before[file])
      else assert.equal(after[file], before[file], `${file} must not change`)
    }
    assert.deepEqual(Object.keys(after), Object.keys(before))
    assert.equal(JSON.parse(readFileSync(keystorePath(dataDir), 'utf8')).keyId, keyIdBefore, 'the same data key')
    await rejectsNamed(openKeystore(dataDir, { passphrase: async () => PASS }), 'WrongPassphraseError')
    const back = await openAll(dataDir, OTHER)
    assert.deepEqual(back.identity, identity)
    assert.equal(back.rooms.length, rooms.length)
    assert.deepEqual(findSecrets(dataDir, secretsIn(identity, rooms)), [])
  })

  it('set then remove round-trips: secrets in clear again, identical, the keystore gone; set works again', async () => {
    const { identity, rooms } = populate(dataDir)
    await setPassphrase(ops(dataDir, undefined, PASS))
    assert.deepEqual(await removePassphrase(ops(dataDir, PASS)), { converted: 4, resumed: false })
    assert.equal(statSync(keystorePath(dataDir), { throwIfNoEntry: false }), undefined)
    const back = await openAll(dataDir)
    assert.deepEqual(back.identity, identity)
    assert.deepEqual(back.rooms, [...rooms].sort((a, b) => a.joinedAt - b.joinedAt))
    // Plain again: the files are what a fresh store reads, and nothing asks for a passphrase.
    assert.deepEqual(createRoomStore(dataDir).list(), back.rooms)
    assert.deepEqual(secretsStatus(dataDir, ops(dataDir).secrets), { passphrase: false, plain: 4, sealed: 0 })
    await setPassphrase(ops(dataDir, undefined, OTHER))
    assert.deepEqual((await openAll(dataDir, OTHER)).identity, identity)
    assert.deepEqual(findSecrets(dataDir, secretsIn(identity, rooms)), [])
  })

  it('refuses set when one is set, change and remove when none is, and a short new passphrase', async () => {
    populate(dataDir)
    const plain = snapshot(dataDir)
    const none = await rejectsNamed(changePassphrase(ops(dataDir, PASS, OTHER)), 'NoPassphraseError')
    assert.match(none.message, /cryptochat passphrase set/)
    await rejectsNamed(removePassphrase(ops(dataDir, PASS)), 'NoPassphraseError')
    const short = await rejectsNamed(setPassphrase(ops(dataDir, undefined, 'short')), 'InvalidPassphraseError')
    assert.match(short.message, /at least 8 characters/)
    await rejectsNamed(setPassphrase(ops(dataDir, undefined, '')), 'InvalidPassphraseError')
    await rejectsNamed(setPassphrase(ops(dataDir, undefined, 'x'.repeat(1025))), 'InvalidPassphraseError')
    assert.deepEqual(snapshot(dataDir), plain)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const already = await rejectsNamed(setPassphrase(ops(dataDir, undefined, OTHER)), 'PassphraseAlreadySetError')
    assert.match(already.message, /cryptochat passphrase change/)
    const sealed = snapshot(dataDir)
    await rejectsNamed(changePassphrase(ops(dataDir, PASS, 'short')), 'InvalidPassphraseError')
    assert.deepEqual(snapshot(dataDir), sealed)
  })

  it('a passphrase is compared in Unicode NFC: a decomposed accent opens what a composed one set', async () => {
    populate(dataDir, 1)
    await setPassphrase(ops(dataDir, undefined, 'caf\u00e9 au lait, s\u2019il vous pla\u00eet'))
    await openAll(dataDir, 'cafe\u0301 au lait, s\u2019il vous plai\u0302t')
  })

  it('a process that opened the directory refuses to write a secret after its passphrase was set or removed elsewhere', async () => {
    const { rooms } = populate(dataDir)
    const plainOpen = await openKeystore(dataDir)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const sealedOpen = await openKeystore(dataDir, { passphrase: async () => PASS })
    const r = rooms[0] as RoomRecord
    let before = snapshot(dataDir)
    throwsNamed(() => { createRoomStore(dataDir, { keystore: plainOpen }).save({ ...r, nick: 'x' }) }, 'KeystoreChangedError')
    assert.deepEqual(snapshot(dataDir), before)
    // A change keeps the data key: a running process goes on writing, sealed.
    await changePassphrase(ops(dataDir, PASS, OTHER))
    createRoomStore(dataDir, { keystore: sealedOpen }).save({ ...r, nick: 'still' })
    assert.equal((await openAll(dataDir, OTHER)).rooms.find((x) => x.roomId === r.roomId)?.nick, 'still')
    await removePassphrase(ops(dataDir, OTHER))
    before = snapshot(dataDir)
    throwsNamed(() => { createRoomStore(dataDir, { keystore: sealedOpen }).save({ ...r, nick: 'y' }) }, 'KeystoreChangedError')
    assert.deepEqual(snapshot(dataDir), before)
  })

  it('a damaged or hostile keystore.json is refused before any key derivation', async () => {
    populate(dataDir, 1)
    await setPassphrase(ops(dataDir, undefined, PASS))
    const path = keystorePath(dataDir)
    const good = JSON.parse(readFileSync(path, 'utf8'))
    const cases: Array<[string, unknown]> = [
      ['not JSON', '{'],
      ['wrong version', { ...good, version: 2 }],
      ['another KDF', { ...good, kdf: { ...good.kdf, name: 'pbkdf2' } }],
      ['huge N', { ...good, kdf: { ...good.kdf, logN: 40 } }],
      ['huge r', { ...good, kdf: { ...good.kdf, r: 1_000_000 } }],
      ['memory beyond the bound', { ...good, kdf: { ...good.kdf, logN: 20, r: 32 } }],
      ['tiny N', { ...good, kdf: { ...good.kdf, logN: 1 } }],
      ['bad key id', { ...good, keyId: '../x' }],
      ['no data key', { ...good, dataKey: undefined }]
    ]
    for (const [what, content] of cases) {
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 })
      const started = Date.now()
      await rejectsNamed(openKeystore(dataDir, { passphrase: async () => PASS }), 'CorruptFileError')
      assert.ok(Date.now() - started < 1000, `${what}: refused at once`)
    }
    // An altered data key reads as a wrong passphrase (the AEAD cannot tell them apart).
    const ct = Buffer.from(good.dataKey.ciphertext, 'base64')
    ct[3] = (ct[3] as number) ^ 0x40
    writeFileSync(path, JSON.stringify({ ...good, dataKey: { ...good.dataKey, ciphertext: ct.toString('base64') } }), { mode: 0o600 })
    await rejectsNamed(openKeystore(dataDir, { passphrase: async () => PASS }), 'WrongPassphraseError')
    // Readable by others: refused like any key file.
    writeFileSync(path, JSON.stringify(good), { mode: 0o600 })
    chmodSync(path, 0o644)
    await rejectsNamed(openKeystore(dataDir, { passphrase: async () => PASS }), 'InsecurePermissionsError')
    chmodSync(path, 0o600)
    await openAll(dataDir, PASS)
  })

  it('an interrupted set is finished by running set again, with the passphrase it set', async () => {
    const { identity, rooms } = populate(dataDir, 3)
    let writes = 0
    const crashAt = (n: number) => (): void => { if (++writes === n) throw new Error('simulated crash') }
    await assert.rejects(setPassphrase(ops(dataDir, undefined, PASS, { afterWrite: crashAt(3) })), /simulated crash/)
    assert.deepEqual(secretsStatus(dataDir, ops(dataDir).secrets), { passphrase: true, plain: 2, sealed: 2 })
    // Readable meanwhile (with the new passphrase), every secret intact.
    const mid = await openAll(dataDir, PASS)
    assert.deepEqual(mid.identity, identity)
    assert.equal(mid.rooms.length, 3)
    // Another passphrase cannot take over a half-sealed directory.
    const before = snapshot(dataDir)
    await rejectsNamed(setPassphrase(ops(dataDir, undefined, OTHER)), 'WrongPassphraseError')
    assert.deepEqual(snapshot(dataDir), before)
    assert.deepEqual(await setPassphrase(ops(dataDir, undefined, PASS)), { converted: 2, resumed: true })
    assert.deepEqual(findSecrets(dataDir, secretsIn(identity, rooms)), [])
    await rejectsNamed(setPassphrase(ops(dataDir, undefined, PASS)), 'PassphraseAlreadySetError')
  })

  it('a set interrupted right after writing its keystore can start over with another passphrase', async () => {
    const { identity } = populate(dataDir, 1)
    await assert.rejects(setPassphrase(ops(dataDir, undefined, PASS, { afterWrite: () => { throw new Error('simulated crash') } })), /simulated crash/)
    assert.deepEqual(secretsStatus(dataDir, ops(dataDir).secrets), { passphrase: true, plain: 2, sealed: 0 })
    assert.deepEqual(await setPassphrase(ops(dataDir, undefined, OTHER)), { converted: 2, resumed: false })
    await rejectsNamed(openKeystore(dataDir, { passphrase: async () => PASS }), 'WrongPassphraseError')
    assert.deepEqual((await openAll(dataDir, OTHER)).identity, identity)
  })

  it('an interrupted remove is finished by running remove again', async () => {
    const { identity, rooms } = populate(dataDir, 3)
    await setPassphrase(ops(dataDir, undefined, PASS))
    let writes = 0
    await assert.rejects(removePassphrase(ops(dataDir, PASS, undefined, { afterWrite: () => { if (++writes === 2) throw new Error('simulated crash') } })), /simulated crash/)
    assert.deepEqual(secretsStatus(dataDir, ops(dataDir).secrets), { passphrase: true, plain: 2, sealed: 2 })
    assert.deepEqual((await openAll(dataDir, PASS)).identity, identity)
    assert.deepEqual(await removePassphrase(ops(dataDir, PASS)), { converted: 2, resumed: false })
    const back = await openAll(dataDir)
    assert.deepEqual(back.identity, identity)
    assert.equal(back.rooms.length, rooms.length)
  })

  it('a damaged secret file stops set and remove before anything is written', async () => {
    const { rooms } = populate(dataDir, 2)
    const path = join(dataDir, 'rooms', (rooms[1] as RoomRecord).roomId, 'room.json')
    const good = readFileSync(path, 'utf8')
    writeFileSync(path, JSON.stringify({ ...JSON.parse(good), secret: 42 }), { mode: 0o600 })
    let before = snapshot(dataDir)
    await rejectsNamed(setPassphrase(ops(dataDir, undefined, PASS)), 'CorruptFileError')
    // The keystore is written before files are converted, but only once every secret was read.
    assert.deepEqual(snapshot(dataDir), before)
    writeFileSync(path, good, { mode: 0o600 })
    await setPassphrase(ops(dataDir, undefined, PASS))
    const sealed = JSON.parse(readFileSync(path, 'utf8'))
    writeFileSync(path, JSON.stringify({ ...sealed, sealedSecret: { ...sealed.sealedSecret, nonce: 'AAAA' } }), { mode: 0o600 })
    before = snapshot(dataDir)
    await rejectsNamed(removePassphrase(ops(dataDir, PASS)), 'CorruptFileError')
    assert.deepEqual(snapshot(dataDir), before)
  })

  it('leftovers of killed writes (which may hold a secret in clear) are deleted by set, and only after a right passphrase by change and remove', async () => {
    const { identity, rooms } = populate(dataDir, 1)
    const r = rooms[0] as RoomRecord
    const roomDir = join(dataDir, 'rooms', r.roomId)
    const leftover = join(roomDir, '.room.json.0123456789ab.tmp')
    const idLeftover = join(dataDir, '.identity.json.ba9876543210.tmp')
    const unrelated = join(roomDir, '.notes.0123456789ab.tmp')
    writeFileSync(leftover, readFileSync(join(roomDir, 'room.json')), { mode: 0o600 })
    writeFileSync(idLeftover, readFileSync(join(dataDir, IDENTITY_FILE)), { mode: 0o600 })
    writeFileSync(unrelated, 'not ours', { mode: 0o600 })
    await setPassphrase(ops(dataDir, undefined, PASS))
    assert.equal(statSync(leftover, { throwIfNoEntry: false }), undefined)
    assert.equal(statSync(idLeftover, { throwIfNoEntry: false }), undefined)
    assert.equal(readFileSync(unrelated, 'utf8'), 'not ours')
    assert.deepEqual(findSecrets(dataDir, secretsIn(identity, rooms)), [])

    writeFileSync(leftover, 'left by a killed remove', { mode: 0o600 })
    const before = snapshot(dataDir)
    await rejectsNamed(removePassphrase(ops(dataDir, OTHER)), 'WrongPassphraseError')
    await rejectsNamed(changePassphrase(ops(dataDir, OTHER, 'a brand new passphrase')), 'WrongPassphraseError')
    assert.deepEqual(snapshot(dataDir), before)
    await changePassphrase(ops(dataDir, PASS, OTHER))
    assert.equal(statSync(leftover, { throwIfNoEntry: false }), undefined)
  })

  it('the default cost is the documented one: scrypt N = 2^17, r = 8, p = 1', () => {
    assert.deepEqual({ ...DEFAULT_SCRYPT }, { logN: 17, r: 8, p: 1 })
    assert.deepEqual([KEYSTORE_SCRYPT_LOG_N, KEYSTORE_SCRYPT_R, KEYSTORE_SCRYPT_P], [17, 8, 1])
  })
})
