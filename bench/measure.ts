import { findKnee, type KneeResult } from './knee.js'
import type { LoadResult, LoadRoom } from './load.js'
import { PACED_RATE, WARMUP, type Layout, type RoomPlan } from './plan.js'
import { startProcessRoom } from './processes.js'
import { progress } from './progress.js'
import { percentile, round } from './stats.js'
import { startOneProcessRoom, type Variant } from './variants.js'

/** One line of the results table (and of the JSON's `results`). */
export interface Row {
  variant: Variant
  layout: Layout
  load: 'paced' | 'burst'
  n: number
  p50_ms: number
  p95_ms: number
  p99_ms: number
  deliveries_per_s: number
  cpu_us_per_delivery: number
  delivered: string
  /** Set on the paced row of a room whose knee was found. */
  knee_deliveries_per_s?: number
  /** Why this room has no figures (it could not be started or run). */
  error?: string
}

/** The knee of one variant and layout. */
export interface KneeRow extends KneeResult {
  variant: Variant
  layout: Layout
  n: number
}

function row (plan: RoomPlan, load: Row['load'], r: LoadResult): Row {
  return {
    variant: plan.variant,
    layout: plan.layout,
    load,
    n: plan.n,
    p50_ms: round(percentile(r.latencies, 50)),
    p95_ms: round(percentile(r.latencies, 95)),
    p99_ms: round(percentile(r.latencies, 99)),
    deliveries_per_s: round(r.deliveries / (r.wallMs / 1000), 0),
    cpu_us_per_delivery: round(r.cpuUs / Math.max(1, r.deliveries), 0),
    delivered: `${r.deliveries}/${r.expected}`
  }
}

function failed (plan: RoomPlan, load: Row['load'], err: any): Row {
  return { variant: plan.variant, layout: plan.layout, load, n: plan.n, p50_ms: NaN, p95_ms: NaN, p99_ms: NaN, deliveries_per_s: NaN, cpu_us_per_delivery: NaN, delivered: '0/0', error: String(err?.message ?? err) }
}

/**
 * Start one room, then on it: a warm-up, the paced run, the burst, and (if planned) the
 * knee search, so a room is started once for all of them. A room that cannot be started
 * or run is a row with an `error`, not a crash: a bench reports, it does not fail.
 */
export async function measureRoom (plan: RoomPlan, baseId: number): Promise<{ rows: Row[], knee?: KneeRow }> {
  const label = `${plan.layout} ${plan.variant} N=${plan.n}`
  progress(`${label}: starting ${plan.n} members…`)
  let room: LoadRoom
  try {
    room = plan.layout === 'one-process' ? await startOneProcessRoom(plan.variant, plan.n, plan.startTimeoutMs) : await startProcessRoom(plan.variant, plan.n, plan.startTimeoutMs)
  } catch (err) {
    return { rows: plan.paced > 0 ? [failed(plan, 'paced', err), failed(plan, 'burst', err)] : [] }
  }
  const rows: Row[] = []
  let knee: KneeRow | undefined
  let id = baseId
  const run = async (messages: number, ratePerSec: number): Promise<LoadResult> => {
    const r = await room.run({ messages, ratePerSec, baseId: id })
    id += messages
    return r
  }
  try {
    await run(WARMUP.messages, WARMUP.ratePerSec)
    if (plan.paced > 0) {
      progress(`${label}: paced, ${plan.paced} messages at ${PACED_RATE}/s…`)
      rows.push(row(plan, 'paced', await run(plan.paced, PACED_RATE)))
      progress(`${label}: burst of ${plan.burst} messages…`)
      rows.push(row(plan, 'burst', await run(plan.burst, Infinity)))
    }
    if (plan.knee != null) {
      const k = await findKnee(room, plan.knee, id, (s) => {
        progress(`${label}: knee: ${s.rate_msgs_per_s} msg/s → ${s.deliveries_per_s} deliveries/s, p99 ${s.p99_ms} ms ${s.held ? 'held' : 'passed the bound'}`)
      })
      knee = { variant: plan.variant, layout: plan.layout, n: plan.n, ...k }
      const paced = rows.find((r) => r.load === 'paced')
      if (paced != null) paced.knee_deliveries_per_s = k.knee_deliveries_per_s
    }
  } catch (err) {
    if (rows.length === 0 && plan.paced > 0) rows.push(failed(plan, 'paced', err), failed(plan, 'burst', err))
  } finally {
    progress(`${label}: stopping…`)
    await room.stop().catch(() => {})
  }
  return { rows, ...(knee != null ? { knee } : {}) }
}
