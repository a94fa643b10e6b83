import { GAP_MAX_SPAN } from '../constants.js'

/** Indexes missing from one sender: `first` to `last`, inclusive. */
export interface Gap {
  sender: string
  first: number
  last: number
}

/** What the tracker needs to know about the history (which indexes are held). */
export interface HeldIndexes {
  holds(sender: string, index: number): boolean
  highest(sender: string): number
  senders(): string[]
  heldIndexes(sender: string): Iterable<number>
}

/**
 * Works out which messages we should hold but do not. Each sender numbers its history
 * messages 1, 2, 3... with no holes, and says its latest number in its JOIN and PRESENCE
 * messages, so a hole between what we hold, or a number announced above it, is a message
 * we missed. Numbers below the first one we could have seen (before we joined) do not
 * count: for each sender, the floor is the first index held or, if it announced itself
 * first, the one after its announcement.
 */
export class GapTracker {
  private readonly floor = new Map<string, number>()
  private readonly announced = new Map<string, number>()
  private readonly held: HeldIndexes

  constructor (held: HeldIndexes) {
    this.held = held
    for (const sender of held.senders()) {
      let low = Infinity
      for (const i of held.heldIndexes(sender)) if (i < low) low = i
      if (low !== Infinity) this.floor.set(sender, low)
    }
  }

  /** A sender said its latest index is `latest` (JOIN, PRESENCE, or an ack question). */
  announce (sender: string, latest: number): void {
    if (!this.floor.has(sender)) this.floor.set(sender, latest + 1)
    // A liar could announce 2^53 and have us chase it forever: trust at most GAP_MAX_SPAN
    // beyond what we hold.
    const bounded = Math.min(latest, Math.max(this.held.highest(sender), (this.floor.get(sender) ?? 1) - 1) + GAP_MAX_SPAN)
    if (bounded > (this.announced.get(sender) ?? 0)) this.announced.set(sender, bounded)
  }

  /** We now hold `index` from `sender`. */
  saw (sender: string, index: number): void {
    const floor = this.floor.get(sender)
    if (floor == null || index < floor) this.floor.set(sender, index)
  }

  /** The first index of `sender` that we should hold (undefined: we know nothing of them). */
  floorOf (sender: string): number | undefined {
    return this.floor.get(sender)
  }

  /** Every range of indexes we should hold but do not, per sender. */
  missing (): Gap[] {
    const gaps: Gap[] = []
    for (const [sender, floor] of this.floor) {
      const top = Math.max(this.announced.get(sender) ?? 0, this.held.highest(sender))
      let start: number | undefined
      for (let i = floor; i <= top; i++) {
        const have = this.held.holds(sender, i)
        if (!have && start == null) start = i
        if (have && start != null) {
          gaps.push({ sender, first: start, last: i - 1 })
          start = undefined
        }
      }
      if (start != null) gaps.push({ sender, first: start, last: top })
    }
    return gaps
  }
}

/** How many messages a list of gaps covers. */
export function countMissing (gaps: Gap[]): number {
  return gaps.reduce((n, g) => n + g.last - g.first + 1, 0)
}
