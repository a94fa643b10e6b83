import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hostname } from 'node:os'
import { spawnSync } from 'node:child_process'
import { bytesToHex, randomBytes } from '../../src/crypto/index.js'
import {
  createRoomStore, parseRoomId, ReplayWindow, InvalidRoomIdError, UnknownRoomError, type RoomRecord
} from '../../src/room/index.js'
import { CorruptFileError, InsecurePermissionsError } from '../../src/store/index.js'
import { perms, tempDir, throwsNamed } from '../unit-helpers.js'

const sender = 'ab'.repeat(32)

function room (over: Partial<RoomRecord> = {}): RoomRecord {
  return {
    roomId: bytesToHex(randomBytes(16)),
    name: 'Garden 🌱',
    secret: randomBytes(32),
    epoch: 0,
    relays: ['/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'],
    joinedAt: 1_700_000_000_000,
    invitedBy: '0123456789abcdef0123456789abcdef01234567',
    ...over
  }
}

describe('room/parseRoomId', () => {
  it('normalises case and surrounding space', () => {
    const id = bytesToHex(randomBytes(16))
    assert.equal(parseRoomId(id), id)
    assert.equal(parseRoomId(` ${id.toUpperCase()}\n`), id)
  })

  it('refuses anything that is not 32 hex characters', () => {
    const id = bytesToHex(randomBytes(16))
    for (const bad of ['', id.slice(1), id + '0', id.slice(1) + 'g', `${id.slice(0, 16)} ${id.slice(16)}`, '../' + id.slice(3), '0x' + id.slice(2)]) {
      const err = throwsNamed(() => parseRoomId(bad), 'InvalidRoomIdError', bad)
      assert.ok(err instanceof InvalidRoomIdError)
      assert.match(err.message, /32 hex/)
    }
  })
})

describe('room/room-store', () => {
  let dataDir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir: dataDir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('save / get round trip, with and without a nick', () => {
    const store = createRoomStore(dataDir)
    const a = room({ nick: 'ann', epoch: 4, relays: [room().relays[0] as string, '/dns4/r.example.com/tcp/443/wss/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'] })
    const b = room()
    store.save(a)
    store.save(b)
    assert.deepEqual(store.get(a.roomId), a)
    assert.deepEqual(store.get(b.roomId), b)
    assert.equal(store.get(b.roomId)?.nick, undefined)
    assert.deepEqual(store.require(a.roomId.toUpperCase()), a)
    // A fresh store over the same directory sees the same.
    assert.deepEqual(createRoomStore(dataDir).get(a.roomId), a)
  })

  it('save replaces an existing record', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save(a)
    store.save({ ...a, name: 'Renamed', nick: 'newnick' })
    assert.equal(store.get(a.roomId)?.name, 'Renamed')
    assert.equal(store.get(a.roomId)?.nick, 'newnick')
    assert.equal(store.list().length, 1)
  })

  it('a record saved under an upper-case room id reads back', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save({ ...a, roomId: a.roomId.toUpperCase() })
    assert.deepEqual(store.get(a.roomId), a)
    assert.deepEqual(store.list(), [a])
  })

  it('list returns every room, oldest joined first, and ignores stray entries', () => {
    const store = createRoomStore(dataDir)
    assert.deepEqual(store.list(), [])
    const rooms = [room({ joinedAt: 30 }), room({ joinedAt: 10 }), room({ joinedAt: 20 })]
    for (const r of rooms) store.save(r)
    mkdirSync(join(dataDir, 'rooms', 'not-a-room'))
    writeFileSync(join(dataDir, 'rooms', 'README'), 'x')
    mkdirSync(join(dataDir, 'rooms', bytesToHex(randomBytes(16)))) // a room directory without a record
    assert.deepEqual(store.list().map((r) => r.joinedAt), [10, 20, 30])
    assert.deepEqual(store.list(), [rooms[1], rooms[2], rooms[0]])
  })

  it('get of an unknown room is undefined; require of one is UnknownRoomError', () => {
    const store = createRoomStore(dataDir)
    const id = bytesToHex(randomBytes(16))
    assert.equal(store.get(id), undefined)
    const err = throwsNamed(() => store.require(id), 'UnknownRoomError')
    assert.ok(err instanceof UnknownRoomError)
    assert.ok(err.message.includes(`cryptochat join ${id}`))
    assert.throws(() => store.get('nope'), InvalidRoomIdError)
    assert.throws(() => store.get('../../etc'), InvalidRoomIdError)
  })

  it('room files are 0600 and room directories 0700', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save(a)
    store.saveState(a.roomId, { nextSeq: 2n, replay: new ReplayWindow() })
    const dir = join(dataDir, 'rooms', a.roomId)
    assert.equal(perms(statSync(join(dataDir, 'rooms')).mode), 0o700)
    assert.equal(perms(statSync(dir).mode), 0o700)
    assert.deepEqual(readdirSync(dir).sort(), ['replay.json', 'room.json', 'sequence.json'])
    for (const f of readdirSync(dir)) assert.equal(perms(statSync(join(dir, f)).mode), 0o600, f)
    // The secret is stored (base64), as a secret file must be: never world-readable.
    assert.ok(readFileSync(join(dir, 'room.json'), 'utf8').includes(Buffer.from(a.secret).toString('base64').replace(/=+$/, '')))
  })

  it('state starts at sequence 1 with an empty replay window', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save(a)
    const state = store.loadState(a.roomId)
    assert.equal(state.nextSeq, 1n)
    assert.deepEqual(state.replay.toJSON(), {})
  })

  it('state (nextSeq and the replay window) persists', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save(a)
    const state = store.loadState(a.roomId)
    state.nextSeq = 42n
    for (const seq of [1n, 2n, 3n, 10n]) assert.ok(state.replay.accept(sender, seq))
    store.saveState(a.roomId, state)

    const back = createRoomStore(dataDir).loadState(a.roomId)
    assert.equal(back.nextSeq, 42n)
    assert.deepEqual(back.replay.toJSON(), state.replay.toJSON())
    for (const seq of [1n, 2n, 3n, 10n]) assert.equal(back.replay.accept(sender, seq), false, `replay of ${seq} after restart`)
    assert.equal(back.replay.accept(sender, 4n), true)
    // Large sequence numbers survive JSON.
    back.nextSeq = 2n ** 63n + 5n
    store.saveState(a.roomId, back)
    assert.equal(store.loadState(a.roomId).nextSeq, 2n ** 63n + 5n)
  })

  it('a corrupted room file is a CorruptFileError and is left untouched', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save(a)
    const path = join(dataDir, 'rooms', a.roomId, 'room.json')
    const good = JSON.parse(readFileSync(path, 'utf8'))
    for (const bad of [
      'garbage', '', 'null', '[]',
      JSON.stringify({ ...good, secret: Buffer.alloc(16).toString('base64') }),
      JSON.stringify({ ...good, roomId: 'xyz' }),
      JSON.stringify({ ...good, epoch: 'zero' }),
      JSON.stringify({ ...good, relays: [1, 2] }),
      JSON.stringify({ ...good, name: null })
    ]) {
      writeFileSync(path, bad, { mode: 0o600 })
      const err = throwsNamed(() => store.get(a.roomId), 'CorruptFileError', bad.slice(0, 30))
      assert.ok(err instanceof CorruptFileError)
      assert.equal(readFileSync(path, 'utf8'), bad)
    }
  })

  it('a corrupted state file is a CorruptFileError; damaged replay entries are dropped', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save(a)
    const path = join(dataDir, 'rooms', a.roomId, 'sequence.json')
    for (const bad of ['garbage', '{}', '{"nextSeq":"0"}', '{"nextSeq":"-5"}', '{"nextSeq":"1.5"}', 'null']) {
      writeFileSync(path, bad, { mode: 0o600 })
      throwsNamed(() => store.loadState(a.roomId), 'CorruptFileError', bad)
      assert.equal(readFileSync(path, 'utf8'), bad)
    }
    const replayPath = join(dataDir, 'rooms', a.roomId, 'replay.json')
    for (const bad of ['garbage', 'null']) {
      writeFileSync(path, '{"nextSeq":"7"}', { mode: 0o600 })
      writeFileSync(replayPath, bad, { mode: 0o600 })
      throwsNamed(() => store.loadState(a.roomId), 'CorruptFileError', bad)
      assert.equal(readFileSync(replayPath, 'utf8'), bad)
    }
    writeFileSync(replayPath, JSON.stringify({ replay: { [sender]: { top: '3', bits: '7' }, junk: 1 } }), { mode: 0o600 })
    const state = store.loadState(a.roomId)
    assert.equal(state.nextSeq, 7n)
    assert.deepEqual(Object.keys(state.replay.toJSON()), [sender])
    assert.equal(state.replay.accept(sender, 3n), false)
    assert.equal(state.replay.accept(sender, 1n), false)
  })

  it('room files that others can read are refused', () => {
    const store = createRoomStore(dataDir)
    const a = room()
    store.save(a)
    store.saveState(a.roomId, { nextSeq: 3n, replay: new ReplayWindow() })
    for (const file of ['room.json', 'sequence.json', 'replay.json']) {
      const path = join(dataDir, 'rooms', a.roomId, file)
      chmodSync(path, 0o644)
      const call = file === 'room.json' ? () => store.get(a.roomId) : () => store.loadState(a.roomId)
      const err = throwsNamed(call, 'InsecurePermissionsError', file)
      assert.ok(err instanceof InsecurePermissionsError)
      assert.ok(err.message.includes('chmod 600'))
      chmodSync(path, 0o600)
    }
  })
})

describe('room/lock', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('is released and taken again in the same process; a second holder is refused while it is held', async () => {
    const rooms = createRoomStore(dir)
    const r = room()
    rooms.save(r)
    const release = await rooms.lock(r.roomId)
    await assert.rejects(rooms.lock(r.roomId), { name: 'RoomBusyError' })
    await release()
    assert.ok(!readdirSync(rooms.dir(r.roomId)).some((f) => f.startsWith('open.lock')), 'nothing of the lock is left')
    const again = await rooms.lock(r.roomId)
    await again()
  })

  it('a lock left by a process that died (kill -9) is taken over at once; one held by a live process is not', async () => {
    const rooms = createRoomStore(dir)
    const r = room()
    rooms.save(r)
    const roomDir = rooms.dir(r.roomId)
    // What a killed holder leaves: the lock directory and its owner record.
    const leave = (pid: number): void => {
      mkdirSync(join(roomDir, 'open.lock'), { recursive: true })
      writeFileSync(join(roomDir, 'open.lock.owner'), JSON.stringify({ pid, host: hostname() }), { mode: 0o600 })
    }
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number
    leave(dead)
    const release = await rooms.lock(r.roomId)
    await release()
    // The parent of this test process is alive: its lock stands.
    leave(process.ppid)
    await assert.rejects(rooms.lock(r.roomId), { name: 'RoomBusyError' })
  })
})
