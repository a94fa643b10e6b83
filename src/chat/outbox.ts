import { logger } from '@libp2p/logger'
import { ACK_POLL_MAX_MS, ACK_POLL_MIN_MS, SYNC_MAX_HAVE } from '../constants.js'
import type { DeliveryStatus, HistoryEntry, RoomHistory } from '../history/index.js'

const log = logger('cryptochat:outbox')

/** What the outbox needs from the room and the network. */
export interface OutboxInit {
  history: RoomHistory
  /** Publish envelope bytes on the room topic: true if some peer took it, false if no peer is reachable. */
  publish: (envelope: Uint8Array) => Promise<boolean>
  /**
   * Ask peers which of these envelopes (by hash) they hold; `latest` is our latest
   * index, which tells them what they may be missing. Undefined: nobody to ask.
   */
  askHave: (hashes: Uint8Array[], latest: number) => Promise<boolean[] | undefined>
  /** An entry of ours changed status. */
  onStatus: (entry: HistoryEntry, status: DeliveryStatus) => void
}

/**
 * Our messages until someone else holds them. A message is written to history
 * (`pending`) before it is published; `sent` once published to at least one peer;
 * `acked` once a member or a relay's store says it holds it (asked with backoff). A
 * message that found no peer stays pending and is published again as soon as someone
 * is reachable, across restarts (history keeps the outbox).
 */
export class Outbox {
  private readonly init: OutboxInit
  private pollTimer?: ReturnType<typeof setTimeout>
  private pollDelay = ACK_POLL_MIN_MS
  private publishing = false
  private stopped = false

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
        if (!await this.publishOne(entry)) break
      }
    } finally {
      this.publishing = false
    }
    this.schedulePoll(false)
  }

  /** Whether anything of ours is not yet acknowledged. */
  get waiting (): number {
    return this.init.history.outbox().length
  }

  private async publishOne (entry: HistoryEntry): Promise<boolean> {
    let published: boolean
    try {
      published = await this.init.publish(entry.envelope)
    } catch (err: any) {
      log('publish of %d failed: %s', entry.index, err.message)
      return false
    }
    if (published && entry.status === 'pending') {
      entry.status = 'sent'
      this.init.onStatus(entry, 'sent')
    }
    return published
  }

  /** Ask soon (`reset`: a new message, start the backoff over). */
  schedulePoll (reset: boolean): void {
    if (this.stopped) return
    if (reset) this.pollDelay = ACK_POLL_MIN_MS
    if (this.pollTimer != null) {
      if (!reset) return
      clearTimeout(this.pollTimer)
    }
    this.pollTimer = setTimeout(() => { void this.poll() }, this.pollDelay)
    this.pollTimer.unref?.()
  }

  private async poll (): Promise<void> {
    this.pollTimer = undefined
    const unacked = this.init.history.outbox()
    if (unacked.length === 0 || this.stopped) return
    // Only what was published can be held by someone; pending ones go out with flush().
    const asked = unacked.filter((e) => e.status === 'sent').slice(0, SYNC_MAX_HAVE)
    let progress = false
    if (asked.length > 0) {
      const latest = this.init.history.highest(asked[0]?.sender ?? '')
      const held = await this.init.askHave(asked.map((e) => Uint8Array.from(Buffer.from(e.hash, 'hex'))), latest).catch(() => undefined)
      if (held != null) {
        const acked = this.init.history.markAcked(asked.filter((_, i) => held[i] === true).map((e) => e.index))
        for (const e of acked) this.init.onStatus(e, 'acked')
        progress = acked.length > 0
      }
    }
    if (this.init.history.outbox().some((e) => e.status === 'pending')) await this.flush()
    if (this.stopped || this.init.history.outbox().length === 0) return
    this.pollDelay = progress ? ACK_POLL_MIN_MS : Math.min(this.pollDelay * 2, ACK_POLL_MAX_MS)
    this.schedulePoll(false)
  }

  stop (): void {
    this.stopped = true
    if (this.pollTimer != null) clearTimeout(this.pollTimer)
    this.pollTimer = undefined
  }
}
