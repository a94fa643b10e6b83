import { rmSync } from 'node:fs'
import { logger } from '@libp2p/logger'
import {
  MAX_ENVELOPE_BYTES, STORE_COMPACT_MIN_DEAD_BYTES, STORE_CURSORS_PER_MS, STORE_DEFAULT_MAX_AGE_MS,
  STORE_DEFAULT_MAX_ENVELOPES, STORE_DEFAULT_MAX_TOPIC_BYTES, STORE_DEFAULT_MAX_TOPICS, STORE_DEFAULT_MAX_TOTAL_BYTES, TOPIC_PATTERN
} from '../src/constants.js'
import { ensurePrivateDir } from '../src/store/index.js'
import {
  FILE_HEADER_BYTES, RECORD_OVERHEAD, appendRecord, compactStoreFile, encodeRecord, envelopeHashKey, readEnvelopes, type RecordLocation
} from './store-file.js'
import { TopicIndex, hashKey, type TopicFile } from './store-index.js'
import { listStoreFiles, loadTopicFile, topicFilePath, topicKey } from './store-load.js'
import { lockStoreDir } from './store-lock.js'

const log = logger('cryptochat:relay:store')

/** Options of {@link createBlindStore}. Sizes count whole records: envelope plus 24 bytes of framing. */
export interface BlindStoreInit {
  /** Directory of the store's files (e.g. `<relay data dir>/store`); created 0700 if missing. */
  dir: string
  /** Envelopes older than this are dropped (default {@link STORE_DEFAULT_MAX_AGE_MS}, 7 days). */
  maxAgeMs?: number
  /** Most bytes kept per topic; the oldest go first (default 8 MiB). */
  maxTopicBytes?: number
  /** Most bytes kept in all; taken first from the topics that hold the most (default 512 MiB). */
  maxTotalBytes?: number
  /**
   * Most topics kept (default 1024). Past it a new topic is refused, unless some topic has
   * nothing live left (that one is dropped): a new topic never pushes out a room's history.
   */
  maxTopics?: number
  /**
   * Most envelopes kept in all, taken first from the topics that hold the most (default
   * {@link STORE_DEFAULT_MAX_ENVELOPES}). It bounds the index in memory, about 130 bytes per
   * envelope, which the byte caps alone do not: a well-formed envelope can be 30 bytes.
   */
  maxEnvelopes?: number
  /** Largest envelope kept (default {@link MAX_ENVELOPE_BYTES}). */
  maxEnvelopeBytes?: number
  /** The clock, ms since the epoch (tests inject one). */
  now?: () => number
}

/** An envelope as kept: exactly the bytes a member put. */
export interface StoredEnvelope {
  /** Its place in the topic: strictly increasing, never reused, also across restarts. */
  cursor: bigint
  /** When the relay received it (its own clock, ms since the epoch). */
  receivedAt: number
  data: Uint8Array
}

/** What the store holds. `bytes` counts whole records (see {@link BlindStoreInit}). */
export interface BlindStoreStats {
  topics: number
  envelopes: number
  bytes: number
}

/**
 * The relay's blind store: the last envelopes members put on each chat topic, on disk.
 * Ciphertext only: it holds no key, and is never given a room id or anything in clear.
 * Every method is total: bad files and I/O errors are logged, never thrown. Who may put
 * is decided by its caller (the store service checks each request's room proof).
 */
export interface BlindStore {
  /** The store's directory. */
  readonly dir: string
  /**
   * Keep an envelope put on `topic` (only `/cryptochat/1/<64 hex>` topics; others are
   * ignored). Returns its cursor, or undefined if it was not kept (a duplicate of one held,
   * too big, a new topic while `maxTopics` topics hold live envelopes, the store closed, a
   * write error).
   */
  put(topic: string, data: Uint8Array): bigint | undefined
  /** Whether the store holds anything (live) for `topic`: a put there creates no topic. */
  holds(topic: string): boolean
  /** Envelopes of `topic` with cursor above `after`, oldest first, at most `limit`. */
  read(topic: string, after: bigint, limit: number): StoredEnvelope[]
  /** Which of these envelope hashes (SHA-256 of the envelope bytes) the store holds for `topic`. */
  has(topic: string, hashes: Uint8Array[]): boolean[]
  /** The topic's newest cursor (0n if it holds nothing). */
  latest(topic: string): bigint
  /**
   * The cursor to read after to get the envelopes of `topic` received at or after
   * `sinceMs` (relay clock, ms since the epoch): 0n when that is all of them, the latest
   * cursor when none. None received at or after `sinceMs` is skipped; after the relay's
   * clock was set back, a few received before it may be included.
   */
  cursorAt(topic: string, sinceMs: number): bigint
  stats(): BlindStoreStats
  /** Drop what is too old, enforce the caps and reclaim file space (also done as envelopes come). */
  sweep(): void
  /** Release the directory; later calls keep nothing and find nothing. */
  close(): void
}

/** Dropped topics whose last cursor is remembered (a few hundred KB at most). */
const FORGOTTEN_TOPICS = 4096

/**
 * Open (or create) a blind store in `init.dir`, rebuilding its index from the files there:
 * a torn or damaged tail is cut off and the rest kept; an unreadable file is removed.
 * Throws only a `DataDirError` (the directory cannot be created, or another process uses it).
 */
export function createBlindStore (init: BlindStoreInit): BlindStore {
  const maxAgeMs = init.maxAgeMs ?? STORE_DEFAULT_MAX_AGE_MS
  const maxTopicBytes = init.maxTopicBytes ?? STORE_DEFAULT_MAX_TOPIC_BYTES
  const maxTotalBytes = init.maxTotalBytes ?? STORE_DEFAULT_MAX_TOTAL_BYTES
  const maxTopics = init.maxTopics ?? STORE_DEFAULT_MAX_TOPICS
  const maxEnvelopes = init.maxEnvelopes ?? STORE_DEFAULT_MAX_ENVELOPES
  const maxEnvelopeBytes = init.maxEnvelopeBytes ?? MAX_ENVELOPE_BYTES
  const now = (): number => Math.max(0, Math.floor((init.now ?? Date.now)()))
  const dir = init.dir

  ensurePrivateDir(dir)
  const unlock = lockStoreDir(dir)
  const topics = new Map<string, TopicFile>()
  let totalBytes = 0
  let envelopes = 0
  let closed = false

  const evictOldest = (t: TopicFile): void => {
    totalBytes -= t.index.shift()
    envelopes--
  }

  /**
   * The last cursors of topics dropped while running. A topic that comes back in the same
   * millisecond (or after the clock was set back) must not be handed a cursor again.
   */
  const forgotten = new Map<string, number>()
  const forget = (key: string, lastCursor: number): void => {
    forgotten.delete(key)
    forgotten.set(key, lastCursor)
    if (forgotten.size > FORGOTTEN_TOPICS) forgotten.delete(forgotten.keys().next().value as string)
  }

  const dropTopic = (key: string, t: TopicFile): void => {
    totalBytes -= t.index.liveBytes
    envelopes -= t.index.count
    topics.delete(key)
    forget(key, t.index.lastCursor)
    try {
      rmSync(t.path, { force: true })
    } catch (err: any) {
      log.error('cannot remove %s: %s', t.path, err?.message)
    }
  }

  /** After evictions: remove an empty topic, or rewrite a file that is at least half dead. */
  const settle = (key: string, t: TopicFile): void => {
    if (t.index.count === 0) {
      dropTopic(key, t)
      return
    }
    const start = t.index.firstOffset() as number
    const dead = start - FILE_HEADER_BYTES
    if (dead < Math.max(t.index.liveBytes, STORE_COMPACT_MIN_DEAD_BYTES)) return
    try {
      t.fileBytes = compactStoreFile(t.path, start, t.fileBytes)
      t.index.moveBack(dead)
    } catch (err: any) {
      log.error('cannot compact %s (it stays as it is): %s', t.path, err?.message)
    }
  }

  const expire = (t: TopicFile, at: number): void => {
    const cutoff = at - maxAgeMs
    while ((t.index.oldestTime() ?? Infinity) < cutoff) evictOldest(t)
  }

  /** The topic that holds the most by `measure` (on a tie, the one whose oldest envelope is oldest). */
  const heaviest = (measure: (index: TopicIndex) => number): [string, TopicFile] | undefined => {
    let best: [string, TopicFile] | undefined
    let bestWeight = 0
    for (const entry of topics) {
      const index = entry[1].index
      const weight = measure(index)
      if (index.count === 0 || weight < bestWeight) continue
      if (best == null || weight > bestWeight || (index.oldestTime() as number) < (best[1].index.oldestTime() as number)) {
        best = entry
        bestWeight = weight
      }
    }
    return best
  }

  /** The topic written least recently (only to apply a lowered `maxTopics`). */
  const stalest = (): [string, TopicFile] | undefined => {
    let best: [string, TopicFile] | undefined
    for (const entry of topics) {
      if (best == null || (entry[1].index.newestTime() ?? -Infinity) < (best[1].index.newestTime() ?? -Infinity)) best = entry
    }
    return best
  }

  /**
   * Evict until `bytes` more bytes and `count` more envelopes fit under the total caps: from
   * the topic holding the most each time, so a flood on some topics (anyone can make up
   * rooms and put into them) wears those topics down before it touches a quiet room's
   * history.
   */
  const makeRoom = (bytes: number, count: number, touched: Map<string, TopicFile>): void => {
    for (;;) {
      const overBytes = totalBytes + bytes > maxTotalBytes
      if (!overBytes && envelopes + count <= maxEnvelopes) return
      const victim = heaviest(overBytes ? (index) => index.liveBytes : (index) => index.count)
      if (victim == null) return
      evictOldest(victim[1])
      touched.set(victim[0], victim[1])
    }
  }

  /**
   * Whether a new topic may be created: below `maxTopics`, or once the topics whose every
   * envelope has expired are dropped. Never by pushing out a topic with live envelopes: that
   * would let anyone who makes up rooms erase a quiet room's history.
   */
  const slotForNewTopic = (at: number): boolean => {
    if (topics.size < maxTopics) return true
    const cutoff = at - maxAgeMs
    for (const [key, t] of topics) {
      if ((t.index.newestTime() ?? -Infinity) < cutoff) dropTopic(key, t)
    }
    return topics.size < maxTopics
  }

  /** A topic's file, if it holds anything live (expired envelopes dropped first). */
  const live = (topic: string): TopicFile | undefined => {
    if (closed || !TOPIC_PATTERN.test(topic)) return undefined
    const key = topicKey(topic)
    const t = topics.get(key)
    if (t == null) return undefined
    expire(t, now())
    settle(key, t)
    return topics.get(key)
  }

  const put = (topic: string, data: Uint8Array): bigint | undefined => {
    const size = RECORD_OVERHEAD + data.length
    if (closed || !TOPIC_PATTERN.test(topic) || data.length === 0 || data.length > maxEnvelopeBytes || size > Math.min(maxTopicBytes, maxTotalBytes)) return undefined
    const key = topicKey(topic)
    const hash = envelopeHashKey(data)
    if (topics.get(key)?.index.has(hash) === true) return undefined
    const at = now()
    let t = topics.get(key)
    if (t == null) {
      if (!slotForNewTopic(at)) return undefined
      t = { path: topicFilePath(dir, key), index: new TopicIndex(), fileBytes: 0 }
      t.index.lastCursor = forgotten.get(key) ?? 0
      forgotten.delete(key)
      topics.set(key, t)
    }
    const touched = new Map<string, TopicFile>([[key, t]])
    expire(t, at)
    while (t.index.count > 0 && t.index.liveBytes + size > maxTopicBytes) evictOldest(t)
    makeRoom(size, 1, touched)
    const cursor = Math.max(t.index.lastCursor + 1, at * STORE_CURSORS_PER_MS)
    let kept = false
    try {
      if (!Number.isSafeInteger(cursor)) throw new Error(`the clock reads ${at}, too far ahead for a cursor`)
      const offset = t.fileBytes === 0 ? FILE_HEADER_BYTES : t.fileBytes
      t.fileBytes = appendRecord(t.path, t.fileBytes, encodeRecord(cursor, at, data))
      t.index.push({ cursor, receivedAt: at, offset, size }, hash)
      totalBytes += size
      envelopes++
      kept = true
    } catch (err: any) {
      log.error('cannot write to %s: %s', t.path, err?.message)
    }
    for (const [k, victim] of touched) settle(k, victim)
    return kept ? BigInt(cursor) : undefined
  }

  const read = (topic: string, after: bigint, limit: number): StoredEnvelope[] => {
    const t = live(topic)
    if (t == null || !(limit >= 1)) return []
    const first = t.index.firstAfter(after)
    const locations = Array.from({ length: Math.min(Math.floor(limit), t.index.count - first) }, (_, i) => t.index.at(first + i))
    let found: Uint8Array[]
    try {
      const { envelopes: read, damaged } = readEnvelopes(t.path, locations)
      if (damaged) {
        log.error('%s changed under the store; reloading it', t.path)
        reload(topicKey(topic), t)
      }
      found = read
    } catch (err: any) {
      log.error('cannot read %s: %s; reloading it', t.path, err?.message)
      reload(topicKey(topic), t)
      found = []
    }
    return found.map((data, i) => {
      const loc = locations[i] as RecordLocation
      return { cursor: BigInt(loc.cursor), receivedAt: loc.receivedAt, data }
    })
  }

  /** Forget a topic's index and rebuild it from its file (cutting what is damaged). */
  const reload = (key: string, t: TopicFile): void => {
    totalBytes -= t.index.liveBytes
    envelopes -= t.index.count
    topics.delete(key)
    loadFile(key, t.path)
    // Cursors handed out for records that were cut must not be handed out again.
    const reloaded = topics.get(key)
    if (reloaded != null) reloaded.index.lastCursor = Math.max(reloaded.index.lastCursor, t.index.lastCursor)
    else forget(key, t.index.lastCursor)
  }

  /** Index one file found in the directory (see {@link loadTopicFile}). */
  const loadFile = (key: string, path: string): void => {
    // Framing is judged by the protocol's bound, not the configured one: lowering
    // hub.maxMessageBytes must not make earlier, larger records look damaged.
    const t = loadTopicFile(path, Math.max(maxEnvelopeBytes, MAX_ENVELOPE_BYTES))
    if (t == null) return
    topics.set(key, t)
    totalBytes += t.index.liveBytes
    envelopes += t.index.count
  }

  const cursorAt = (topic: string, sinceMs: number): bigint => {
    const t = live(topic)
    if (t == null || !(sinceMs > 0)) return 0n
    // A cursor is at least its envelope's arrival time times STORE_CURSORS_PER_MS (see put),
    // so every envelope received at or after sinceMs has a cursor at or above this bound.
    const bound = BigInt(Math.min(Math.floor(sinceMs), Number.MAX_SAFE_INTEGER)) * BigInt(STORE_CURSORS_PER_MS)
    const first = t.index.firstAfter(bound - 1n)
    if (first === 0) return 0n
    if (first >= t.index.count) return BigInt(t.index.lastCursor)
    return BigInt(t.index.at(first - 1).cursor)
  }

  const sweep = (): void => {
    if (closed) return
    const at = now()
    const touched = new Map<string, TopicFile>()
    for (const [key, t] of topics) {
      expire(t, at)
      while (t.index.liveBytes > maxTopicBytes) evictOldest(t)
      touched.set(key, t)
    }
    // Only needed when the caps were lowered since the files were written.
    while (topics.size > maxTopics) {
      const victim = stalest() as [string, TopicFile]
      touched.delete(victim[0])
      dropTopic(victim[0], victim[1])
    }
    makeRoom(0, 0, touched)
    for (const [key, t] of touched) settle(key, t)
  }

  try {
    for (const { key, path } of listStoreFiles(dir)) loadFile(key, path)
  } catch (err) {
    unlock()
    throw err
  }
  sweep()
  log('opened %s: %d topics, %d envelopes, %d bytes', dir, topics.size, envelopes, totalBytes)

  return {
    dir,
    put,
    read,
    has: (topic, hashes) => {
      const t = live(topic)
      return hashes.map((h) => t != null && h.length === 32 && t.index.has(hashKey(h)))
    },
    holds: (topic) => live(topic) != null,
    latest: (topic) => BigInt(live(topic)?.index.lastCursor ?? 0),
    cursorAt,
    stats: () => ({ topics: topics.size, envelopes, bytes: totalBytes }),
    sweep,
    close () {
      if (closed) return
      closed = true
      topics.clear()
      unlock()
    }
  }
}
