import type { RecordLocation } from './store-file.js'

/** One topic's file and its index. */
export interface TopicFile {
  path: string
  index: TopicIndex
  /** The file's length: header, evicted records not yet compacted away, live records. */
  fileBytes: number
}

/** The index's key for an envelope hash (a 32-character latin1 string: compact in V8). */
export function hashKey (hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1')
}

/** The first live records are dropped from the columns in one go once this many are dead. */
const SHRINK_AFTER = 1024

/**
 * The in-memory index of one topic's file: for each live record, oldest first, its cursor,
 * arrival time, place in the file and envelope hash; the envelopes themselves stay on disk.
 *
 * Kept as columns (arrays of plain numbers, stored unboxed by V8) plus one set of hashes:
 * about 130 bytes per envelope (measured with a million), less than an object per record,
 * which carries its own header and boxes its numbers.
 * Records are only ever added at the end and evicted from the front, so the live records
 * are always one contiguous run of the file, after the evicted ones.
 */
export class TopicIndex {
  private cursors: number[] = []
  private times: number[] = []
  private offsets: number[] = []
  private sizes: number[] = []
  private hashes: string[] = []
  /** Columns before `head` are evicted records not yet cut from the arrays. */
  private head = 0
  private readonly held = new Set<string>()
  /** Bytes the live records take on disk (framing included). */
  liveBytes = 0
  /** The newest cursor ever added (kept after its record is evicted). */
  lastCursor = 0

  /** Live records. */
  get count (): number {
    return this.cursors.length - this.head
  }

  /** Whether an envelope with this hash (as a latin1 string) is held. */
  has (hashKey: string): boolean {
    return this.held.has(hashKey)
  }

  push (record: RecordLocation, hashKey: string): void {
    this.cursors.push(record.cursor)
    this.times.push(record.receivedAt)
    this.offsets.push(record.offset)
    this.sizes.push(record.size)
    this.hashes.push(hashKey)
    this.held.add(hashKey)
    this.liveBytes += record.size
    this.lastCursor = Math.max(this.lastCursor, record.cursor)
  }

  /** Evict the oldest record; returns the bytes it took. */
  shift (): number {
    if (this.count === 0) return 0
    const size = this.sizes[this.head] as number
    this.held.delete(this.hashes[this.head] as string)
    this.head++
    this.liveBytes -= size
    if (this.head >= SHRINK_AFTER && this.head * 2 >= this.cursors.length) {
      for (const column of [this.cursors, this.times, this.offsets, this.sizes, this.hashes]) column.splice(0, this.head)
      this.head = 0
    }
    return size
  }

  /** Arrival time of the oldest live record. */
  oldestTime (): number | undefined {
    return this.count > 0 ? this.times[this.head] : undefined
  }

  /** Arrival time of the newest live record. */
  newestTime (): number | undefined {
    return this.count > 0 ? this.times[this.cursors.length - 1] : undefined
  }

  /** Where the live records start in the file. */
  firstOffset (): number | undefined {
    return this.count > 0 ? this.offsets[this.head] : undefined
  }

  /** Index (among live records, 0 = oldest) of the first record whose cursor is above `after`. */
  firstAfter (after: bigint): number {
    if (after < 0n) return 0
    if (after >= BigInt(Number.MAX_SAFE_INTEGER)) return this.count
    const target = Number(after)
    let lo = this.head
    let hi = this.cursors.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.cursors[mid] as number) <= target) lo = mid + 1
      else hi = mid
    }
    return lo - this.head
  }

  /** Live record `i` (0 = oldest). */
  at (i: number): RecordLocation {
    const j = this.head + i
    return { cursor: this.cursors[j] as number, receivedAt: this.times[j] as number, offset: this.offsets[j] as number, size: this.sizes[j] as number }
  }

  /** The file was rewritten without its first `removed` bytes after the header: move every offset back. */
  moveBack (removed: number): void {
    for (let j = this.head; j < this.offsets.length; j++) this.offsets[j] = (this.offsets[j] as number) - removed
  }
}
