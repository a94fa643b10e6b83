import { logger } from '@libp2p/logger'
import {
  CATCHUP_MIN_INTERVAL_MS, GAP_REPAIR_DELAY_MS, GAP_REPORT_AFTER_MS, GAP_RETRY_MAX_MS, GAP_RETRY_MIN_MS, JOIN_SKEW_MS,
  SYNC_ENVELOPES_PER_FRAME, SYNC_MAX_ENVELOPES, SYNC_MAX_KNOWN, SYNC_MAX_RANGES, SYNC_MAX_REMEMBERED
} from '../constants.js'
import { bytesToHex, hexToBytes } from '../crypto/index.js'
import type { RoomHistory, Via } from '../history/index.js'
import { packBits, syncResponse, wire, type SyncQuery, type SyncRequest, type SyncResponse } from '../protocol/index.js'
import type { SyncState } from '../room/index.js'
import { countMissing, type Gap, type GapTracker } from './gaps.js'

const log = logger('cryptochat:sync')

function gapKey (gap: Gap): string {
  return `${gap.sender}:${gap.first}:${gap.last}`
}

/** Set a key in a map kept to SYNC_MAX_REMEMBERED entries (the oldest goes first). */
function remember<K, V> (map: Map<K, V>, key: K, value: V): void {
  map.delete(key)
  if (map.size >= SYNC_MAX_REMEMBERED) map.delete(map.keys().next().value as K)
  map.set(key, value)
}

/** Outcome of taking in a fetched envelope. */
export type IngestResult = 'accepted' | 'duplicate' | 'refused'

/** How the room reaches peers for sync (bound by the client to its node and the room's topic key). */
export interface SyncLink {
  /** Members' transport peer ids we are connected to, and the room's relays we are connected to. */
  peers(): { members: string[], relays: string[] }
  request(peer: string, query: Partial<SyncQuery>): AsyncGenerator<SyncResponse>
}

/** A catch-up brought messages we had missed. */
export interface CatchupEvent {
  roomId: string
  count: number
  /** From a member, or a relay's blind store. */
  from: 'member' | 'store'
  peerId: string
}

/** Messages we know exist but nobody we asked could give us. */
export interface GapEvent {
  roomId: string
  /** Sender's fingerprint. */
  fingerprint: string
  /** The sender's nick as we last knew it (may be empty). */
  nick: string
  missing: number
  first: number
  last: number
}

/** Options of {@link RoomSync}. */
export interface RoomSyncInit {
  roomId: string
  history: RoomHistory
  gaps: GapTracker
  link: SyncLink
  /** Verify a fetched envelope exactly as live traffic, write it to history and show it. */
  ingest: (envelope: Uint8Array, via: Via) => IngestResult
  /** The earliest time (ms, sender's clock) of a message we may be shown. */
  joinedAt: number
  loadState: () => SyncState
  saveState: (state: SyncState) => void
  onCatchup: (event: CatchupEvent) => void
  onGap: (event: GapEvent) => void
  fingerprintOf: (sender: string) => string
  nickOf: (sender: string) => string
  /** Under which name a relay's store cursor is kept (stores hold one topic per epoch). Default: the relay's id. */
  storeKey?: (relay: string) => string
  now?: () => number
}

/**
 * Catch-up and gap repair for one room, over the sync protocol: fetch what we missed
 * from members (our history's per-sender high-water marks tell them what to skip) and
 * from relays' blind stores (from where we last read them); ask for the exact indexes
 * of a gap; report what nobody could give us. Also answers members' questions from our
 * history.
 */
export class RoomSync {
  private readonly init: RoomSyncInit
  private readonly now: () => number
  private readonly lastAsked = new Map<string, number>()
  private readonly reported = new Set<string>()
  private gapTimer?: ReturnType<typeof setTimeout>
  private stopped = false
  private repairing = false
  /** When unfilled gaps may be asked about again, and the backoff; reset when a new peer appears. */
  private retryAt = 0
  private retryDelay = GAP_RETRY_MIN_MS
  private lastPeers = ''

  constructor (init: RoomSyncInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  /** Fetch what we missed from a member, unless we asked it recently. */
  async catchUpFromMember (peer: string, force = false): Promise<number> {
    const last = this.lastAsked.get(peer) ?? -Infinity
    if (!force && this.now() - last < CATCHUP_MIN_INTERVAL_MS) return 0
    remember(this.lastAsked, peer, this.now())
    // `since` 0 means "no date-based selection" to the responder: never send 0 here.
    const since = Math.max(this.init.joinedAt - JOIN_SKEW_MS, 1)
    let count = 0
    // One request brings at most SYNC_MAX_ENVELOPES; ask again (what we hold has moved on)
    // while a full batch keeps coming.
    for (let round = 0; round < 20 && !this.stopped; round++) {
      const known = this.init.history.senders().slice(0, SYNC_MAX_KNOWN).map((sender) => ({ sender: wire(hexToBytes(sender)), upto: BigInt(this.init.history.contiguous(sender)) }))
      const got = await this.fetch(peer, { fetch: true, since: BigInt(since), known, limit: SYNC_MAX_ENVELOPES }, 'catchup')
      count += got.accepted
      if (got.received < SYNC_MAX_ENVELOPES || got.accepted === 0) break
    }
    if (count > 0) this.init.onCatchup({ roomId: this.init.roomId, count, from: 'member', peerId: peer })
    this.scheduleGapCheck()
    return count
  }

  /** Fetch what a relay's blind store kept since we last read it (a relay without a store refuses: fine). */
  async catchUpFromStore (relay: string): Promise<number> {
    const state = this.init.loadState()
    const key = this.init.storeKey?.(relay) ?? relay
    let cursor = BigInt(state.storeCursors[key] ?? '0')
    // The first read of a store starts at our join (less the skew), not 7 days back.
    const since = BigInt(Math.max(this.init.joinedAt - JOIN_SKEW_MS, 1))
    let count = 0
    for (let round = 0; round < 20 && !this.stopped; round++) {
      const from = cursor
      const got = await this.fetch(relay, { fetch: true, after: from, since, limit: SYNC_MAX_ENVELOPES }, 'catchup', (c) => { cursor = c })
      count += got.accepted
      if (got.received < SYNC_MAX_ENVELOPES || cursor <= from) break
    }
    if (cursor > BigInt(state.storeCursors[key] ?? '0')) {
      const fresh = this.init.loadState()
      this.init.saveState({ ...fresh, storeCursors: { ...fresh.storeCursors, [key]: cursor.toString() } })
    }
    if (count > 0) this.init.onCatchup({ roomId: this.init.roomId, count, from: 'store', peerId: relay })
    this.scheduleGapCheck()
    return count
  }

  /** Run one request and take in what it returns: how many envelopes came, and how many were new. */
  private async fetch (peer: string, query: Partial<SyncQuery>, via: Via, onCursor?: (cursor: bigint) => void): Promise<{ received: number, accepted: number }> {
    let received = 0
    let accepted = 0
    try {
      for await (const frame of this.init.link.request(peer, query)) {
        if (this.stopped) break
        for (const envelope of frame.envelopes) {
          received++
          if (this.init.ingest(envelope, via) === 'accepted') accepted++
        }
        if (frame.cursor > 0n) onCursor?.(frame.cursor)
      }
    } catch (err: any) {
      log('sync with %s: %s', peer, err.message)
    }
    return { received, accepted }
  }

  /** Look at gaps soon (debounced): out-of-order delivery fills most by itself. */
  scheduleGapCheck (): void {
    if (this.stopped || this.gapTimer != null) return
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined
      void this.repair()
    }, GAP_REPAIR_DELAY_MS)
    this.gapTimer.unref?.()
  }

  /** Ask the members we are linked to (then the relays' stores) for the missing indexes; report what remains. */
  private async repair (): Promise<void> {
    if (this.repairing || this.stopped) return
    const gaps = this.init.gaps.missing()
    if (gaps.length === 0) return
    // Gaps already reported are asked about again only with backoff, or when someone new
    // is reachable: asking the same peers for what they did not have is a busy loop.
    const { members, relays } = this.init.link.peers()
    const peers = [...members, ...relays].sort().join(',')
    const fresh = gaps.some((g) => !this.reported.has(gapKey(g)))
    if (!fresh && peers === this.lastPeers && this.now() < this.retryAt) return
    if (peers !== this.lastPeers || fresh) this.retryDelay = GAP_RETRY_MIN_MS
    this.lastPeers = peers
    this.retryAt = this.now() + this.retryDelay
    this.retryDelay = Math.min(this.retryDelay * 2, GAP_RETRY_MAX_MS)
    this.repairing = true
    try {
      const deadline = this.now() + GAP_REPORT_AFTER_MS
      const want = gaps.slice(0, SYNC_MAX_RANGES).map((g) => ({ sender: wire(hexToBytes(g.sender)), first: BigInt(g.first), last: BigInt(g.last) }))
      for (const peer of members) {
        if (this.init.gaps.missing().length === 0 || this.now() > deadline) break
        await this.fetch(peer, { fetch: true, want, limit: SYNC_MAX_ENVELOPES }, 'repair')
      }
      for (const relay of relays) {
        if (this.init.gaps.missing().length === 0 || this.now() > deadline) break
        await this.catchUpFromStore(relay)
      }
      this.report(this.init.gaps.missing())
    } finally {
      this.repairing = false
    }
  }

  /** Tell the user once about each gap nobody could fill. */
  private report (gaps: Gap[]): void {
    for (const gap of gaps) {
      const key = gapKey(gap)
      if (this.reported.has(key)) continue
      if (this.reported.size >= SYNC_MAX_REMEMBERED) this.reported.delete(this.reported.values().next().value as string)
      this.reported.add(key)
      this.init.onGap({
        roomId: this.init.roomId,
        fingerprint: this.init.fingerprintOf(gap.sender),
        nick: this.init.nickOf(gap.sender),
        missing: countMissing([gap]),
        first: gap.first,
        last: gap.last
      })
    }
  }

  /** Answer a member's verified request from our history. */
  async * serve (request: SyncRequest, maxEpoch = Number.MAX_SAFE_INTEGER): AsyncGenerator<SyncResponse> {
    const history = this.init.history
    const empty = syncResponse()
    if (request.have.length > 0) {
      const bits = request.have.map((h) => history.byEnvelopeHash(bytesToHex(h)) != null)
      yield { ...empty, have: wire(packBits(bits)), done: !request.fetch }
      if (!request.fetch) return
    }
    if (!request.fetch) {
      yield { ...empty, done: true }
      return
    }
    const limit = Math.min(request.limit === 0 ? SYNC_MAX_ENVELOPES : request.limit, SYNC_MAX_ENVELOPES)
    const entries = history.select({
      since: Number(request.since),
      known: new Map(request.known.map((k) => [bytesToHex(k.sender), Number(k.upto)])),
      want: request.want.map((w) => ({ sender: bytesToHex(w.sender), first: Number(w.first), last: Number(w.last) })),
      limit
    }).filter((e) => e.epoch <= maxEpoch)
    for (let i = 0; i < entries.length; i += SYNC_ENVELOPES_PER_FRAME) {
      const done = i + SYNC_ENVELOPES_PER_FRAME >= entries.length
      yield { ...empty, envelopes: entries.slice(i, i + SYNC_ENVELOPES_PER_FRAME).map((e) => wire(e.envelope)), done }
    }
    if (entries.length === 0) yield { ...empty, done: true }
  }

  stop (): void {
    this.stopped = true
    if (this.gapTimer != null) clearTimeout(this.gapTimer)
    this.gapTimer = undefined
  }
}
