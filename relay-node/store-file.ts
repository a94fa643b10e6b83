/**
 * The on-disk format of the relay's blind store: one append-only file per chat topic.
 *
 * ```
 * file    magic "CCSTORE" | version u8 (1)                                  8 bytes
 * record* length u32 | cursor u64 | receivedAt u64 | envelope | crc32 u32    24 + length bytes
 * ```
 *
 * Integers are big-endian. `length` is the envelope's size, `receivedAt` the relay's clock
 * (ms since the epoch) when the envelope arrived, and the CRC-32 (IEEE) covers every byte of
 * the record before it. The envelope is stored exactly as it was forwarded: ciphertext the
 * relay cannot read. Cursors increase strictly within a file.
 *
 * A record is written with one `writeSync`, so it is in the kernel's hands (and survives a
 * kill -9) when `put` returns; there is no fsync per record, so a power failure may lose the
 * last records or tear one. Reading stops at the first record that is cut short, claims an
 * impossible length, fails its CRC or does not increase the cursor: that tail is cut off
 * (the file truncated to its last good record) and everything before it kept.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs'
import * as crypto from 'node:crypto'
import * as zlib from 'node:zlib'
import { basename, dirname, join } from 'node:path'
import { STORE_READ_CHUNK_BYTES } from '../src/constants.js'

const MAGIC = Buffer.from('CCSTORE\x01', 'latin1')
/** Bytes before the first record. */
export const FILE_HEADER_BYTES = MAGIC.length
const RECORD_HEAD_BYTES = 4 + 8 + 8
/** Bytes a record takes besides its envelope. */
export const RECORD_OVERHEAD = RECORD_HEAD_BYTES + 4
const FILE_MODE = 0o600

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 (IEEE 802.3, as zlib's) in JavaScript: `zlib.crc32` only exists from Node 20.15. */
export function crc32Js (bytes: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/**
 * CRC-32 of `bytes`: zlib's where Node has it (the same function, several times faster when
 * a large store is loaded), else {@link crc32Js}. It detects torn and flipped records, not
 * tampering.
 */
export const crc32: (bytes: Uint8Array) => number = typeof (zlib as any).crc32 === 'function'
  ? (bytes) => (zlib as any).crc32(bytes) >>> 0
  : crc32Js

/** One-shot hashing (Node 20.12+) allocates less than a Hash object per envelope. */
const oneShotHash: ((algorithm: string, data: Uint8Array, encoding: 'latin1') => string) | undefined = (crypto as any).hash

/**
 * SHA-256 of an envelope as a 32-character latin1 string: the store's identity for it (the
 * same digest as its gossipsub message id), in the form the index keys on.
 */
export function envelopeHashKey (data: Uint8Array): string {
  return oneShotHash != null ? oneShotHash('sha256', data, 'latin1') : crypto.createHash('sha256').update(data).digest('binary')
}

/** One record as found in a file. */
export interface RecordLocation {
  cursor: number
  receivedAt: number
  /** Where the record starts in the file. */
  offset: number
  /** Bytes the whole record takes ({@link RECORD_OVERHEAD} + envelope). */
  size: number
}

/** A record found by {@link scanStoreFile}, with its envelope's hash (see {@link envelopeHashKey}). */
export interface ScannedRecord extends RecordLocation {
  hashKey: string
}

/** What {@link scanStoreFile} found. */
export interface StoreFileScan {
  records: ScannedRecord[]
  /** Length of the good prefix: the header and every record in `records`. 0 if the header is bad. */
  goodBytes: number
  /** The file's size as found. */
  size: number
  /** Why reading stopped before the end of the file, if it did. */
  problem?: string
}

/** Encode one record. */
export function encodeRecord (cursor: number, receivedAt: number, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_OVERHEAD + data.length)
  out.writeUInt32BE(data.length, 0)
  out.writeBigUInt64BE(BigInt(cursor), 4)
  out.writeBigUInt64BE(BigInt(receivedAt), 12)
  out.set(data, RECORD_HEAD_BYTES)
  out.writeUInt32BE(crc32(out.subarray(0, RECORD_HEAD_BYTES + data.length)), RECORD_HEAD_BYTES + data.length)
  return out
}

/** The envelope length a record head claims, or why it is impossible. */
function claimedLength (head: Buffer, maxEnvelopeBytes: number): number | string {
  const length = head.readUInt32BE(0)
  return length === 0 || length > maxEnvelopeBytes ? `a record claims ${length} bytes` : length
}

/** Check a whole record (`bytes` is exactly one record); its cursor and time, or why it is bad. */
function checkRecord (bytes: Buffer, previousCursor: number): { cursor: number, receivedAt: number } | string {
  const end = bytes.length - 4
  if (end < RECORD_HEAD_BYTES || bytes.readUInt32BE(0) !== end - RECORD_HEAD_BYTES) return 'a record has the wrong length'
  if (bytes.readUInt32BE(end) !== crc32(bytes.subarray(0, end))) return 'a record fails its CRC'
  const cursor = bytes.readBigUInt64BE(4)
  const receivedAt = bytes.readBigUInt64BE(12)
  if (cursor > BigInt(Number.MAX_SAFE_INTEGER) || receivedAt > BigInt(Number.MAX_SAFE_INTEGER)) return 'a record has an impossible cursor or time'
  if (Number(cursor) <= previousCursor) return 'a record does not increase the cursor'
  return { cursor: Number(cursor), receivedAt: Number(receivedAt) }
}

/** Reads a file through one reused buffer, so a scan holds at most a chunk of it. */
class ChunkReader {
  private readonly buf: Buffer
  private start = 0
  private length = 0
  constructor (private readonly fd: number, private readonly size: number, capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1, Math.min(size, capacity)))
  }

  /** `n` bytes at `offset` (a view valid until the next call), or undefined if the file ends first. */
  view (offset: number, n: number): Buffer | undefined {
    if (offset + n > this.size) return undefined
    if (offset < this.start || offset + n > this.start + this.length) {
      this.start = offset
      this.length = readFully(this.fd, this.buf, Math.min(this.buf.length, this.size - offset), offset)
      if (this.length < n) return undefined
    }
    return this.buf.subarray(offset - this.start, offset - this.start + n)
  }
}

/** Read all of `length` bytes at `position` (fewer only at the end of the file). */
function readFully (fd: number, into: Buffer, length: number, position: number): number {
  let got = 0
  while (got < length) {
    const n = readSync(fd, into, got, length - got, position + got)
    if (n === 0) break
    got += n
  }
  return got
}

/**
 * Read a store file through one buffer and list its good records. Never throws for bad
 * content (that is reported in `problem`); throws only if the file cannot be read at all.
 */
export function scanStoreFile (path: string, maxEnvelopeBytes: number): StoreFileScan {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const reader = new ChunkReader(fd, size, Math.max(STORE_READ_CHUNK_BYTES, RECORD_OVERHEAD + maxEnvelopeBytes))
    const records: ScannedRecord[] = []
    const magic = reader.view(0, FILE_HEADER_BYTES)
    if (magic == null || !magic.equals(MAGIC)) return { records, goodBytes: 0, size, problem: 'it does not start with the store header' }
    let offset = FILE_HEADER_BYTES
    let previous = -1
    const stop = (problem: string): StoreFileScan => ({ records, goodBytes: offset, size, problem })
    while (offset < size) {
      const head = reader.view(offset, RECORD_HEAD_BYTES)
      if (head == null) return stop('the last record is cut short')
      const length = claimedLength(head, maxEnvelopeBytes)
      if (typeof length === 'string') return stop(length)
      const record = reader.view(offset, RECORD_OVERHEAD + length)
      if (record == null) return stop('the last record is cut short')
      const checked = checkRecord(record, previous)
      if (typeof checked === 'string') return stop(checked)
      const hashKey = envelopeHashKey(record.subarray(RECORD_HEAD_BYTES, RECORD_HEAD_BYTES + length))
      records.push({ cursor: checked.cursor, receivedAt: checked.receivedAt, offset, size: record.length, hashKey })
      previous = checked.cursor
      offset += record.length
    }
    return { records, goodBytes: offset, size }
  } finally {
    closeSync(fd)
  }
}

/** Cut a file back to its first `length` bytes. */
export function truncateStoreFile (path: string, length: number): void {
  const fd = openSync(path, 'r+')
  try {
    ftruncateSync(fd, length)
  } finally {
    closeSync(fd)
  }
}

/**
 * Append `record` to the file at `path`, whose current length is `size` (0: create it,
 * header first, 0600). One `writeSync` per record; if it fails part way, the file is cut
 * back to `size` so that no torn record stays behind a later good one. Returns the new size.
 */
export function appendRecord (path: string, size: number, record: Buffer): number {
  const bytes = size === 0 ? Buffer.concat([MAGIC, record]) : record
  const fd = openSync(path, size === 0 ? 'w' : 'r+', FILE_MODE)
  try {
    let written = 0
    try {
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, size + written)
    } catch (err) {
      try { ftruncateSync(fd, size) } catch {}
      throw err
    }
  } finally {
    closeSync(fd)
  }
  return size + bytes.length
}

/**
 * Read the records at `locations` (consecutive in the file, oldest first) and return their
 * envelopes, checking each record against what the index says. Stops at the first record
 * that does not match (the file was changed under us): `damaged` then says so.
 */
export function readEnvelopes (path: string, locations: RecordLocation[]):
{ envelopes: Uint8Array[], damaged: boolean } {
  const envelopes: Uint8Array[] = []
  if (locations.length === 0) return { envelopes, damaged: false }
  const fd = openSync(path, 'r')
  try {
    const endOf = (loc: RecordLocation): number => loc.offset + loc.size
    let i = 0
    while (i < locations.length) {
      // One read per run of records that fits the chunk (always at least one record).
      const start = (locations[i] as RecordLocation).offset
      let j = i + 1
      while (j < locations.length && endOf(locations[j] as RecordLocation) - start <= STORE_READ_CHUNK_BYTES) j++
      const buf = Buffer.allocUnsafe(endOf(locations[j - 1] as RecordLocation) - start)
      if (readFully(fd, buf, buf.length, start) < buf.length) return { envelopes, damaged: true }
      for (; i < j; i++) {
        const loc = locations[i] as RecordLocation
        const record = buf.subarray(loc.offset - start, endOf(loc) - start)
        const checked = checkRecord(record, loc.cursor - 1)
        if (typeof checked === 'string' || checked.cursor !== loc.cursor) return { envelopes, damaged: true }
        envelopes.push(new Uint8Array(record.subarray(RECORD_HEAD_BYTES, record.length - 4)))
      }
    }
    return { envelopes, damaged: false }
  } finally {
    closeSync(fd)
  }
}

/**
 * Rewrite the file at `path` keeping only its bytes from `from` to `size` (the live
 * records, after the evicted ones): copied to a private temporary file beside it, fsynced
 * (rare, and a lost rewrite would lose the whole topic), then renamed over it. Returns the
 * new size. On failure the old file is left as it was.
 */
export function compactStoreFile (path: string, from: number, size: number): number {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomBytes(6).toString('hex')}.tmp`)
  const src = openSync(path, 'r')
  try {
    const dst = openSync(tmp, 'wx', FILE_MODE)
    try {
      writeSync(dst, MAGIC, 0, MAGIC.length, 0)
      const buf = Buffer.allocUnsafe(Math.min(STORE_READ_CHUNK_BYTES, Math.max(1, size - from)))
      let copied = 0
      while (from + copied < size) {
        const n = readFully(src, buf, Math.min(buf.length, size - from - copied), from + copied)
        if (n === 0) throw new Error(`${path} ended early while being compacted`)
        let written = 0
        while (written < n) written += writeSync(dst, buf, written, n - written, FILE_HEADER_BYTES + copied + written)
        copied += n
      }
      fsyncSync(dst)
    } finally {
      closeSync(dst)
    }
    renameSync(tmp, path)
    return FILE_HEADER_BYTES + size - from
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  } finally {
    closeSync(src)
  }
}

/** Whether a directory entry is a compaction's temporary file (left over if it crashed). */
export function isCompactionLeftover (name: string): boolean {
  return /^\..+\.[0-9a-f]{12}\.tmp$/.test(name)
}
