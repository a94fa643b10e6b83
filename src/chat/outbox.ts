import { logger } from '@libp2p/logger'
import { ACK_POLL_BUSY_MS, ACK_POLL_MAX_MS, ACK_POLL_MIN_MS, OUTBOX_MAX_UNSTORED, SYNC_MAX_HAVE, SYNC_MAX_PUT, SYNC_MAX_PUT_BYTES } from '../constants.js'
import type { DeliveryStatus, HistoryEntry, RoomHistory } from '../history/index.js'

const log = logger('cryptochat:outbox')

/** Split what to put into requests of at most SYNC_MAX_PUT envelopes and SYNC_MAX_PUT_BYTES. */
function batches<T extends { entry: HistoryEntry }> (items: T[]): T[][] {
  const out: T[][] = []
  let batch: T[] = []
  let bytes = 0
  for (const item of items) {
    const size = item.entry.envelope.length
    if (batch.length > 0 && (batch.length >= SYNC_MAX_PUT || bytes + size > SYNC_MAX_PUT_BYTES)) {
      out.push(batch)
      batch = []
      bytes = 0
    }
    batch.push(item)
    bytes += size
  }
  if (batch.length > 0) out.push(batch)
  return out
}

/** Who confirmed holding a message of ours. */
export type AckedBy = 'member' | 'store'

/** What the outbox needs from the room and the network. */
export interface OutboxInit {
  history: RoomHistory
  /** Publish envelope bytes on the room topic: true if some peer took it, false if no peer is reachable. */
  publish: (envelope: Uint8Array) => Promise<boolean>
  /** Ask linked members which of these envelopes (by hash) they hold; undefined: no member answered. */
  askMembers: (hashes: Uint8Array[]) => Promise<boolean[] | undefined>
  /** The room's relays that are connected now. */
  relays: () => string[]
  /** Whether no other member is linked right now (nobody to ask). */
  noMembers: () => boolean
  /** Put envelopes into a relay's store: which it now holds; `busy`: later; undefined: it keeps none (no store). */
  putToStore: (relay: string, envelopes: Uint8Array[]) => Promise<boolean[] | 'busy' | undefined>
  /** An entry of ours changed status. */
  onStatus: (entry: HistoryEntry, status: DeliveryStatus, by?: AckedBy) => void
}

/**
 * Our messages until someone else holds them. A message is written to history
 * (`pending`) before it is published; `sent` once published to at least one peer;
 * `acked` once a linked member says it holds it, or a relay's store has taken it. Sent
 * messages are also put into every connected relay's store (a store keeps only what
 * members put), so that members who are all away at different times still converge. A
 * message that found no peer stays pending and is published again as soon as someone is
 * reachable, across restarts (history keeps the outbox).
 */
export class Outbox {
  private readonly init: OutboxInit
  private pollTimer?: ReturnType<typeof setTimeout>
  private pollDelay = ACK_POLL_MIN_MS
  private publishing = false
  private polling = false
  private busy = false
  private stopped = false
  /** Sent envelopes not yet put into every relay store, by hash, with the relays that have them. */
  private readonly unstored = new Map<string, { entry: HistoryEntry, stored: Set<string> }>()
  /** Relays that keep nothing (no store, or they refused): not asked again this session. */
  private readonly storeless = new Set<string>()

  constructor (init: OutboxInit) {
    this.init = init
  }

  /** Publish a message just written to history. */
  async submit (entry: HistoryEntry): Promise<void> {
    await this.publishOne(entry)
    this.schedulePoll(true)
  }

  /** Publish what is still pending (at start, and when peers appear). */
  async flush (): Promise<void> {
    if (this.publishing || this.stopped) return
    this.publishing = true
    try {
      for (const entry of this.init.history.outbox()) {
        if (entry.status !== 'pending') continue
        if (!await this.publishOne(entry) || this.stopped) break
      }
    } finally {
      this.publishing = false
    }
    this.schedulePoll(false)
  }

  private async publishOne (entry: HistoryEntry): Promise<boolean> {
    let published: boolean
    try {
      published = await this.init.publish(entry.envelope)
    } catch (err: any) {
      log('publish of %d failed: %s', entry.index, err.message)
      return false
    }
    if (!published || this.stopped) return published
    if (this.unstored.size >= OUTBOX_MAX_UNSTORED) this.unstored.delete(this.unstored.keys().next().value as string)
    this.unstored.set(entry.hash, { entry, stored: new Set() })
    if (entry.status === 'pending') {
      entry.status = 'sent'
      this.init.onStatus(entry, 'sent')
    }
    return true
  }

  /** Ask soon (`reset`: something new, start the backoff over for the next wait). */
  schedulePoll (reset: boolean): void {
    if (this.stopped) return
    if (reset) this.pollDelay = ACK_POLL_MIN_MS
    // An armed timer is left alone: re-arming it for every message sent would put the
    // question off for as long as someone keeps talking.
    if (this.pollTimer != null) return
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined
      this.poll().catch((err: any) => { log('outbox poll failed: %s', err.message) })
    }, this.pollDelay)
    this.pollTimer.unref?.()
  }

  /** Put what the stores lack, ask members about what nobody confirmed, then publish what is pending. */
  private async poll (): Promise<void> {
    if (this.stopped || this.polling) return
    this.polling = true
    let progress = false
    try {
      progress = await this.putToStores()
      if (!this.stopped) progress = await this.askMembers() || progress
      if (!this.stopped && this.init.history.outbox().some((e) => e.status === 'pending')) await this.flush()
    } finally {
      this.polling = false
    }
    if (this.stopped) return
    const storesUp = this.init.relays().some((r) => !this.storeless.has(r))
    const waiting = this.init.history.outbox().length > 0 || (this.unstored.size > 0 && storesUp)
    if (!waiting) return
    // A busy store is asked again after a second (it limits requests per few seconds).
    this.pollDelay = this.busy ? ACK_POLL_BUSY_MS : progress ? ACK_POLL_MIN_MS : Math.min(this.pollDelay * 2, ACK_POLL_MAX_MS)
    this.busy = false
    this.schedulePoll(false)
  }

  /**
   * Before leaving: put what the stores lack and ask members about what nobody confirmed,
   * now and again until everything sent is held by someone, nobody is left to ask, or
   * `timeoutMs` passes. Without it, a script that sends and exits at once would leave its
   * messages only with the peers online at that moment (they stay pending for next time).
   */
  async drain (timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.stopped && Date.now() < deadline) {
      const stores = this.init.relays().filter((r) => !this.storeless.has(r))
      const unconfirmed = this.init.history.outbox().some((e) => e.status === 'sent')
      if ((this.unstored.size === 0 || stores.length === 0) && !unconfirmed) return
      if (this.polling) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        continue
      }
      this.polling = true
      try {
        await this.putToStores()
        if (!this.stopped) await this.askMembers()
      } finally {
        this.polling = false
      }
      const storesLeft = this.init.relays().some((r) => !this.storeless.has(r))
      const stillSent = this.init.history.outbox().some((e) => e.status === 'sent')
      // Nobody to ask (no store took them, no member is linked): nothing more to wait for.
      if (!stillSent && (this.unstored.size === 0 || !storesLeft)) return
      if (stillSent && !storesLeft && this.init.noMembers()) return
      await new Promise((resolve) => setTimeout(resolve, this.busy ? ACK_POLL_BUSY_MS : 100))
      this.busy = false
    }
  }

  private async putToStores (): Promise<boolean> {
    let progress = false
    for (const relay of this.init.relays()) {
      if (this.stopped || this.storeless.has(relay)) continue
      const todo = [...this.unstored.values()].filter((u) => !u.stored.has(relay))
      for (const batch of batches(todo)) {
        if (this.stopped) break
        const held = await this.init.putToStore(relay, batch.map((u) => u.entry.envelope))
        // Rate-limited: the store is there; what is left goes at the next poll, which
        // comes soon (a busy answer is not "no progress").
        if (held === 'busy') {
          this.busy = true
          break
        }
        if (held == null) {
          this.storeless.add(relay)
          break
        }
        batch.forEach((u, j) => { if (held[j] === true) u.stored.add(relay) })
        progress = this.confirm(batch.filter((_, j) => held[j] === true).map((u) => u.entry), 'store') || progress
      }
    }
    // Done with an envelope once every relay with a store that is up has it.
    const stores = this.init.relays().filter((r) => !this.storeless.has(r))
    for (const [hash, u] of this.unstored) if (stores.every((r) => u.stored.has(r))) this.unstored.delete(hash)
    return progress
  }

  private async askMembers (): Promise<boolean> {
    const asked = this.init.history.outbox().filter((e) => e.status === 'sent').slice(0, SYNC_MAX_HAVE)
    if (asked.length === 0) return false
    const held = await this.init.askMembers(asked.map((e) => Uint8Array.from(Buffer.from(e.hash, 'hex'))))
    if (held == null || this.stopped) return false
    return this.confirm(asked.filter((_, i) => held[i] === true), 'member')
  }

  /** Mark entries acknowledged (persisted) and say so; true if any changed. */
  private confirm (entries: HistoryEntry[], by: AckedBy): boolean {
    if (this.stopped || entries.length === 0) return false
    const acked = this.init.history.markAcked(entries.map((e) => e.index))
    for (const e of acked) this.init.onStatus(e, 'acked', by)
    return acked.length > 0
  }

  /** A relay came back (or is new): try its store again. */
  relayUp (relay: string): void {
    this.storeless.delete(relay)
    this.schedulePoll(true)
  }

  stop (): void {
    this.stopped = true
    if (this.pollTimer != null) clearTimeout(this.pollTimer)
    this.pollTimer = undefined
  }
}
