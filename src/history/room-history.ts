import { join } from 'node:path'
import { ROOM_HISTORY_MAX_MESSAGES } from '../constants.js'
import { bytesToHex } from '../crypto/index.js'
import { fingerprint } from '../identity/index.js'
import { ChatMessage, MessageKind, decodeChatMessage, envelopeHash, wire } from '../protocol/index.js'
import { HistoryRecord, HistoryVia } from './history.js'
import { checkRecordLog, createRecordLog, type LogCheck, type RecordLog } from './record-log.js'
import { fileExists } from '../store/index.js'

/** How a message reached our history. */
export type Via = 'live' | 'self' | 'repair' | 'catchup'

/** Where one of our own messages is: written here only, published, or held by someone else. */
export type DeliveryStatus = 'pending' | 'sent' | 'acked'

/** One message of a room's history. */
export interface HistoryEntry {
  /** The envelope exactly as published: what we serve to members who missed it. */
  envelope: Uint8Array
  /** SHA-256 of the envelope, hex (its gossipsub message id, and what acks name). */
  hash: string
  /** Sender's identity public key, hex. */
  sender: string
  fingerprint: string
  seq: bigint
  /** Sender's history index (1, 2, 3... per sender and room). */
  index: number
  /** Sender's timestamp, ms. */
  ts: number
  kind: 'text' | 'action'
  nick: string
  body: string
  epoch: number
  /** Our clock, when it was written here. */
  receivedAt: number
  via: Via
  /** Our own messages only. */
  status?: DeliveryStatus
}

/** What a member asks us to send (see the sync protocol). */
export interface HistorySelection {
  /** Entries dated at or after this (ms; 0: none by date, only `want`)... */
  since: number
  /** ...except those at or below this index per sender (hex key), which the asker holds. */
  known: Map<string, number>
  /** Plus these index ranges per sender (gap repair), whatever their date. */
  want: Array<{ sender: string, first: number, last: number }>
  limit: number
}

/** Options of {@link openRoomHistory}. */
export interface RoomHistoryInit {
  /** The room's directory (the log is `history.log` in it). */
  dir: string
  roomId: string
  /** 32-byte key the log is sealed with (derived from the identity, see RoomSession). */
  key: Uint8Array
  /** Our identity public key, hex (our entries are the outbox). */
  self: string
  /** Most messages kept; older ones are dropped when the log is compacted. */
  maxMessages?: number
}

const VIA: Record<Via, HistoryVia> = { live: HistoryVia.LIVE, self: HistoryVia.SELF, repair: HistoryVia.REPAIR, catchup: HistoryVia.CATCHUP }
const VIA_NAME = new Map<HistoryVia, Via>(Object.entries(VIA).map(([k, v]) => [v, k as Via]))

/** What every record of a room's log is bound to: a record cannot be moved to another room's log. */
function historyLabel (roomId: string): string {
  return `cryptochat/1/history|${roomId}`
}

/**
 * What we hold of one sender: everything from `low` to `contig`, then the indexes in
 * `above` (held, past a hole); `top` is the highest.
 */
interface SenderRun {
  low: number
  contig: number
  top: number
  above: Set<number>
}

/** The name of a room's history file in its directory. */
export const HISTORY_FILE = 'history.log'

/**
 * A room's message history: an encrypted append-only log on disk, and in memory the
 * entries, which (sender, index) pairs and envelope hashes we hold (to refuse duplicates
 * and answer acks) and the state of our own messages (the outbox).
 */
export class RoomHistory {
  private readonly log: RecordLog
  private readonly list: HistoryEntry[] = []
  private readonly byHash = new Map<string, HistoryEntry>()
  private readonly held = new Map<string, Map<number, HistoryEntry>>()
  /** Per sender: every index up to this is accounted for (compacted or wiped away). */
  private readonly marks = new Map<string, number>()
  /** Per sender: what is accounted for, kept as messages arrive (gap checks read it often). */
  private readonly runs = new Map<string, SenderRun>()
  private closed = false
  private readonly self: string
  private readonly maxMessages: number
  /** Set when the log's tail was damaged at open: it was moved aside, the rest kept. */
  readonly damaged?: { offset: number, bytes: number, savedAs: string }

  constructor (init: RoomHistoryInit) {
    this.self = init.self
    this.maxMessages = init.maxMessages ?? ROOM_HISTORY_MAX_MESSAGES
    this.log = createRecordLog({ path: join(init.dir, HISTORY_FILE), key: init.key, label: historyLabel(init.roomId) })
    const opened = this.log.open()
    if (opened.damaged != null) this.damaged = opened.damaged
    const { entries, marks } = contentsOf(opened.records, this.self)
    for (const [sender, upto] of marks) this.marks.set(sender, upto)
    for (const entry of entries) this.insert(entry)
    for (const sender of this.marks.keys()) this.rebuildRun(sender)
    if (this.list.length > this.maxMessages * 1.1) this.compact()
  }

  /**
   * Read a room's history without changing anything on disk (no repair of a damaged
   * tail, nothing written): safe while the room is open in another process.
   */
  static read (init: Omit<RoomHistoryInit, 'maxMessages'>): { entries: HistoryEntry[], check: LogCheck } {
    const path = join(init.dir, HISTORY_FILE)
    const records: Uint8Array[] = []
    const check: LogCheck = fileExists(path)
      ? checkRecordLog(path, init.key, historyLabel(init.roomId), { onRecord: (r) => { records.push(r) } })
      : { records: 0, goodBytes: 0, totalBytes: 0, ok: true }
    return { entries: contentsOf(records, init.self).entries, check }
  }

  /** Every entry, in the order it was written here. */
  entries (): readonly HistoryEntry[] {
    return this.list
  }

  get size (): number {
    return this.list.length
  }

  /** The last `limit` entries in display order (sender's time, then arrival). */
  latest (limit: number): HistoryEntry[] {
    return sortForDisplay(this.list.slice(-Math.max(limit * 2, limit + 100))).slice(-limit)
  }

  /** Whether we hold `index` from `sender` (hex). */
  holds (sender: string, index: number): boolean {
    return this.held.get(sender)?.has(index) === true || index <= (this.marks.get(sender) ?? 0)
  }

  /** The entry we hold for `index` from `sender` (undefined: not held, or only accounted for by a mark). */
  entryAt (sender: string, index: number): HistoryEntry | undefined {
    return this.held.get(sender)?.get(index)
  }

  /** The entry with this envelope hash (hex), if we hold it. */
  byEnvelopeHash (hash: string): HistoryEntry | undefined {
    return this.byHash.get(hash)
  }

  /** Indexes held from `sender` above its mark (see {@link lowest}), ascending. */
  heldIndexes (sender: string): number[] {
    return [...(this.runs.get(sender)?.above ?? [])].sort((a, b) => a - b)
  }

  /** Senders we hold messages from (or hold marks for). */
  senders (): string[] {
    return [...new Set([...this.held.keys(), ...this.marks.keys()])]
  }

  /** The lowest index accounted for from `sender` (1 when a mark covers the start; 0: none). */
  lowest (sender: string): number {
    return this.runs.get(sender)?.low ?? 0
  }

  /** Highest index per sender such that we hold every index from its lowest one up to it. */
  contiguous (sender: string): number {
    return this.runs.get(sender)?.contig ?? 0
  }

  /** Highest index accounted for from `sender` (0: none). */
  highest (sender: string): number {
    return this.runs.get(sender)?.top ?? 0
  }

  /** Our own messages not yet acknowledged, oldest first. */
  outbox (): HistoryEntry[] {
    return [...(this.held.get(this.self)?.values() ?? [])].filter((e) => e.status !== 'acked').sort((a, b) => a.index - b.index)
  }

  /**
   * Write a verified message. Returns false (and writes nothing) when we already hold it.
   * Written with one synchronous write: it survives a crash of this process as soon as
   * this returns (an OS crash may lose what {@link sync} has not yet flushed).
   */
  add (entry: HistoryEntry): boolean {
    if (this.closed || this.holds(entry.sender, entry.index) || this.byHash.has(entry.hash)) return false
    this.log.append(encodeEntry(entry))
    this.insert(entry)
    if (this.list.length > this.maxMessages * 1.1) this.compact()
    return true
  }

  /** Mark our own messages acknowledged (persisted, so they are not sent again after a restart). */
  markAcked (indexes: number[]): HistoryEntry[] {
    if (this.closed) return []
    const own = this.held.get(this.self)
    const changed: HistoryEntry[] = []
    for (const i of indexes) {
      const e = own?.get(i)
      if (e != null && e.status !== 'acked') {
        e.status = 'acked'
        changed.push(e)
      }
    }
    if (changed.length > 0) {
      this.log.append(ackRecord(changed.map((e) => e.index)))
    }
    return changed
  }

  /** Entries a member asked for, oldest first (by sender's time), at most `limit`. */
  select (selection: HistorySelection): HistoryEntry[] {
    const out = new Set<HistoryEntry>()
    for (const w of selection.want) {
      const mine = this.held.get(w.sender)
      if (mine == null) continue
      // Walk whichever is smaller: the range (clamped to what we hold) or what we hold.
      const last = Math.min(w.last, this.highest(w.sender))
      if (last - w.first + 1 <= mine.size) {
        for (let i = w.first; i <= last && out.size < selection.limit; i++) {
          const e = mine.get(i)
          if (e != null) out.add(e)
        }
      } else {
        for (const [i, e] of mine) if (i >= w.first && i <= last && out.size < selection.limit) out.add(e)
      }
    }
    for (const e of selection.since > 0 ? this.list : []) {
      if (out.size >= selection.limit) break
      if (e.ts < selection.since) continue
      if (e.index <= (selection.known.get(e.sender) ?? 0)) continue
      if (e.status === 'pending') continue
      out.add(e)
    }
    return sortForDisplay([...out])
  }

  /** Flush written records to disk (fdatasync, off the main thread). */
  async sync (): Promise<void> {
    await this.log.sync()
  }

  /**
   * Forget this room's messages, except ours that nobody has acknowledged yet (they are
   * still to be delivered). What was held stays accounted for (marks), so it is not
   * fetched again by catch-up, and our numbering goes on. Returns how many were dropped.
   */
  wipe (): number {
    const keep = this.list.filter((e) => e.sender === this.self && e.status !== 'acked')
    const dropped = this.list.length - keep.length
    this.rewriteKeeping(keep, this.senders().map((sender) => [sender, this.highest(sender)]))
    return dropped
  }

  /** Close the file; later writes are ignored (a session may still be finishing a request). */
  close (): void {
    this.closed = true
    this.log.close()
  }

  private insert (entry: HistoryEntry): void {
    this.list.push(entry)
    this.byHash.set(entry.hash, entry)
    let mine = this.held.get(entry.sender)
    if (mine == null) this.held.set(entry.sender, mine = new Map())
    mine.set(entry.index, entry)
    this.extendRun(entry.sender, entry.index)
  }

  /**
   * Keep a sender's run up to date as `index` arrives: in order (the common case) it only
   * moves `contig` on; a message older than the lowest we hold is rare, and rebuilds it.
   */
  private extendRun (sender: string, index: number): void {
    const run = this.runs.get(sender)
    if (run == null || index < run.low) {
      this.rebuildRun(sender)
      return
    }
    if (index > run.top) run.top = index
    if (index <= run.contig) return
    if (index > run.contig + 1) {
      run.above.add(index)
      return
    }
    run.contig = index
    while (run.above.delete(run.contig + 1)) run.contig++
  }

  /** Work a sender's run out from scratch (marks changed, or an old message arrived). */
  private rebuildRun (sender: string): void {
    const mark = this.marks.get(sender) ?? 0
    const indexes = [...(this.held.get(sender)?.keys() ?? [])].sort((a, b) => a - b)
    const low = mark > 0 ? 1 : indexes[0] ?? 0
    if (low === 0) {
      this.runs.delete(sender)
      return
    }
    const run: SenderRun = { low, contig: mark > 0 ? mark : low - 1, top: Math.max(mark, indexes[indexes.length - 1] ?? 0), above: new Set() }
    for (const i of indexes) {
      if (i <= run.contig) continue
      if (i === run.contig + 1) run.contig = i
      else run.above.add(i)
    }
    while (run.above.delete(run.contig + 1)) run.contig++
    this.runs.set(sender, run)
  }

  /**
   * Keep the newest `maxMessages` (and every unacknowledged message of ours); what is
   * dropped stays accounted for, up to the highest index dropped per sender (marks).
   */
  private compact (): void {
    const drop = this.list.length - this.maxMessages
    const keep: HistoryEntry[] = []
    const marks = new Map(this.marks)
    this.list.forEach((e, i) => {
      if (i >= drop || (e.sender === this.self && e.status !== 'acked')) keep.push(e)
      else if (e.index > (marks.get(e.sender) ?? 0)) marks.set(e.sender, e.index)
    })
    this.rewriteKeeping(keep, [...marks])
  }

  /** Replace the log (atomically) with these marks and entries, and the memory to match. */
  private rewriteKeeping (keep: HistoryEntry[], marks: Array<[string, number]>): void {
    const records = [marksRecord(marks), ...keep.map(encodeEntry)]
    const ownAcked = keep.filter((e) => e.sender === this.self && e.status === 'acked').map((e) => e.index)
    if (ownAcked.length > 0) records.push(ackRecord(ownAcked))
    this.log.rewrite(records)
    this.list.length = 0
    this.byHash.clear()
    this.held.clear()
    this.marks.clear()
    this.runs.clear()
    for (const [sender, upto] of marks) if (upto > 0) this.marks.set(sender, upto)
    for (const e of keep) this.insert(e)
    for (const sender of this.marks.keys()) this.rebuildRun(sender)
  }
}

/** The fields of a message that history keeps (a verified ChatMessage, or one we are sending). */
export type HistoryMessage = Pick<ChatMessage, 'sender' | 'seq' | 'timestamp' | 'kind' | 'nick' | 'body' | 'index'>

/** A history entry for a message and the envelope it travels in. */
export function historyEntry (message: HistoryMessage, envelope: Uint8Array, epoch: number, receivedAt: number, via: Via): HistoryEntry {
  return {
    envelope,
    hash: bytesToHex(envelopeHash(envelope)),
    sender: bytesToHex(message.sender),
    fingerprint: fingerprint(message.sender),
    seq: message.seq,
    index: Number(message.index),
    ts: Number(message.timestamp),
    kind: message.kind === MessageKind.ACTION ? 'action' : 'text',
    nick: message.nick,
    body: message.body,
    epoch,
    receivedAt,
    via
  }
}

/** Display order: the sender's time, then the order written here. */
export function sortForDisplay (entries: HistoryEntry[]): HistoryEntry[] {
  return entries.map((e, i) => ({ e, i })).sort((a, b) => (a.e.ts - b.e.ts) || (a.i - b.i)).map(({ e }) => e)
}

/** The log record of a message. */
function encodeEntry (e: HistoryEntry): Uint8Array {
  const message = ChatMessage.encode({
    sender: wire(hexBytes(e.sender)),
    seq: e.seq,
    timestamp: BigInt(e.ts),
    kind: e.kind === 'action' ? MessageKind.ACTION : MessageKind.TEXT,
    nick: e.nick,
    body: e.body,
    peerId: '',
    addrs: [],
    index: BigInt(e.index)
  })
  return HistoryRecord.encode({ ...EMPTY_RECORD, envelope: wire(e.envelope), message, epoch: e.epoch, receivedAt: BigInt(e.receivedAt), via: VIA[e.via] })
}

const EMPTY_RECORD: HistoryRecord = { envelope: new Uint8Array(0), message: new Uint8Array(0), epoch: 0, receivedAt: 0n, via: HistoryVia.LIVE, acked: [], marks: [] }

/** The log record saying these of our indexes were acknowledged. */
function ackRecord (indexes: number[]): Uint8Array {
  return HistoryRecord.encode({ ...EMPTY_RECORD, acked: indexes.map(BigInt) })
}

/** The log record saying every index up to `upto` of each sender is accounted for. */
function marksRecord (marks: Array<[string, number]>): Uint8Array {
  return HistoryRecord.encode({ ...EMPTY_RECORD, marks: marks.filter(([, upto]) => upto > 0).map(([sender, upto]) => ({ sender: wire(hexBytes(sender)), upto: BigInt(upto) })) })
}

function hexBytes (hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

/** The messages a log's records hold, in order, with our own messages' acknowledgements applied, and its marks. */
function contentsOf (records: Uint8Array[], self: string): { entries: HistoryEntry[], marks: Map<string, number> } {
  const entries: HistoryEntry[] = []
  const marks = new Map<string, number>()
  const own = new Map<number, HistoryEntry>()
  for (const bytes of records) {
    const record = decodeRecord(bytes)
    if (record == null) continue
    if (record.envelope.length === 0) {
      for (const i of record.acked) {
        const e = own.get(Number(i))
        if (e != null) e.status = 'acked'
      }
      for (const m of record.marks) {
        const sender = bytesToHex(m.sender)
        if (m.sender.length === 32 && Number(m.upto) > (marks.get(sender) ?? 0)) marks.set(sender, Number(m.upto))
      }
      continue
    }
    const entry = toEntry(record, self)
    if (entry == null) continue
    entries.push(entry)
    if (entry.sender === self) own.set(entry.index, entry)
  }
  return { entries, marks }
}

function decodeRecord (bytes: Uint8Array): HistoryRecord | undefined {
  try {
    return HistoryRecord.decode(bytes)
  } catch {
    return undefined
  }
}

function toEntry (record: HistoryRecord, self: string): HistoryEntry | undefined {
  let message: ChatMessage
  try {
    message = decodeChatMessage(record.message)
  } catch {
    return undefined
  }
  const entry = historyEntry(message, record.envelope, record.epoch, Number(record.receivedAt), VIA_NAME.get(record.via) ?? 'live')
  return entry.sender === self ? { ...entry, status: 'pending' } : entry
}
