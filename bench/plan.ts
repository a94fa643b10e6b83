/**
 * What a run measures: the full set (`npm run bench`, under 10 minutes on 2 cores) or
 * the quick set (`--quick`, under 2 minutes, for CI). One table, so the cost of each
 * choice is in one place.
 */
import { freemem } from 'node:os'
import type { KneePlan } from './knee.js'
import type { Variant } from './variants.js'

export type Layout = 'one-process' | 'processes'

/** One room to start and measure. */
export interface RoomPlan {
  layout: Layout
  variant: Variant
  n: number
  /** Messages in the paced run (at {@link PACED_RATE}); 0: no paced or burst run. */
  paced: number
  /** Messages published all at once in the burst run. */
  burst: number
  /** Find the knee on this room too. */
  knee?: KneePlan
  /** Give up on a room not started (joined and linked) by then: reported, not waited for. */
  startTimeoutMs: number
}

export interface BenchPlan {
  rooms: RoomPlan[]
  /** Rooms left out, and why (reported, not hidden). */
  skipped: Array<{ layout: Layout, variant: Variant, n: number, reason: string }>
  /** Room sizes at which the relay's and a client's RSS are read. */
  footprintSizes: number[]
  joinTrials: number
  crypto: boolean
  /** Missed messages a returning member catches up on (0: not measured). */
  catchupMessages: number
  /** Room size in which a removal (and its new key epoch) is timed (0: not measured). */
  rekeyMembers: number
  /** CPU profile of C and B (one process, N = 10), stage by stage; absent: not run. */
  profile?: ProfilePlan
}

/** The steady load: messages per second for the whole room. */
export const PACED_RATE = 20
/** Warm-up before the recorded runs (not recorded). */
export const WARMUP = { messages: 20, ratePerSec: 50 }
/** The room size the ratios, the knee and most targets are read at. */
export const RATIO_N = 10
/**
 * A room of 50 gets this long to start. On 2 cores CryptoChat joins slow down as the room
 * grows (each costs O(N) presence messages to N members, and N new links): past this the
 * room is reported as not started, with how far it got, rather than eat the time budget.
 */
const LARGE_ROOM_START_MS = 45_000
/** Largest burst, in deliveries (messages × (N - 1)). */
const BURST_DELIVERIES = 2000
/** Rough RSS of one member process, MB: a layout that would not fit in memory is skipped. */
const MEMBER_PROCESS_MB = 150

/** What the profile phase runs. */
export interface ProfilePlan {
  variants: Variant[]
  n: number
  /** Offered load, messages per second for the room. */
  ratePerSec: number
  /** Seconds of load recorded. */
  seconds: number
  /** V8 sampling interval, µs. */
  samplingUs: number
}
/**
 * At the paced load of the latency rows (where C/B is read); `seconds` comes from the set
 * (5 s: about 10⁴ samples of C; the phase takes about 17 s, most of it starting the rooms).
 */
const PROFILE_PLAN: ProfilePlan = { variants: ['C', 'B'], n: RATIO_N, ratePerSec: PACED_RATE, seconds: 5, samplingUs: 250 }

export const ALL_PHASES = ['latency', 'knee', 'footprint', 'crypto', 'catchup', 'rekey', 'profile'] as const
export type Phase = typeof ALL_PHASES[number]

export interface PlanOptions {
  quick: boolean
  variants: Variant[]
  layouts: Layout[]
  phases: Phase[]
  /** Room sizes to measure instead of the set's own. */
  sizes?: number[]
}

const QUICK = {
  // N = 2 in one process only for the variants that the ratios and targets name.
  sizes: { 'one-process': [2, 10], processes: [RATIO_N] },
  // Only the rooms the quick set's ratios and targets read: C and B in one process (the
  // app's overhead, A as the floor), and B, C, D as separate processes (the ratios).
  rooms: {
    'one-process': { 2: ['B', 'C'], 10: ['A', 'B', 'C'] },
    processes: { 10: ['B', 'C', 'D'] }
  } as Record<Layout, Record<number, Variant[]>>,
  paced: { 'one-process': 40, processes: 40 },
  pacedLarge: 40,
  burst: { 'one-process': 50, processes: 30 },
  // C's only (its target), by doubling only: the knee to within a factor of 2.
  kneeVariants: ['C'] as Variant[],
  knee: { 'one-process': { startRate: 40, maxRate: 2560, stepSeconds: 1, bisections: 0, retry: false } } as Partial<Record<Layout, KneePlan>>,
  // 25 and 50 are the full set's: a room grows one join at a time, and each join costs
  // O(N) messages delivered to N members.
  footprintSizes: [2, 10, 16],
  joinTrials: 2,
  catchupMessages: 2000,
  rekeyMembers: 10,
  profileSeconds: 3
}

const FULL = {
  sizes: { 'one-process': [2, 10, 50], processes: [2, 10, 50] },
  rooms: undefined as Record<Layout, Record<number, Variant[]>> | undefined,
  paced: { 'one-process': 100, processes: 100 },
  // N = 50 at 20 msg/s is 980 deliveries/s, more than one core delivers in one process:
  // fewer messages, or its backlog alone would take most of a minute to drain.
  pacedLarge: 60,
  burst: { 'one-process': 200, processes: 100 },
  kneeVariants: ['B', 'C'] as Variant[],
  knee: {
    'one-process': { startRate: 20, maxRate: 2560, stepSeconds: 2, bisections: 2, retry: true },
    // Shorter steps: the separate-process rooms' knees are lower and the time budget tight.
    processes: { startRate: 20, maxRate: 2560, stepSeconds: 1, bisections: 1, retry: true }
  } as Partial<Record<Layout, KneePlan>>,
  footprintSizes: [2, 10, 25, 50],
  joinTrials: 5,
  catchupMessages: 10_000,
  rekeyMembers: 50,
  profileSeconds: 5
}

export function makePlan (opts: PlanOptions): BenchPlan {
  const set = opts.quick ? QUICK : FULL
  const rooms: RoomPlan[] = []
  const skipped: BenchPlan['skipped'] = []
  if (opts.phases.includes('latency') || opts.phases.includes('knee')) {
    for (const layout of opts.layouts) {
      for (const n of opts.sizes ?? set.sizes[layout]) {
        for (const variant of opts.variants) {
          if (opts.sizes == null && set.rooms != null && !(set.rooms[layout][n] ?? []).includes(variant)) continue
          if (layout === 'processes' && n * MEMBER_PROCESS_MB > freemem() / 2 ** 20 * 0.8) {
            skipped.push({ layout, variant, n, reason: `${n} member processes need about ${n * MEMBER_PROCESS_MB} MB; ${Math.round(freemem() / 2 ** 20)} MB free` })
            continue
          }
          const knee = opts.phases.includes('knee') && n === RATIO_N && set.kneeVariants.includes(variant) ? set.knee[layout] : undefined
          const latency = opts.phases.includes('latency')
          if (!latency && knee == null) continue
          const paced = n > RATIO_N ? set.pacedLarge : set.paced[layout]
          // A burst of at most BURST_DELIVERIES deliveries: 200 messages to 49 members is a backlog, not a burst.
          const burst = Math.min(set.burst[layout], Math.ceil(BURST_DELIVERIES / (n - 1)))
          const startTimeoutMs = n > RATIO_N ? LARGE_ROOM_START_MS : 120_000
          rooms.push({ layout, variant, n, paced: latency ? paced : 0, burst: latency ? burst : 0, startTimeoutMs, ...(knee != null ? { knee } : {}) })
        }
      }
    }
  }
  return {
    rooms,
    skipped,
    footprintSizes: opts.phases.includes('footprint') ? set.footprintSizes : [],
    joinTrials: set.joinTrials,
    crypto: opts.phases.includes('crypto'),
    catchupMessages: opts.phases.includes('catchup') ? set.catchupMessages : 0,
    rekeyMembers: opts.phases.includes('rekey') ? set.rekeyMembers : 0,
    // Always one process (one profile sees every member) and N = 10 (where the ratios are
    // read), whatever --layout and --sizes say; of C and B, those --variants names.
    ...(opts.phases.includes('profile') ? { profile: { ...PROFILE_PLAN, seconds: set.profileSeconds, variants: PROFILE_PLAN.variants.filter((v) => opts.variants.includes(v)) } } : {})
  }
}
