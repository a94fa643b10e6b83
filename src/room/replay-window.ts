import { MAX_TRACKED_SENDERS, MESSAGE_MAX_AGE_MS, REPLAY_WINDOW } from '../constants.js'

const W = BigInt(REPLAY_WINDOW)
const MASK = (1n << W) - 1n

/** One sender's window: the highest sequence number seen and a bitmap of the ones below it. */
interface SenderWindow {
  top: bigint
  /** Bit i set: sequence number `top - i` was accepted. */
  bits: bigint
  /** Newest timestamp (sender's clock, ms) accepted from this sender. */
  lastTs: number
}

/** Serialised form, as kept in the room's state file. */
export type ReplayWindowJson = Record<string, { top: string, bits: string, ts?: number }>

/** Outcome of {@link ReplayWindow.admit}. */
export type Admission = 'accepted' | 'replay' | 'full'

/** Options of a {@link ReplayWindow} (defaults from the constants module). */
export interface ReplayWindowInit {
  /** Most senders tracked. */
  capacity?: number
  /** A sender may be forgotten once its newest message is older than this. */
  maxAgeMs?: number
  now?: () => number
}

/**
 * Per-sender sliding replay window (as in IPsec/DTLS): accepts each (sender, seq) at
 * most once, tolerates reordering within {@link REPLAY_WINDOW}, refuses anything older.
 */
export class ReplayWindow {
  private readonly senders = new Map<string, SenderWindow>()
  private readonly capacity: number
  private readonly maxAgeMs: number
  private readonly now: () => number

  constructor (init: ReplayWindowInit = {}) {
    this.capacity = init.capacity ?? MAX_TRACKED_SENDERS
    this.maxAgeMs = init.maxAgeMs ?? MESSAGE_MAX_AGE_MS
    this.now = init.now ?? Date.now
  }

  /** Number of senders tracked. */
  get size (): number {
    return this.senders.size
  }

  /** Whether `seq` from `sender` would be accepted now (does not record it). */
  check (sender: string, seq: bigint): boolean {
    if (seq < 1n) return false
    const w = this.senders.get(sender)
    if (w == null || seq > w.top) return true
    const d = w.top - seq
    if (d >= W) return false
    return ((w.bits >> d) & 1n) === 0n
  }

  /** Record `seq` from `sender`; returns false (and records nothing) if it is a replay or the window is full. */
  accept (sender: string, seq: bigint, ts: number = this.now()): boolean {
    return this.admit(sender, seq, ts) === 'accepted'
  }

  /**
   * Record `seq` (sent at `ts`) from `sender`, unless it is a replay, or it is a new
   * sender and every tracked sender is too recent to forget (forgetting one would let
   * its recent messages be replayed).
   */
  admit (sender: string, seq: bigint, ts: number = this.now()): Admission {
    if (!this.check(sender, seq)) return 'replay'
    const w = this.senders.get(sender)
    if (w == null) {
      if (!this.makeRoom()) return 'full'
      this.senders.set(sender, { top: seq, bits: 1n, lastTs: ts })
    } else if (seq > w.top) {
      const shift = seq - w.top
      w.bits = shift >= W ? 1n : ((w.bits << shift) | 1n) & MASK
      w.top = seq
    } else {
      w.bits |= 1n << (w.top - seq)
    }
    if (w != null && ts > w.lastTs) w.lastTs = ts
    return 'accepted'
  }

  /** Highest sequence number seen from `sender`, or 0. */
  highest (sender: string): bigint {
    return this.senders.get(sender)?.top ?? 0n
  }

  /** Make room for one more sender; false when no sender is old enough to forget. */
  private makeRoom (): boolean {
    if (this.senders.size < this.capacity) return true
    let oldest: string | undefined
    let oldestTs = Infinity
    for (const [sender, w] of this.senders) {
      if (w.lastTs < oldestTs) {
        oldest = sender
        oldestTs = w.lastTs
      }
    }
    // Messages older than maxAgeMs are refused as stale anyway, so a sender silent that
    // long can be forgotten without re-opening anything to replay.
    if (oldest == null || oldestTs >= this.now() - this.maxAgeMs) return false
    this.senders.delete(oldest)
    return true
  }

  toJSON (): ReplayWindowJson {
    const out: ReplayWindowJson = {}
    for (const [sender, w] of this.senders) out[sender] = { top: w.top.toString(), bits: w.bits.toString(16), ts: w.lastTs }
    return out
  }

  /** Rebuild from {@link toJSON} output; malformed entries are dropped, not trusted. */
  static fromJSON (json: unknown, init: ReplayWindowInit = {}): ReplayWindow {
    const rw = new ReplayWindow(init)
    if (json == null || typeof json !== 'object') return rw
    for (const [sender, v] of Object.entries(json as Record<string, any>)) {
      try {
        const top = BigInt(v.top)
        // Bit 0 is `top` itself, which was accepted by definition: never trust it unset.
        const bits = (BigInt('0x' + String(v.bits)) & MASK) | 1n
        const lastTs = Number.isSafeInteger(v.ts) ? Number(v.ts) : 0
        if (top >= 1n && /^[0-9a-f]{64}$/.test(sender)) rw.senders.set(sender, { top, bits, lastTs })
      } catch {}
    }
    return rw
  }
}
