import { MAX_TRACKED_SENDERS, REPLAY_WINDOW } from '../constants.js'

const W = BigInt(REPLAY_WINDOW)
const MASK = (1n << W) - 1n

/** One sender's window: the highest sequence number seen and a bitmap of the ones below it. */
interface SenderWindow {
  top: bigint
  /** Bit i set: sequence number `top - i` was accepted. */
  bits: bigint
}

/** Serialised form, as kept in the room's state file. */
export type ReplayWindowJson = Record<string, { top: string, bits: string }>

/**
 * Per-sender sliding replay window (as in IPsec/DTLS): accepts each (sender, seq) at
 * most once, tolerates reordering within {@link REPLAY_WINDOW}, refuses anything older.
 */
export class ReplayWindow {
  private readonly senders = new Map<string, SenderWindow>()

  /** Whether `seq` from `sender` would be accepted now (does not record it). */
  check (sender: string, seq: bigint): boolean {
    if (seq < 1n) return false
    const w = this.senders.get(sender)
    if (w == null || seq > w.top) return true
    const d = w.top - seq
    if (d >= W) return false
    return ((w.bits >> d) & 1n) === 0n
  }

  /** Record `seq` from `sender`; returns false (and records nothing) if it is a replay. */
  accept (sender: string, seq: bigint): boolean {
    if (!this.check(sender, seq)) return false
    const w = this.senders.get(sender)
    if (w == null) {
      this.evictIfFull()
      this.senders.set(sender, { top: seq, bits: 1n })
    } else if (seq > w.top) {
      const shift = seq - w.top
      w.bits = shift >= W ? 1n : ((w.bits << shift) | 1n) & MASK
      w.top = seq
      // Most recently active senders stay; re-insert to keep Map order by activity.
      this.senders.delete(sender)
      this.senders.set(sender, w)
    } else {
      w.bits |= 1n << (w.top - seq)
    }
    return true
  }

  /** Highest sequence number seen from `sender`, or 0. */
  highest (sender: string): bigint {
    return this.senders.get(sender)?.top ?? 0n
  }

  private evictIfFull (): void {
    if (this.senders.size < MAX_TRACKED_SENDERS) return
    const oldest = this.senders.keys().next().value
    if (oldest != null) this.senders.delete(oldest)
  }

  toJSON (): ReplayWindowJson {
    const out: ReplayWindowJson = {}
    for (const [sender, w] of this.senders) out[sender] = { top: w.top.toString(), bits: w.bits.toString(16) }
    return out
  }

  /** Rebuild from {@link toJSON} output; malformed entries are dropped, not trusted. */
  static fromJSON (json: unknown): ReplayWindow {
    const rw = new ReplayWindow()
    if (json == null || typeof json !== 'object') return rw
    for (const [sender, v] of Object.entries(json as Record<string, any>)) {
      try {
        const top = BigInt(v.top)
        // Bit 0 is `top` itself, which was accepted by definition: never trust it unset.
        const bits = (BigInt('0x' + String(v.bits)) & MASK) | 1n
        if (top >= 1n && /^[0-9a-f]{64}$/.test(sender)) rw.senders.set(sender, { top, bits })
      } catch {}
    }
    return rw
  }
}
