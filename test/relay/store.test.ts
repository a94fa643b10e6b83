/**
 * The relay's blind store engine, on real files in temporary directories: order and
 * cursors, duplicates, age and size caps under a flood, restarts, damaged files, and that
 * nothing readable (message text, room id) ever reaches the disk.
 */
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { createBlindStore, type BlindStore, type BlindStoreInit } from '../../relay-node/store.js'
import { STORE_LOCK_FILE } from '../../relay-node/store-lock.js'
import { crc32, crc32Js } from '../../relay-node/store-file.js'
import { STORE_COMPACT_MIN_DEAD_BYTES, STORE_CURSORS_PER_MS } from '../../src/constants.js'
import { generateSigningKeyPair } from '../../src/crypto/index.js'
import { sealMessage, topicForRoom } from '../../src/protocol/index.js'
import { ctxFor, makeRoom, textMessage } from '../protocol/forge.js'
import { tempDirs } from '../helpers/index.js'
import { toHex } from '../unit-helpers.js'

const topic = (n: number): string => `/cryptochat/1/${n.toString(16).padStart(64, '0')}`
const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest()
const HEADER = 8
const OVERHEAD = 24

/** A distinct envelope-sized blob (the store never looks inside). */
function blob (n: number, size = 200): Uint8Array {
  const out = new Uint8Array(size)
  new DataView(out.buffer).setUint32(0, n)
  out.fill(0xa5, 4)
  return out
}

/** The store's files and their total size. */
function logFiles (dir: string): { names: string[], bytes: number } {
  const names = readdirSync(dir).filter((n) => n.endsWith('.log'))
  return { names, bytes: names.reduce((sum, n) => sum + statSync(join(dir, n)).size, 0) }
}

describe('relay blind store', () => {
  const dirs = tempDirs('cryptochat-store-')
  const open: BlindStore[] = []
  after(() => {
    for (const s of open.splice(0)) s.close()
    dirs.removeAll()
  })

  function openStore (init: Partial<BlindStoreInit> & { dir: string }): BlindStore {
    const store = createBlindStore(init)
    open.push(store)
    return store
  }

  it('frames records with the standard CRC-32, with or without zlib\'s', () => {
    assert.equal(crc32Js(Buffer.from('123456789')), 0xcbf43926)
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926)
    for (const size of [0, 1, 7, 200, 8192]) {
      const bytes = createHash('sha512').update(String(size)).digest().subarray(0, Math.min(size, 64))
      const data = Buffer.concat(Array.from({ length: Math.ceil(size / 64) + 1 }, () => bytes)).subarray(0, size)
      assert.equal(crc32Js(data), crc32(data))
    }
  })

  it('reads back what it kept, oldest first, with increasing cursors per topic', () => {
    const store = openStore({ dir: dirs.make('order') })
    const cursors: bigint[] = []
    for (let i = 0; i < 6; i++) {
      const c = store.put(topic(1), blob(i))
      assert.ok(c != null)
      cursors.push(c)
      assert.ok(store.put(topic(2), blob(100 + i)) != null)
    }
    for (let i = 1; i < cursors.length; i++) assert.ok((cursors[i] as bigint) > (cursors[i - 1] as bigint), 'cursors increase')
    const all = store.read(topic(1), 0n, 100)
    assert.deepEqual(all.map((e) => e.cursor), cursors)
    assert.deepEqual(all.map((e) => e.data), Array.from({ length: 6 }, (_, i) => blob(i)))
    assert.deepEqual(store.read(topic(1), cursors[2] as bigint, 2).map((e) => e.cursor), cursors.slice(3, 5))
    assert.deepEqual(store.read(topic(1), cursors[5] as bigint, 10), [])
    assert.deepEqual(store.read(topic(1), 0n, 0), [])
    assert.equal(store.latest(topic(1)), cursors[5])
    assert.equal(store.latest(topic(3)), 0n)
    assert.deepEqual(store.read(topic(3), 0n, 10), [])
    assert.deepEqual(store.stats(), { topics: 2, envelopes: 12, bytes: 12 * (OVERHEAD + 200) })
  })

  it('keeps only chat topics of the exact form, and no empty or oversized envelope', () => {
    const store = openStore({ dir: dirs.make('topics'), maxEnvelopeBytes: 1000 })
    const refused = [`/cryptochat/1/meet/${'ab'.repeat(32)}`, '/cryptochat/1/abc', `/cryptochat/1/${'A'.repeat(64)}`, `/cryptochat/2/${'0'.repeat(64)}`, topic(1) + '0']
    for (const t of refused) assert.equal(store.put(t, blob(1)), undefined, t)
    assert.equal(store.put(topic(1), new Uint8Array(0)), undefined)
    assert.equal(store.put(topic(1), blob(1, 1001)), undefined)
    assert.ok(store.put(topic(1), blob(1, 1000)) != null)
    assert.equal(store.stats().envelopes, 1)
  })

  it('keeps the same envelope once per topic, and answers which hashes it holds', () => {
    const store = openStore({ dir: dirs.make('dup') })
    const first = store.put(topic(1), blob(7))
    assert.ok(first != null)
    assert.equal(store.put(topic(1), blob(7)), undefined, 'a duplicate is not kept')
    assert.ok(store.put(topic(2), blob(7)) != null, 'the same bytes on another topic are that topic\'s')
    assert.equal(store.read(topic(1), 0n, 10).length, 1)
    assert.deepEqual(store.has(topic(1), [sha256(blob(7)), sha256(blob(8)), sha256(blob(7)).subarray(0, 16)]), [true, false, false])
    assert.deepEqual(store.has(topic(3), [sha256(blob(7))]), [false])
  })

  it('drops envelopes older than maxAgeMs (injected clock), and a topic with nothing left', () => {
    let clock = 1_700_000_000_000
    const dir = dirs.make('age')
    const store = openStore({ dir, maxAgeMs: 60_000, now: () => clock })
    store.put(topic(1), blob(1))
    store.put(topic(2), blob(2))
    clock += 30_000
    const young = store.put(topic(1), blob(3))
    clock += 30_001
    // The first two are now older than a minute: gone from reads at once, from disk at the sweep.
    assert.deepEqual(store.read(topic(1), 0n, 10).map((e) => e.cursor), [young])
    store.sweep()
    assert.deepEqual(store.stats(), { topics: 1, envelopes: 1, bytes: OVERHEAD + 200 })
    assert.equal(logFiles(dir).names.length, 1, 'the emptied topic\'s file is removed')
    clock += 30_000
    store.sweep()
    assert.deepEqual(store.stats(), { topics: 0, envelopes: 0, bytes: 0 })
    assert.equal(logFiles(dir).names.length, 0)
  })

  it('holds the per-topic and total caps after every put of a flood, and wears down the biggest topics first', () => {
    const dir = dirs.make('flood')
    const maxTopicBytes = 256 * 1024
    const maxTotalBytes = 1024 * 1024
    const store = openStore({ dir, maxTopicBytes, maxTotalBytes })
    // A quiet room with a little history, then a flood on eight other topics.
    const quiet = Array.from({ length: 10 }, (_, i) => store.put(topic(100), blob(i, 1024)))
    const topics = 8
    const diskBound = 2 * maxTotalBytes + (topics + 1) * (HEADER + STORE_COMPACT_MIN_DEAD_BYTES)
    let maxDisk = 0
    for (let i = 0; i < 20_000; i++) {
      const t = topic(i % topics)
      assert.ok(store.put(t, blob(1000 + i, 1024)) != null)
      const stats = store.stats()
      assert.ok(stats.bytes <= maxTotalBytes, `after put ${i}: ${stats.bytes} bytes kept`)
      const disk = logFiles(dir).bytes
      maxDisk = Math.max(maxDisk, disk)
      assert.ok(disk <= diskBound, `after put ${i}: ${disk} bytes on disk`)
      if (i % 1000 === 999) {
        for (let k = 0; k < topics; k++) {
          const kept = store.read(topic(k), 0n, 1_000_000)
          assert.ok(kept.length * (OVERHEAD + 1024) <= maxTopicBytes, `topic ${k} holds ${kept.length} envelopes`)
        }
      }
    }
    // The newest envelope of each flooded topic is kept, and the quiet room lost nothing.
    for (let k = 0; k < topics; k++) {
      const last = 20_000 - topics + k
      assert.deepEqual(store.read(topic(k), store.latest(topic(k)) - 1n, 1)[0]?.data, blob(1000 + last, 1024))
    }
    assert.deepEqual(store.read(topic(100), 0n, 100).map((e) => e.cursor), quiet)
    assert.ok(maxDisk > maxTotalBytes / 2, 'the flood did fill the store')
  })

  it('holds maxEnvelopes, taking from the topics with the most envelopes', () => {
    const store = openStore({ dir: dirs.make('count'), maxEnvelopes: 20 })
    const quiet = [store.put(topic(100), blob(1, 40)), store.put(topic(100), blob(2, 40))]
    for (let i = 0; i < 500; i++) {
      assert.ok(store.put(topic(i % 3), blob(1000 + i, 40)) != null)
      assert.ok(store.stats().envelopes <= 20)
    }
    assert.equal(store.stats().envelopes, 20)
    assert.deepEqual(store.read(topic(100), 0n, 10).map((e) => e.cursor), quiet)
    // The other 18 are shared out about evenly (which topic is one up depends on the order of puts).
    const counts = [0, 1, 2].map((k) => store.read(topic(k), 0n, 100).length)
    assert.ok(counts.every((n) => n >= 5 && n <= 7), JSON.stringify(counts))
  })

  it('refuses a new topic once maxTopics hold live envelopes, and makes way only for one whose envelopes all expired', () => {
    const dir = dirs.make('topics-cap')
    let clock = 1_700_000_000_000
    const store = openStore({ dir, maxTopics: 3, maxAgeMs: 60_000, now: () => clock })
    for (const n of [1, 2, 3]) assert.ok(store.put(topic(n), blob(n)) != null)
    clock += 1000
    assert.ok(store.put(topic(1), blob(11)) != null)
    assert.equal(store.put(topic(4), blob(4)), undefined, 'no slot for a new topic')
    assert.equal(store.holds(topic(4)), false)
    assert.deepEqual(store.stats(), { topics: 3, envelopes: 4, bytes: 4 * (OVERHEAD + 200) })
    for (const n of [1, 2, 3]) assert.equal(store.holds(topic(n)), true)
    assert.ok(store.put(topic(2), blob(12)) != null, 'held topics still take envelopes')
    // Topic 3's only envelope expires (1 and 2 each keep a younger one): topic 4 takes its place.
    clock += 59_500
    assert.ok(store.put(topic(4), blob(4)) != null)
    assert.equal(store.holds(topic(3)), false)
    assert.equal(store.put(topic(5), blob(5)), undefined)
    assert.equal(logFiles(dir).names.length, 3)
  })

  it('tells from which cursor to read what was received since a time, even after the clock was set back', () => {
    const t0 = 1_700_000_000_000
    let clock = t0
    const store = openStore({ dir: dirs.make('since'), now: () => clock })
    const first = store.put(topic(1), blob(1)) as bigint
    clock += 10
    const second = store.put(topic(1), blob(2)) as bigint
    clock += 10
    const third = store.put(topic(1), blob(3)) as bigint
    const since = (ms: number): Uint8Array[] => store.read(topic(1), store.cursorAt(topic(1), ms), 10).map((e) => e.data)
    assert.equal(store.cursorAt(topic(1), 0), 0n)
    assert.equal(store.cursorAt(topic(1), t0), 0n, 'everything')
    assert.equal(store.cursorAt(topic(1), t0 + 1), first)
    assert.equal(store.cursorAt(topic(1), t0 + 10), first)
    assert.equal(store.cursorAt(topic(1), t0 + 11), second)
    assert.equal(store.cursorAt(topic(1), t0 + 21), third, 'none yet: the latest cursor')
    assert.equal(store.cursorAt(topic(1), Number.MAX_VALUE), third)
    assert.equal(store.cursorAt(topic(2), t0), 0n, 'a topic not held')
    assert.deepEqual(since(t0 + 10), [blob(2), blob(3)])
    // The clock set back 15 ms: this envelope (received at t0 + 5) gets a cursor past the
    // last one, so reads since t0 + 10 or t0 + 20 include it: none received since is skipped.
    clock -= 15
    assert.ok((store.put(topic(1), blob(4)) as bigint) > third)
    assert.deepEqual(since(t0 + 10), [blob(2), blob(3), blob(4)])
    assert.deepEqual(since(t0 + 20), [blob(3), blob(4)])
  })

  it('keeps its data and its cursors across a restart, even with the clock set back', () => {
    const dir = dirs.make('restart')
    let clock = 1_700_000_000_000
    const first = createBlindStore({ dir, now: () => clock })
    const before = [first.put(topic(1), blob(1)), first.put(topic(1), blob(2)), first.put(topic(2), blob(3))]
    const kept = first.read(topic(1), 0n, 10)
    first.close()
    assert.equal(first.put(topic(1), blob(9)), undefined, 'a closed store keeps nothing')

    clock -= 3_600_000
    const second = openStore({ dir, now: () => clock })
    assert.deepEqual(second.read(topic(1), 0n, 10), kept)
    assert.deepEqual(second.stats(), { topics: 2, envelopes: 3, bytes: 3 * (OVERHEAD + 200) })
    assert.equal(second.latest(topic(2)), before[2])
    assert.equal(second.put(topic(1), blob(1)), undefined, 'still a duplicate after the restart')
    const next = second.put(topic(1), blob(4))
    assert.ok(next != null && next > (before[1] as bigint), 'the cursor keeps increasing')
  })

  it('never reuses a cursor when a dropped topic comes back within the same millisecond', () => {
    let clock = 1_700_000_000_000
    const store = openStore({ dir: dirs.make('same-ms'), maxAgeMs: 1000, now: () => clock })
    const first = [store.put(topic(1), blob(1)), store.put(topic(1), blob(2))]
    clock += 1001
    store.sweep()
    assert.equal(store.holds(topic(1)), false, 'topic 1 expired and was dropped')
    clock -= 1001
    const again = store.put(topic(1), blob(4)) as bigint
    assert.ok(again > (first[1] as bigint), `${again} > ${first[1]}`)
  })

  it('never reuses a cursor after a topic was emptied and its file removed', () => {
    const dir = dirs.make('reuse')
    let clock = 1_700_000_000_000
    const first = createBlindStore({ dir, maxAgeMs: 1000, now: () => clock })
    let last = 0n
    for (let i = 0; i < 50; i++) last = first.put(topic(1), blob(i)) as bigint
    clock += 2000
    first.sweep()
    assert.equal(logFiles(dir).names.length, 0)
    first.close()
    const second = openStore({ dir, maxAgeMs: 1000, now: () => clock })
    const next = second.put(topic(1), blob(1000)) as bigint
    assert.ok(next > last, `${next} > ${last}`)
    assert.ok(next >= BigInt(clock * STORE_CURSORS_PER_MS))
  })

  it('cuts a torn or damaged tail, keeping every record before it, and carries on', () => {
    const dir = dirs.make('torn')
    const first = createBlindStore({ dir })
    const cursors = Array.from({ length: 5 }, (_, i) => first.put(topic(1), blob(i)) as bigint)
    first.close()
    const [name] = logFiles(dir).names
    const file = join(dir, name as string)
    const whole = statSync(file).size
    const record = OVERHEAD + 200

    // A crash in the middle of a write: half a record at the end.
    appendFileSync(file, readFileSync(file).subarray(HEADER, HEADER + record / 2))
    let store = createBlindStore({ dir })
    assert.deepEqual(store.read(topic(1), 0n, 10).map((e) => e.cursor), cursors)
    assert.equal(statSync(file).size, whole, 'the torn tail was cut off')
    store.close()

    // The last record cut short.
    truncateSync(file, whole - 10)
    store = createBlindStore({ dir })
    assert.deepEqual(store.read(topic(1), 0n, 10).map((e) => e.cursor), cursors.slice(0, 4))
    store.close()

    // A flipped byte in the third record's envelope: its CRC fails, the first two stay.
    const bytes = readFileSync(file)
    bytes[HEADER + 2 * record + 30] = (bytes[HEADER + 2 * record + 30] as number) ^ 0x40
    writeFileSync(file, bytes)
    store = openStore({ dir })
    assert.deepEqual(store.read(topic(1), 0n, 10).map((e) => e.cursor), cursors.slice(0, 2))
    assert.equal(statSync(file).size, HEADER + 2 * record)
    const next = store.put(topic(1), blob(77))
    assert.ok(next != null && next > (cursors[4] as bigint))
    assert.deepEqual(store.read(topic(1), cursors[1] as bigint, 10).map((e) => e.data), [blob(77)])
  })

  it('notices a file damaged while it is open: reads stop there, the rest is cut', () => {
    const dir = dirs.make('damaged-live')
    // A clock that stands still: the cursors after the cut must still not repeat.
    const store = openStore({ dir, now: () => 1_700_000_000_000 })
    const cursors = Array.from({ length: 5 }, (_, i) => store.put(topic(1), blob(i)) as bigint)
    const file = join(dir, logFiles(dir).names[0] as string)
    const bytes = readFileSync(file)
    bytes[HEADER + 2 * (OVERHEAD + 200) + 30] = (bytes[HEADER + 2 * (OVERHEAD + 200) + 30] as number) ^ 0x01
    writeFileSync(file, bytes)
    assert.deepEqual(store.read(topic(1), 0n, 10).map((e) => e.cursor), cursors.slice(0, 2))
    assert.deepEqual(store.stats(), { topics: 1, envelopes: 2, bytes: 2 * (OVERHEAD + 200) })
    const next = store.put(topic(1), blob(9))
    assert.ok(next != null && next > (cursors[4] as bigint), 'cursors are not reused after the cut')
    assert.equal(store.read(topic(1), 0n, 10).length, 3)
  })

  it('survives garbage and stray files in its directory', () => {
    const dir = dirs.make('garbage')
    const first = createBlindStore({ dir })
    first.put(topic(1), blob(1))
    first.close()
    const garbage = join(dir, `${'e'.repeat(64)}.log`)
    writeFileSync(garbage, Buffer.alloc(5000, 0x37))
    writeFileSync(join(dir, `${'f'.repeat(64)}.log`), '')
    writeFileSync(join(dir, `.${'1'.repeat(64)}.log.0123456789ab.tmp`), 'half a compaction')
    writeFileSync(join(dir, 'notes.txt'), 'not ours')
    const store = openStore({ dir })
    assert.deepEqual(store.stats(), { topics: 1, envelopes: 1, bytes: OVERHEAD + 200 })
    assert.deepEqual(readdirSync(dir).sort(), [logFiles(dir).names[0], 'notes.txt', STORE_LOCK_FILE].sort())
  })

  it('is private on disk and refuses a directory another store holds', () => {
    const dir = dirs.make('private')
    const store = openStore({ dir: join(dir, 'store') })
    store.put(topic(1), blob(1))
    assert.equal(statSync(join(dir, 'store')).mode & 0o777, 0o700)
    for (const name of logFiles(store.dir).names) assert.equal(statSync(join(store.dir, name)).mode & 0o777, 0o600)
    assert.throws(() => createBlindStore({ dir: store.dir }), (err: Error) => err.name === 'DataDirError' && /already open/.test(err.message))
  })

  it('takes over a lock left by a process that is gone', () => {
    const dir = dirs.make('stale-lock')
    writeFileSync(join(dir, STORE_LOCK_FILE), '999999999\n')
    const store = openStore({ dir })
    assert.ok(store.put(topic(1), blob(1)) != null)
    assert.equal(readFileSync(join(dir, STORE_LOCK_FILE), 'utf8').trim(), String(process.pid))
  })

  it('writes nothing readable: no message text, nick, room id, key or topic reaches the disk', () => {
    const dir = dirs.make('canary')
    const store = openStore({ dir })
    const room = makeRoom()
    const alice = generateSigningKeyPair()
    const canary = `canary-${toHex(room.roomId)}-${Date.now()}`
    const chatTopic = topicForRoom(room.secret, room.roomId)
    for (let i = 1; i <= 20; i++) {
      const bytes = sealMessage(ctxFor(room, alice), textMessage(BigInt(i), `${canary} number ${i}`, 'canary-nick'))
      assert.ok(store.put(chatTopic, bytes) != null)
    }
    assert.equal(store.read(chatTopic, 0n, 100).length, 20)
    store.close()
    const secrets: Array<[string, Uint8Array]> = [
      ['message text', Buffer.from(canary)],
      ['nick', Buffer.from('canary-nick')],
      ['room id (hex)', Buffer.from(toHex(room.roomId))],
      ['room id (bytes)', room.roomId],
      ['room secret', room.secret],
      ['room key', room.key],
      ['sender public key', alice.publicKey],
      ['topic', Buffer.from(chatTopic)],
      ['topic hex', Buffer.from(chatTopic.slice('/cryptochat/1/'.length))]
    ]
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(dir, name)).isFile())
    assert.equal(logFiles(dir).names.length, 1)
    for (const name of files) {
      const content = Buffer.concat([Buffer.from(name), readFileSync(join(dir, name))])
      for (const [what, needle] of secrets) assert.equal(content.indexOf(needle), -1, `${what} found in ${name}`)
    }
  })
})
