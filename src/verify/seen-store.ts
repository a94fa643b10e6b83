import { join } from 'node:path'
import { VERIFY_MAX_SEEN, VERIFY_SEEN_FILE, VERIFY_SEEN_FLUSH_MS } from '../constants.js'
import { addName, readTime, RecordFile, type KnownIdentity } from './record-file.js'

/** An identity met in a room: what `cryptochat verify <fingerprint>` can name without joining. */
export interface SeenIdentity extends KnownIdentity {
  /** First and last time it was heard from (our clock, ms since the epoch). */
  firstSeen: number
  lastSeen: number
}

/** One member heard in one room: its key, as its signed messages carry it, and its nick. */
export interface Sighting {
  publicKey: string
  fingerprint: string
  nick: string
  roomId: string
  /** Our clock, ms. */
  at: number
}

/** Options of {@link SeenStore}. */
export interface SeenStoreInit {
  /** Longest a sighting waits before it is written (default VERIFY_SEEN_FLUSH_MS). */
  flushMs?: number
  /** A write that failed in the background (the file damaged, the disk full). Reported once. */
  onError?: (err: Error) => void
}

function merge (stored: SeenIdentity | undefined, fresh: SeenIdentity): SeenIdentity {
  if (stored == null) return fresh
  let nicks = stored.nicks
  let rooms = stored.rooms
  for (const nick of fresh.nicks) nicks = addName(nicks, nick)
  for (const room of fresh.rooms) rooms = rooms.includes(room) ? rooms : addName(rooms, room)
  return { ...stored, nicks, rooms, firstSeen: Math.min(stored.firstSeen, fresh.firstSeen), lastSeen: Math.max(stored.lastSeen, fresh.lastSeen) }
}

/** The latest-seen `max` of `records`. */
function prune (records: SeenIdentity[], max: number): SeenIdentity[] {
  if (records.length <= max) return records
  return [...records].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, max)
}

/**
 * seen.json in the data directory: every identity met in a room, with the nicks and
 * rooms it was seen under (bounded: the VERIFY_MAX_SEEN latest seen). Sightings are
 * gathered in memory and written together (a room opening brings one per member), at
 * most every `flushMs` and on {@link close}; each write merges into what the file holds
 * then, so processes sharing a data directory add to each other's records.
 */
export class SeenStore {
  private readonly file: RecordFile<SeenIdentity>
  private readonly pending = new Map<string, SeenIdentity>()
  private readonly flushMs: number
  private readonly onError: (err: Error) => void
  private timer?: ReturnType<typeof setTimeout>
  private failed = false

  constructor (dataDir: string, init: SeenStoreInit = {}) {
    this.file = new RecordFile(join(dataDir, VERIFY_SEEN_FILE), 'seen', VERIFY_MAX_SEEN, (raw, known) => ({
      ...known, firstSeen: readTime(raw, 'firstSeen'), lastSeen: readTime(raw, 'lastSeen')
    }))
    this.flushMs = init.flushMs ?? VERIFY_SEEN_FLUSH_MS
    this.onError = init.onError ?? (() => {})
  }

  get path (): string {
    return this.file.path
  }

  /** Note a sighting; written within `flushMs`. */
  record (s: Sighting): void {
    const fresh: SeenIdentity = { publicKey: s.publicKey, fingerprint: s.fingerprint, nicks: [s.nick], rooms: [s.roomId], firstSeen: s.at, lastSeen: s.at }
    this.pending.set(s.fingerprint, merge(this.pending.get(s.fingerprint), fresh))
    if (this.pending.size > VERIFY_MAX_SEEN) {
      const keep = new Set(prune([...this.pending.values()], VERIFY_MAX_SEEN).map((r) => r.fingerprint))
      for (const fp of this.pending.keys()) if (!keep.has(fp)) this.pending.delete(fp)
    }
    if (this.timer == null && !this.failed) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        try {
          this.flush()
        } catch (err: any) {
          // A damaged file stays as it is: stop writing, say so once.
          this.failed = true
          this.onError(err)
        }
      }, this.flushMs)
      this.timer.unref?.()
    }
  }

  /** Every identity seen, the file's and those not yet written. Throws CorruptFileError for a damaged file. */
  list (): SeenIdentity[] {
    const byFp = new Map(this.file.read().map((r) => [r.fingerprint, r]))
    for (const [fp, fresh] of this.pending) byFp.set(fp, merge(byFp.get(fp), fresh))
    return [...byFp.values()]
  }

  /** Write what is pending now. Throws (and keeps it pending) if the file cannot be read or written. */
  flush (): void {
    if (this.pending.size === 0) return
    const records = prune(this.list(), VERIFY_MAX_SEEN)
    this.file.write(records)
    this.pending.clear()
  }

  /** Stop the timer and write what is pending (errors reported as in the background). */
  close (): void {
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = undefined
    if (this.failed) return
    try {
      this.flush()
    } catch (err: any) {
      this.failed = true
      this.onError(err)
    }
  }
}
