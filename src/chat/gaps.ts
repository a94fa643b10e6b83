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
  /** Highest index accounted for (0: none). */
  highest(sender: string): number
  /** Lowest index accounted for (0: none). */
  lowest(sender: string): number
  /** Highest index such that everything from the lowest up to it is accounted for. */
  contiguous(sender: string): number
  senders(): string[]
  /** Indexes held past the contiguous start (after a hole), ascending. */
  heldIndexes(sender: string): number[]
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
      const low = held.lowest(sender)
      if (low > 0) this.floor.set(sender, low)
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

  /**
   * Every range of indexes we should hold but do not, per sender. Walks what is held (not
   * the numbers in between), and leaves out holes wider than GAP_MAX_SPAN: a sender that
   * numbers a message 2^40 is not owed a search for the rest.
   */
  missing (): Gap[] {
    const gaps: Gap[] = []
    const hole = (sender: string, first: number, last: number): void => {
      if (last >= first && last - first < GAP_MAX_SPAN) gaps.push({ sender, first, last })
    }
    for (const [sender, floor] of this.floor) {
      const top = Math.max(this.announced.get(sender) ?? 0, this.held.highest(sender))
      // The next index we expect: past the floor and past what is accounted for from the start.
      let next = floor
      if (this.held.holds(sender, floor)) next = Math.max(next, this.held.contiguous(sender) + 1)
      for (const i of this.held.heldIndexes(sender)) {
        if (i < next) continue
        hole(sender, next, i - 1)
        next = i + 1
      }
      hole(sender, next, top)
    }
    return gaps
  }
}

/** How many messages a list of gaps covers. */
export function countMissing (gaps: Gap[]): number {
  return gaps.reduce((n, g) => n + g.last - g.first + 1, 0)
}
