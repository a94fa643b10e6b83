/**
 * The encrypted record log on real files: round trips, every way a tail can be torn or a
 * frame altered, a wrong key, atomic rewrites, permissions, and a child process killed
 * with SIGKILL while it appends.
 */
import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { createRecordLog, checkRecordLog, HistoryKeyError, type RecordLog } from '../../src/history/index.js'
import { randomBytes, bytesToHex, concatBytes } from '../../src/crypto/index.js'
import { InsecurePermissionsError } from '../../src/store/index.js'
import { flip, perms, tempDir, throwsNamed } from '../unit-helpers.js'

const LABEL = `cryptochat/1/history|${'ab'.repeat(16)}`
/** 'CCHL', version, then the check frame (length, nonce, tag of the empty record). */
const RECORDS_START = 5 + 4 + 24 + 16
const FRAME_OVERHEAD = 4 + 24 + 16

/** Record `i`: its index, then a filler whose length varies with `i` (0 to 299 bytes). */
function record (i: number): Uint8Array {
  const out = new Uint8Array(4 + (i * 37) % 300).fill(i & 0xff)
  new DataView(out.buffer).setUint32(0, i)
  return out
}

function records (from: number, to: number): Uint8Array[] {
  return Array.from({ length: to - from }, (_, k) => record(from + k))
}

/** Where each record frame starts, and the end of the last one, read from the length fields. */
function frameStarts (bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const starts = [RECORDS_START]
  for (let at = RECORDS_START; at < bytes.length;) {
    at += 4 + 24 + view.getUint32(at)
    starts.push(at)
  }
  return starts
}

function read (path: string): Uint8Array {
  return new Uint8Array(readFileSync(path))
}

describe('history/record-log', () => {
  let dir: string
  let cleanup: () => void
  let path: string
  let key: Uint8Array
  let log: RecordLog
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('cryptochat-history-'))
    path = join(dir, 'history.log')
    key = randomBytes(32)
    log = createRecordLog({ path, key, label: LABEL })
  })
  afterEach(() => {
    log.close()
    cleanup()
  })

  /** Write `bytes` as the log, open it, and return what open() said (the log is left open). */
  function openBytes (bytes: Uint8Array): ReturnType<RecordLog['open']> {
    log.close()
    writeFileSync(path, bytes, { mode: 0o600 })
    return log.open()
  }

  it('round-trips many records, single and batched, including empty and maximum-size ones', () => {
    assert.deepEqual(log.open(), { records: [] })
    assert.equal(log.size(), RECORDS_START)
    const all = records(0, 500)
    all.push(new Uint8Array(0), randomBytes(64 * 1024))
    for (let i = 0; i < 100; i++) log.append(all[i] as Uint8Array)
    log.append(all.slice(100))
    log.append([])
    const again = createRecordLog({ path, key, label: LABEL })
    assert.deepEqual(again.open().records, all)
    again.close()
    assert.equal(log.size(), statSync(path).size)
    assert.deepEqual(checkRecordLog(path, key, LABEL), { records: all.length, goodBytes: log.size(), totalBytes: log.size(), ok: true })
  })

  it('continues after close and reopen, and open() again re-reads the file', () => {
    log.open()
    log.append(records(0, 10))
    log.close()
    assert.deepEqual(log.open().records, records(0, 10))
    log.append(records(10, 20))
    assert.deepEqual(log.open().records, records(0, 20))
    log.append(record(20))
    log.close()
    log.close()
    assert.deepEqual(log.open().records, records(0, 21))
  })

  it('writes the documented format: header, check frame, then length | nonce | ciphertext with AAD label | offset', () => {
    log.open()
    log.append([record(1), record(2)])
    const bytes = read(path)
    assert.deepEqual(bytes.subarray(0, 5), Uint8Array.of(0x43, 0x43, 0x48, 0x4c, 1))
    const [first, second, end] = frameStarts(bytes) as [number, number, number]
    assert.equal(second - first, FRAME_OVERHEAD + record(1).length)
    assert.equal(end, bytes.length)
    const aad = new Uint8Array(LABEL.length + 8)
    aad.set(new TextEncoder().encode(LABEL))
    new DataView(aad.buffer).setBigUint64(LABEL.length, BigInt(second))
    const plain = xchacha20poly1305(key, bytes.subarray(second + 4, second + 28), aad).decrypt(bytes.subarray(second + 28, end))
    assert.deepEqual(plain, record(2))
  })

  it('keeps every complete record when the last frame is cut at any byte, and moves the cut bytes aside', () => {
    log.open()
    log.append(records(0, 5))
    log.close()
    const whole = read(path)
    const lastStart = frameStarts(whole).at(-2) as number
    for (let cut = lastStart + 1; cut < whole.length; cut++) {
      const opened = openBytes(whole.subarray(0, cut))
      assert.deepEqual(opened.records, records(0, 4), `cut at ${cut}`)
      const damaged = opened.damaged
      assert.ok(damaged != null, `cut at ${cut}`)
      assert.equal(damaged.offset, lastStart)
      assert.equal(damaged.bytes, cut - lastStart)
      assert.equal(damaged.reason, 'truncated')
      assert.ok(damaged.savedAs.startsWith(`${path}.damaged-`), damaged.savedAs)
      assert.deepEqual(read(damaged.savedAs), whole.subarray(lastStart, cut))
      assert.equal(statSync(path).size, lastStart)
      log.append(record(4))
      assert.deepEqual(checkRecordLog(path, key, LABEL).ok, true)
      rmSync(damaged.savedAs)
    }
  })

  it('at any cut point, keeps exactly the frames that are whole (property)', () => {
    log.open()
    log.append(records(0, 30))
    log.close()
    const whole = read(path)
    const starts = frameStarts(whole)
    fc.assert(fc.property(fc.integer({ min: RECORDS_START, max: whole.length }), (cut) => {
      const kept = starts.filter((s) => s <= cut).length - 1
      const opened = openBytes(whole.subarray(0, cut))
      assert.deepEqual(opened.records, records(0, kept))
      const goodBytes = starts[kept] as number
      assert.equal(opened.damaged?.offset, goodBytes === cut ? undefined : goodBytes)
      if (opened.damaged != null) {
        assert.deepEqual(read(opened.damaged.savedAs), whole.subarray(goodBytes, cut))
        rmSync(opened.damaged.savedAs)
      }
      assert.equal(log.size(), goodBytes)
    }), { numRuns: 100 })
  })

  it('a flipped bit anywhere in a middle record keeps the records before it and moves the rest aside', () => {
    log.open()
    log.append(records(0, 9))
    log.close()
    const whole = read(path)
    const starts = frameStarts(whole)
    const start = starts[4] as number
    const end = starts[5] as number
    for (let at = start; at < end; at++) {
      const bad = flip(whole, at, 1 << (at % 8))
      const opened = openBytes(bad)
      assert.deepEqual(opened.records, records(0, 4), `flip at ${at}`)
      const damaged = opened.damaged
      assert.ok(damaged != null)
      assert.equal(damaged.offset, start)
      // A flip in the length field may also make the frame impossible or run past the end.
      if (at >= start + 4) assert.equal(damaged.reason, 'not-authentic')
      // Nothing deleted: the moved file holds the damaged frame and every frame after it.
      assert.deepEqual(read(damaged.savedAs), bad.subarray(start))
      assert.equal(perms(statSync(damaged.savedAs).mode), 0o600)
      assert.deepEqual(checkRecordLog(path, key, LABEL), { records: 4, goodBytes: start, totalBytes: start, ok: true })
      rmSync(damaged.savedAs)
    }
  })

  it('detects swapped, dropped, duplicated and foreign frames', () => {
    log.open()
    log.append(records(0, 6))
    log.close()
    const whole = read(path)
    const s = frameStarts(whole)
    const frame = (i: number): Uint8Array => whole.subarray(s[i] as number, s[i + 1] as number)
    const head = whole.subarray(0, s[2] as number)
    const cases: Array<[string, Uint8Array, number]> = [
      ['swapped', concatBytes(head, frame(3), frame(2), frame(4), frame(5)), 2],
      ['dropped', concatBytes(head, frame(3), frame(4), frame(5)), 2],
      ['duplicated', concatBytes(whole, frame(5)), 6],
      ['duplicated in place', concatBytes(head, frame(2), frame(2), frame(3)), 3]
    ]
    // A frame from another log, same key and same offset, but another label.
    const other = createRecordLog({ path: join(dir, 'other.log'), key, label: `${LABEL}x` })
    other.open()
    other.append(records(0, 6))
    other.close()
    const foreign = read(join(dir, 'other.log'))
    cases.push(['foreign', concatBytes(head, foreign.subarray(s[2] as number, s[3] as number), frame(3)), 2])
    for (const [what, bytes, kept] of cases) {
      const opened = openBytes(bytes)
      assert.deepEqual(opened.records, records(0, kept), what)
      assert.equal(opened.damaged?.reason, 'not-authentic', what)
      assert.deepEqual(read(opened.damaged?.savedAs ?? ''), bytes.subarray(s[kept] as number), what)
    }
  })

  it('treats a frame longer than the record limit as damage without allocating for it', () => {
    log.open()
    log.append(records(0, 3))
    log.close()
    const bytes = read(path)
    const starts = frameStarts(bytes)
    new DataView(bytes.buffer).setUint32(starts[1] as number, 0xffffffff)
    const opened = openBytes(bytes)
    assert.equal(opened.records.length, 1)
    assert.equal(opened.damaged?.reason, 'bad-length')
    // A reader with a smaller limit sees a larger record as damage too.
    log.append(new Uint8Array(200))
    const small = checkRecordLog(path, key, LABEL, { maxRecordBytes: 100 })
    assert.deepEqual(small, { records: 1, goodBytes: starts[1], totalBytes: log.size(), ok: false, reason: 'bad-length' })
  })

  it('refuses a wrong key or label with HistoryKeyError and leaves the file byte-identical', () => {
    log.open()
    log.append(records(0, 5))
    log.close()
    const before = read(path)
    const listing = readdirSync(dir)
    for (const wrong of [{ key: randomBytes(32), label: LABEL }, { key, label: `${LABEL}0` }]) {
      const other = createRecordLog({ path, ...wrong })
      const err = throwsNamed(() => other.open(), 'HistoryKeyError')
      assert.ok(err instanceof HistoryKeyError)
      assert.match(err.message, /cannot be decrypted with this identity's key/)
      assert.throws(() => { other.append(record(0)) }, { name: 'HistoryNotOpenError' })
      throwsNamed(() => checkRecordLog(path, wrong.key, wrong.label), 'HistoryKeyError')
    }
    // Even a log with no records yet tells a wrong key apart.
    const empty = join(dir, 'empty.log')
    const emptyLog = createRecordLog({ path: empty, key, label: LABEL })
    emptyLog.open()
    emptyLog.close()
    throwsNamed(() => createRecordLog({ path: empty, key: randomBytes(32), label: LABEL }).open(), 'HistoryKeyError')
    rmSync(empty)
    assert.deepEqual(read(path), before)
    assert.deepEqual(readdirSync(dir), listing)
  })

  it('refuses a file that is not a log (magic, version, torn header) and leaves it unchanged', () => {
    log.open()
    log.close()
    const good = read(path)
    for (const bytes of [new Uint8Array(0), good.subarray(0, 20), flip(good, 0), flip(good, 4), flip(good, 8)]) {
      writeFileSync(path, bytes, { mode: 0o600 })
      throwsNamed(() => log.open(), 'HistoryFormatError')
      throwsNamed(() => checkRecordLog(path, key, LABEL), 'HistoryFormatError')
      assert.deepEqual(read(path), bytes)
    }
    assert.deepEqual(readdirSync(dir), ['history.log'])
  })

  it('rewrite replaces the log, and appends continue on the new file', () => {
    log.open()
    log.append(records(0, 50))
    log.rewrite(records(40, 50))
    log.append(records(50, 55))
    assert.equal(log.size(), statSync(path).size)
    assert.deepEqual(log.open().records, records(40, 55))
    log.rewrite([])
    assert.deepEqual(log.open().records, [])
    assert.deepEqual(readdirSync(dir), ['history.log'], 'no temporary file is left')
    assert.equal(perms(statSync(path).mode), 0o600)
  })

  it('rewrite works on a log that is not open, and leaves it closed', () => {
    log.rewrite(records(0, 3))
    assert.throws(() => { log.append(record(3)) }, { name: 'HistoryNotOpenError' })
    assert.deepEqual(log.open().records, records(0, 3))
  })

  it('a temporary file left by a crashed rewrite never replaces the log and is removed on open', () => {
    log.open()
    log.append(records(0, 10))
    log.close()
    const before = read(path)
    // What a rewrite killed before its rename leaves: a half-written temporary file.
    const leftover = join(dir, '.history.log.0123456789ab.tmp')
    writeFileSync(leftover, before.subarray(0, 77), { mode: 0o600 })
    const unrelated = join(dir, '.history.log.notours.tmp')
    writeFileSync(unrelated, 'x', { mode: 0o600 })
    assert.deepEqual(log.open().records, records(0, 10))
    assert.deepEqual(readdirSync(dir).sort(), ['.history.log.notours.tmp', 'history.log'])
    assert.deepEqual(read(path), before)
  })

  it('creates the log 0600 and refuses one that other users can read, unchanged', () => {
    log.open()
    log.append(record(0))
    assert.equal(perms(statSync(path).mode), 0o600)
    log.close()
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(path, mode)
      const err = throwsNamed(() => log.open(), 'InsecurePermissionsError')
      assert.ok(err instanceof InsecurePermissionsError)
      throwsNamed(() => checkRecordLog(path, key, LABEL), 'InsecurePermissionsError')
      assert.equal(perms(statSync(path).mode), mode)
    }
    chmodSync(path, 0o600)
    assert.deepEqual(log.open().records, [record(0)])
  })

  it('refuses an oversized record with HistoryRecordTooLargeError and writes none of its batch', () => {
    const small = createRecordLog({ path: join(dir, 'small.log'), key, label: LABEL, maxRecordBytes: 100 })
    small.open()
    small.append(new Uint8Array(100))
    const size = small.size()
    throwsNamed(() => { small.append([new Uint8Array(1), new Uint8Array(101)]) }, 'HistoryRecordTooLargeError')
    throwsNamed(() => { small.rewrite([new Uint8Array(101)]) }, 'HistoryRecordTooLargeError')
    assert.equal(small.size(), size)
    assert.deepEqual(small.open().records, [new Uint8Array(100)])
    small.close()
    throwsNamed(() => createRecordLog({ path, key: new Uint8Array(16), label: LABEL }), 'KeyLengthError')
    for (const maxRecordBytes of [-1, 1.5, 2 ** 32]) throwsNamed(() => createRecordLog({ path, key, label: LABEL, maxRecordBytes }), 'RangeError')
  })

  it('append and sync need an open log; sync resolves, also when close() comes first', async () => {
    assert.throws(() => { log.append(record(0)) }, { name: 'HistoryNotOpenError' })
    await assert.rejects(log.sync(), { name: 'HistoryNotOpenError' })
    log.open()
    await log.sync()
    log.append(record(0))
    const pending = log.sync()
    log.close()
    await pending
    await assert.rejects(log.sync(), { name: 'HistoryNotOpenError' })
    assert.equal(log.size(), statSync(path).size)
    assert.deepEqual(log.open().records, [record(0)])
  })

  it('keeps every record a child process appended before it was killed with SIGKILL', async () => {
    log.open()
    log.close()
    const module = new URL('../../src/history/index.js', import.meta.url).href
    // Appends record(i) forever, printing i once append() has returned.
    const child = `
      import { writeSync } from 'node:fs'
      const { createRecordLog } = await import(${JSON.stringify(module)})
      const log = createRecordLog({ path: process.env.LOG_PATH, key: Buffer.from(process.env.LOG_KEY, 'hex'), label: process.env.LOG_LABEL })
      const record = ${record.toString()}
      for (let i = log.open().records.length; ; i++) {
        log.append(record(i))
        writeSync(1, i + '\\n')
      }`
    let expected = 0
    for (let round = 0; round < 3; round++) {
      const printed = await appendUntilKilled(child, { LOG_PATH: path, LOG_KEY: bytesToHex(key), LOG_LABEL: LABEL }, 300)
      assert.ok(printed.length >= 300, `round ${round}: ${printed.length} printed`)
      assert.deepEqual(printed, Array.from({ length: printed.length }, (_, k) => expected + k), 'printed in order from where the log was')
      const opened = log.open()
      log.close()
      assert.ok(opened.records.length >= expected + printed.length, `round ${round}: ${opened.records.length} records`)
      assert.deepEqual(opened.records, records(0, opened.records.length))
      assert.ok(checkRecordLog(path, key, LABEL).ok)
      if (opened.damaged != null) assert.equal(opened.damaged.reason, 'truncated', 'a kill can only cut the last frame short')
      expected = opened.records.length
    }
  })
})

/** Run `script` (an ES module) and SIGKILL it once it has printed `lines` lines; every whole line it printed, as numbers. */
async function appendUntilKilled (script: string, env: Record<string, string>, lines: number): Promise<number[]> {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stderr.on('data', (d: Buffer) => { err += d.toString() })
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    if (out.split('\n').length > lines) proc.kill('SIGKILL')
  })
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => proc.on('close', (c, s) => { resolve([c, s]) }))
  assert.equal(signal, 'SIGKILL', `child ended with code ${code}: ${err}`)
  // The last line may have been cut by the kill: only whole lines were printed after an append returned.
  return out.split('\n').slice(0, -1).map(Number)
}
