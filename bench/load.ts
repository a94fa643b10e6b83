/** One load run: how many messages, how fast, which ids. */
export interface LoadSpec {
  messages: number
  /** Messages per second for the whole room; Infinity: a burst, all at once. */
  ratePerSec: number
  /** Ids baseId … baseId + messages - 1; every run uses fresh ids. */
  baseId: number
  /** How long to wait for the last deliveries after the last publish, ms. */
  drainMs?: number
}

/** What one load run measured. */
export interface LoadResult {
  /** Publish-to-delivery latency of every delivery, ms. */
  latencies: number[]
  deliveries: number
  expected: number
  /** From the first publish to the last delivery (or to giving up), ms. */
  wallMs: number
  /** CPU time of every process of the room over the run, µs (user + system). */
  cpuUs: number
}

/** A running room of `n` members, either layout, as the measurements drive it. */
export interface LoadRoom {
  n: number
  run(spec: LoadSpec): Promise<LoadResult>
  stop(): Promise<void>
}

/** Wall-clock ms shared by every process on the machine (workers stamp with it too). */
export const now = (): number => performance.timeOrigin + performance.now()

const DEFAULT_DRAIN_MS = 10_000
/** After an overloaded run, wait until deliveries stop arriving (at most this long). */
const SETTLE_MAX_MS = 8_000
const SETTLE_QUIET_MS = 300

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/**
 * Deliveries of one run. A layout reports each send and each delivery with its time;
 * a delivery may be reported before its send (separate processes report over separate
 * pipes), so latencies are paired up at the end.
 */
export class DeliveryTally {
  readonly expected: number
  private readonly first: number
  private readonly end: number
  private readonly sentAt = new Map<number, number>()
  private readonly arrivals: Array<[number, number]> = []
  private lastArrival = now()
  private wake: () => void = () => {}

  constructor (spec: LoadSpec, n: number) {
    this.expected = spec.messages * (n - 1)
    this.first = spec.baseId
    this.end = spec.baseId + spec.messages
  }

  sent (id: number, at: number): void { this.sentAt.set(id, at) }

  delivered (id: number, at: number): void {
    // A late delivery from an earlier run is not this run's.
    if (id < this.first || id >= this.end) return
    this.arrivals.push([id, at])
    this.lastArrival = now()
    if (this.arrivals.length >= this.expected) this.wake()
  }

  get count (): number { return this.arrivals.length }

  /** Resolve when every delivery arrived or `ms` passed. */
  async complete (ms: number): Promise<void> {
    if (this.count >= this.expected) return
    await Promise.race([new Promise<void>((resolve) => { this.wake = resolve }), sleep(ms)])
  }

  /** Resolve once no delivery arrived for a while (an overloaded room working off its backlog). */
  async settle (): Promise<void> {
    const deadline = now() + SETTLE_MAX_MS
    while (this.count < this.expected && now() < deadline && now() - this.lastArrival < SETTLE_QUIET_MS) await sleep(50)
  }

  /** Latencies of the deliveries counted so far, and when the last one arrived. */
  latencies (): { latencies: number[], lastAt: number } {
    const latencies: number[] = []
    let lastAt = 0
    for (const [id, at] of this.arrivals) {
      const t = this.sentAt.get(id)
      if (t != null) latencies.push(at - t)
      lastAt = Math.max(lastAt, at)
    }
    return { latencies, lastAt }
  }
}

/**
 * Drive one run: member i % n publishes message baseId + i at the spec's rate, every
 * delivery to every other member is tallied by the layout (`tally`), and CPU is summed
 * over the room's processes (`cpuUs`).
 */
export async function drive (
  spec: LoadSpec,
  n: number,
  publish: (from: number, id: number) => void,
  tally: DeliveryTally,
  cpuUs: () => Promise<number>
): Promise<LoadResult> {
  const cpu0 = await cpuUs()
  const t0 = now()
  for (let i = 0; i < spec.messages; i++) {
    if (Number.isFinite(spec.ratePerSec)) {
      const wait = t0 + i * 1000 / spec.ratePerSec - now()
      if (wait > 0) await sleep(wait)
    }
    publish(i % n, spec.baseId + i)
  }
  await tally.complete(spec.drainMs ?? DEFAULT_DRAIN_MS)
  const { latencies, lastAt } = tally.latencies()
  const end = tally.count >= tally.expected ? lastAt : now()
  const cpu = await cpuUs() - cpu0
  // Measured; now let an overloaded room work off its backlog before the next run.
  await tally.settle()
  return { latencies, deliveries: latencies.length, expected: tally.expected, wallMs: Math.max(1, end - t0), cpuUs: cpu }
}
