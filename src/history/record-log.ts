/**
 * An encrypted, append-only log of records that survives a crash at any point.
 *
 * File format (all integers big-endian):
 *
 * ```
 * header   'CCHL' | version u8 (1)                                  5 bytes, at offset 0
 * check    a frame sealing the empty record                         44 bytes, at offset 5
 * frame*   length u32 | nonce (24 bytes) | ciphertext (length bytes, Poly1305 tag included)
 * ```
 *
 * Every frame is XChaCha20-Poly1305 under the log's key with associated data
 * `label (UTF-8) | offset u64`, where offset is where the frame starts in the file. The
 * label ties a frame to one log; the offset ties it to one place in it, so a dropped,
 * reordered or duplicated frame fails its check like a flipped bit does.
 *
 * The check frame tells a wrong key (or label) apart from damage: when it fails, the log
 * is not ours to repair and {@link HistoryKeyError} is thrown with nothing changed. The
 * header and check frame are only ever written whole (a new file is linked into place,
 * a rewrite renamed over), so a torn header is never our own crash.
 *
 * After the check frame, the first frame that is cut short, claims an impossible length
 * (under the tag, or over the record limit plus the tag) or fails authentication starts
 * the damaged region. `open()` copies that region to `<path>.damaged-<time>` (0600),
 * then truncates the log to its last good frame, so appends continue a valid file.
 *
 * One process writes a log at a time (the caller holds the room's lock): offsets are
 * tracked in memory, not re-read before each append.
 */
import {
  closeSync, constants as fsConstants, fdatasync, fstatSync, fsyncSync, ftruncateSync, linkSync,
  openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync, type Stats
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { logger } from '@libp2p/logger'
import { HISTORY_MAX_RECORD_BYTES, HISTORY_READ_CHUNK_BYTES, NONCE_BYTES } from '../constants.js'
import { seal, open as openSealed, DecryptionError, KeyLengthError, randomBytes, bytesToHex } from '../crypto/index.js'
import { InsecurePermissionsError, syncDir } from '../store/index.js'
import { HistoryFormatError, HistoryKeyError, HistoryNotOpenError, HistoryRecordTooLargeError } from './errors.js'

const log = logger('cryptochat:history')

const MAGIC = [0x43, 0x43, 0x48, 0x4c] // 'CCHL'
const VERSION = 1
const HEADER_BYTES = MAGIC.length + 1
const KEY_BYTES = 32
const TAG_BYTES = 16
const LENGTH_BYTES = 4
const FRAME_OVERHEAD = LENGTH_BYTES + NONCE_BYTES
/** Where the first record frame starts: after the header and the check frame. */
const RECORDS_START = HEADER_BYTES + FRAME_OVERHEAD + TAG_BYTES
const FILE_MODE = 0o600
const NOFOLLOW = process.platform === 'win32' ? 0 : fsConstants.O_NOFOLLOW

/** Options of {@link createRecordLog}. */
export interface RecordLogInit {
  /** The log file; its directory must exist (0700). */
  path: string
  /** 32-byte key every record is sealed under. */
  key: Uint8Array
  /** Bound into every frame's associated data (e.g. `cryptochat/1/history|<roomId>`), so frames cannot move between logs. */
  label: string
  /** Largest plaintext record (default {@link HISTORY_MAX_RECORD_BYTES}); larger appends throw, larger frames read as damage. */
  maxRecordBytes?: number
}

/** Why the damaged region of a log starts where it does. */
export type DamageReason = 'truncated' | 'bad-length' | 'not-authentic'

/** What {@link RecordLog.open} read. */
export interface OpenedLog {
  /** Plaintext records in append order. */
  records: Uint8Array[]
  /** Set when a frame failed its check: everything from `offset` on was moved to `savedAs`, nothing deleted. */
  damaged?: { offset: number, bytes: number, savedAs: string, reason: DamageReason }
}

/** What {@link checkRecordLog} found. */
export interface LogCheck {
  records: number
  /** Bytes before the first bad one (all of them when `ok`). */
  goodBytes: number
  totalBytes: number
  ok: boolean
  reason?: DamageReason
}

/** One encrypted append-only log file. Not safe for two writers. */
export interface RecordLog {
  /**
   * Read and check every record, creating the log if it does not exist. A damaged tail
   * is moved to `<path>.damaged-<time>` (0600) and the log truncated to its last good
   * record; temporary files left by a crashed `rewrite` are removed. Calling it again
   * re-reads the file. Throws {@link HistoryKeyError}, {@link HistoryFormatError} or
   * InsecurePermissionsError with nothing on disk changed.
   */
  open(): OpenedLog
  /** Append records with one write on an O_APPEND fd: they survive a kill -9 of the process once this returns. */
  append(records: Uint8Array | Uint8Array[]): void
  /** fdatasync off the main thread: appends made before the call are on disk (not only in the OS cache) when it resolves. */
  sync(): Promise<void>
  /**
   * Replace the whole log (compaction, wipe): a temporary file, fsynced, renamed over the
   * log, then the directory fsynced. A crash at any point leaves the old or the new log, whole.
   */
  rewrite(records: Uint8Array[]): void
  /** Bytes in the file. */
  size(): number
  /** Close the file (a pending `sync()` still completes). Idempotent. */
  close(): void
}

/** An open log file; closed only when retired and no fdatasync is still using it. */
interface Handle {
  fd: number
  /** Bytes in the file, as far as this process wrote them. */
  end: number
  /** Bytes known to be on disk (fdatasync returned). */
  synced: number
  /** fdatasync calls still using the fd. */
  busy: number
  retired: boolean
  closed?: boolean
}

/** Create the log object; nothing is read or written until {@link RecordLog.open} or {@link RecordLog.rewrite}. */
export function createRecordLog (init: RecordLogInit): RecordLog {
  const { path, key } = init
  const maxRecordBytes = checkInit(init)
  const label = new TextEncoder().encode(init.label)
  let handle: Handle | undefined

  const retire = (): void => {
    if (handle == null) return
    handle.retired = true
    release(handle)
    handle = undefined
  }
  const current = (): Handle => {
    if (handle == null) throw new HistoryNotOpenError(path)
    return handle
  }
  const checkSizes = (records: Uint8Array[]): void => {
    for (const r of records) if (r.length > maxRecordBytes) throw new HistoryRecordTooLargeError(r.length, maxRecordBytes)
  }

  return {
    open () {
      retire()
      const fd = openExisting(path) ?? createLog(path, key, label)
      try {
        const st = fstatSync(fd)
        checkFile(path, st)
        const records: Uint8Array[] = []
        const scan = scanLog(fd, st.size, path, key, label, maxRecordBytes, (r) => records.push(r))
        removeLeftoverTemps(path)
        const opened: OpenedLog = { records }
        if (scan.reason != null) {
          const savedAs = moveAside(fd, path, scan.goodBytes, st.size)
          opened.damaged = { offset: scan.goodBytes, bytes: st.size - scan.goodBytes, savedAs, reason: scan.reason }
          log('%s: %d damaged bytes from offset %d (%s) moved to %s', path, opened.damaged.bytes, scan.goodBytes, scan.reason, savedAs)
        }
        handle = { fd, end: scan.goodBytes, synced: scan.reason != null ? scan.goodBytes : 0, busy: 0, retired: false }
        return opened
      } catch (err) {
        closeSync(fd)
        throw err
      }
    },

    append (input) {
      const records = input instanceof Uint8Array ? [input] : input
      const h = current()
      checkSizes(records)
      if (records.length === 0) return
      const bytes = encodeFrames(key, label, h.end, records)
      try {
        writeAll(h.fd, bytes)
      } catch (err) {
        // A torn frame would hide every later append behind it: cut it off, or stop
        // appending until open() moves it aside.
        try {
          ftruncateSync(h.fd, h.end)
        } catch {
          retire()
        }
        throw err
      }
      h.end += bytes.length
    },

    async sync () {
      const h = current()
      const target = h.end
      if (h.synced >= target) return
      h.busy++
      try {
        await new Promise<void>((resolve, reject) => { fdatasync(h.fd, (err) => { err == null ? resolve() : reject(err) }) })
        h.synced = Math.max(h.synced, target)
      } finally {
        h.busy--
        release(h)
      }
    },

    rewrite (records) {
      checkSizes(records)
      const bytes = concat(header(key, label), encodeFrames(key, label, RECORDS_START, records))
      const tmp = writeTemp(path, bytes)
      try {
        renameSync(tmp, path)
      } catch (err) {
        rmSync(tmp, { force: true })
        throw err
      }
      syncDir(dirname(path))
      if (handle != null) {
        // The open fd still points at the replaced file: continue on the new one.
        retire()
        handle = { fd: openSync(path, fsConstants.O_RDWR | fsConstants.O_APPEND | NOFOLLOW), end: bytes.length, synced: bytes.length, busy: 0, retired: false }
      }
    },

    size () {
      if (handle != null) return handle.end
      try {
        return statSync(path).size
      } catch (err: any) {
        if (err?.code === 'ENOENT') return 0
        throw err
      }
    },

    close () {
      retire()
    }
  }
}

/**
 * Check a log without changing it: how many good records (each passed to `onRecord`, to
 * read a log that another process may be appending to), and where the first bad byte
 * is. Throws like {@link RecordLog.open} (wrong key, not a log, open permissions) and
 * ENOENT when there is no log.
 */
export function checkRecordLog (
  path: string, key: Uint8Array, label: string, options: { maxRecordBytes?: number, onRecord?: (record: Uint8Array) => void } = {}
): LogCheck {
  const maxRecordBytes = checkInit({ path, key, label, ...(options.maxRecordBytes != null ? { maxRecordBytes: options.maxRecordBytes } : {}) })
  const fd = openSync(path, fsConstants.O_RDONLY | NOFOLLOW)
  try {
    const st = fstatSync(fd)
    checkFile(path, st)
    const scan = scanLog(fd, st.size, path, key, new TextEncoder().encode(label), maxRecordBytes, options.onRecord)
    const result: LogCheck = { records: scan.records, goodBytes: scan.goodBytes, totalBytes: st.size, ok: scan.reason == null }
    if (scan.reason != null) result.reason = scan.reason
    return result
  } finally {
    closeSync(fd)
  }
}

function checkInit (init: RecordLogInit): number {
  if (init.key.length !== KEY_BYTES) throw new KeyLengthError(`history key must be ${KEY_BYTES} bytes`)
  const max = init.maxRecordBytes ?? HISTORY_MAX_RECORD_BYTES
  // The length field is a u32 and counts the tag too.
  if (!Number.isSafeInteger(max) || max < 0 || max + TAG_BYTES > 0xffffffff) throw new RangeError(`maxRecordBytes must be an integer from 0 to ${0xffffffff - TAG_BYTES}`)
  return max
}

function checkFile (path: string, st: Stats): void {
  if (!st.isFile()) throw new HistoryFormatError(path, 'it is not a regular file')
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) throw new InsecurePermissionsError(path, st.mode)
}

function aad (label: Uint8Array, offset: number): Uint8Array {
  const out = new Uint8Array(label.length + 8)
  out.set(label)
  new DataView(out.buffer).setBigUint64(label.length, BigInt(offset))
  return out
}

/** Seal `records` as frames that will start at file offset `start`. */
function encodeFrames (key: Uint8Array, label: Uint8Array, start: number, records: Uint8Array[]): Uint8Array {
  let offset = start
  const sealed = records.map((record) => {
    const s = seal(key, aad(label, offset), record)
    offset += FRAME_OVERHEAD + s.ciphertext.length
    return s
  })
  const out = new Uint8Array(offset - start)
  const view = new DataView(out.buffer)
  let at = 0
  for (const s of sealed) {
    view.setUint32(at, s.ciphertext.length)
    out.set(s.nonce, at + LENGTH_BYTES)
    out.set(s.ciphertext, at + FRAME_OVERHEAD)
    at += FRAME_OVERHEAD + s.ciphertext.length
  }
  return out
}

function header (key: Uint8Array, label: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(...MAGIC, VERSION), encodeFrames(key, label, HEADER_BYTES, [new Uint8Array(0)]))
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** Reads a file through one reused buffer, so a scan holds at most a chunk (or one frame) of it. */
class ChunkReader {
  private readonly buf: Uint8Array
  private start = 0
  private length = 0
  constructor (private readonly fd: number, private readonly size: number, capacity: number) {
    this.buf = new Uint8Array(Math.min(size, capacity))
  }

  /** `n` bytes at `offset` (a view valid until the next call), or undefined if the file ends first. */
  read (offset: number, n: number): Uint8Array | undefined {
    if (offset + n > this.size) return undefined
    if (offset < this.start || offset + n > this.start + this.length) {
      const want = Math.min(this.buf.length, this.size - offset)
      let got = 0
      while (got < want) {
        const r = readSync(this.fd, this.buf, got, want - got, offset + got)
        if (r === 0) break
        got += r
      }
      this.start = offset
      this.length = got
      if (got < n) return undefined
    }
    return this.buf.subarray(offset - this.start, offset - this.start + n)
  }
}

interface Scan { records: number, goodBytes: number, reason?: DamageReason }

/** Check every frame of an open log, passing each record to `onRecord`; stops at the first bad frame. */
function scanLog (fd: number, size: number, path: string, key: Uint8Array, label: Uint8Array, maxRecordBytes: number,
  onRecord: (record: Uint8Array) => void = () => {}): Scan {
  const maxFrame = FRAME_OVERHEAD + maxRecordBytes + TAG_BYTES
  const reader = new ChunkReader(fd, size, Math.max(HISTORY_READ_CHUNK_BYTES, maxFrame))
  const magic = reader.read(0, HEADER_BYTES)
  if (magic == null || MAGIC.some((b, i) => magic[i] !== b)) throw new HistoryFormatError(path, 'no CCHL header')
  if (magic[MAGIC.length] !== VERSION) throw new HistoryFormatError(path, `format version ${magic[MAGIC.length] ?? '?'}`)

  const frameAt = (offset: number): Uint8Array | DamageReason => {
    const head = reader.read(offset, FRAME_OVERHEAD)
    if (head == null) return 'truncated'
    const length = new DataView(head.buffer, head.byteOffset).getUint32(0)
    if (length < TAG_BYTES || length > maxRecordBytes + TAG_BYTES) return 'bad-length'
    const frame = reader.read(offset, FRAME_OVERHEAD + length)
    if (frame == null) return 'truncated'
    try {
      return openSealed(key, frame.subarray(LENGTH_BYTES, FRAME_OVERHEAD), aad(label, offset), frame.subarray(FRAME_OVERHEAD))
    } catch (err) {
      if (err instanceof DecryptionError) return 'not-authentic'
      throw err
    }
  }

  const check = frameAt(HEADER_BYTES)
  if (check === 'not-authentic') throw new HistoryKeyError(path)
  if (typeof check === 'string' || check.length !== 0) throw new HistoryFormatError(path, 'its header is cut short or damaged')
  let offset = RECORDS_START
  let records = 0
  while (offset < size) {
    const record = frameAt(offset)
    if (typeof record === 'string') return { records, goodBytes: offset, reason: record }
    onRecord(record)
    records++
    offset += FRAME_OVERHEAD + record.length + TAG_BYTES
  }
  return { records, goodBytes: offset }
}

/** Open the log for reading and appending; undefined if it does not exist. */
function openExisting (path: string): number | undefined {
  try {
    return openSync(path, fsConstants.O_RDWR | fsConstants.O_APPEND | NOFOLLOW)
  } catch (err: any) {
    if (err?.code === 'ENOENT') return undefined
    throw err
  }
}

/** Create an empty log whole (header and check frame), or open the one a racing creator made first. */
function createLog (path: string, key: Uint8Array, label: Uint8Array): number {
  const tmp = writeTemp(path, header(key, label))
  try {
    linkSync(tmp, path)
    syncDir(dirname(path))
  } catch (err: any) {
    if (err?.code !== 'EEXIST') throw err
  } finally {
    rmSync(tmp, { force: true })
  }
  return openSync(path, fsConstants.O_RDWR | fsConstants.O_APPEND | NOFOLLOW)
}

function tempPrefix (path: string): string {
  return `.${basename(path)}.`
}

/** Write `data` to a new fsynced 0600 file `.<name>.<12 hex>.tmp` beside `path`. */
function writeTemp (path: string, data: Uint8Array): string {
  const tmp = join(dirname(path), `${tempPrefix(path)}${bytesToHex(randomBytes(6))}.tmp`)
  const fd = openSync(tmp, 'wx', FILE_MODE)
  try {
    writeAll(fd, data)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    rmSync(tmp, { force: true })
    throw err
  }
  closeSync(fd)
  return tmp
}

/** Remove temporary files a crashed rewrite or create left beside `path` (never renamed, so never part of the log). */
function removeLeftoverTemps (path: string): void {
  const prefix = tempPrefix(path)
  for (const name of readdirSync(dirname(path))) {
    const rest = name.startsWith(prefix) ? name.slice(prefix.length) : ''
    if (/^[0-9a-f]{12}\.tmp$/.test(rest)) rmSync(join(dirname(path), name), { force: true })
  }
}

/** Copy bytes `from`..`size` of the log to a new private file, make that durable, then cut them off the log. */
function moveAside (fd: number, path: string, from: number, size: number): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '')
  let savedAs = `${path}.damaged-${stamp}`
  let out: number | undefined
  for (let n = 2; out == null; n++) {
    try {
      out = openSync(savedAs, 'wx', FILE_MODE)
    } catch (err: any) {
      if (err?.code !== 'EEXIST') throw err
      savedAs = `${path}.damaged-${stamp}-${n}`
    }
  }
  try {
    const buf = new Uint8Array(Math.min(size - from, HISTORY_READ_CHUNK_BYTES))
    for (let at = from; at < size;) {
      const r = readSync(fd, buf, 0, Math.min(buf.length, size - at), at)
      if (r === 0) break
      writeAll(out, buf.subarray(0, r))
      at += r
    }
    fsyncSync(out)
  } catch (err) {
    closeSync(out)
    rmSync(savedAs, { force: true })
    throw err
  }
  closeSync(out)
  // The copy must exist on disk before the only other copy of those bytes is cut off.
  syncDir(dirname(path))
  ftruncateSync(fd, from)
  fsyncSync(fd)
  return savedAs
}

function writeAll (fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at)
}

function release (h: Handle): void {
  if (!h.retired || h.busy > 0 || h.closed === true) return
  h.closed = true
  closeSync(h.fd)
}

