/**
 * Issue 8's targets as data: each is checked against the run and reported met, missed
 * or not measured. A missed target is a finding, never a failed run (the exit code stays 0).
 */
import type { Footprint } from './footprint.js'
import type { KneeRow, Row } from './measure.js'
import { RATIO_N, type Layout } from './plan.js'
import type { Variant } from './variants.js'

export interface TargetCheck {
  target: string
  /** The bound, as the issue states it. */
  goal: string
  value: number | string | null
  status: 'met' | 'missed' | 'not measured'
}

/** C/B and D/C ratios of one layout (paced load, N = 10). */
export interface Ratios {
  c_over_b_p50_n10: number
  c_over_b_p99_n10: number
  c_over_b_cpu_n10: number
  d_over_c_p50_n10: number
  d_over_c_p99_n10: number
}

export function pacedRow (rows: Row[], layout: Layout, v: Variant, n: number): Row | undefined {
  return rows.find((r) => r.variant === v && r.n === n && r.load === 'paced' && r.layout === layout && r.error == null)
}

export function ratiosOf (rows: Row[], layout: Layout): Ratios {
  const get = (v: Variant, k: 'p50_ms' | 'p99_ms' | 'cpu_us_per_delivery'): number => pacedRow(rows, layout, v, RATIO_N)?.[k] ?? NaN
  const ratio = (a: number, b: number): number => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Number((a / b).toFixed(3)) : NaN)
  return {
    c_over_b_p50_n10: ratio(get('C', 'p50_ms'), get('B', 'p50_ms')),
    c_over_b_p99_n10: ratio(get('C', 'p99_ms'), get('B', 'p99_ms')),
    c_over_b_cpu_n10: ratio(get('C', 'cpu_us_per_delivery'), get('B', 'cpu_us_per_delivery')),
    d_over_c_p50_n10: ratio(get('D', 'p50_ms'), get('C', 'p50_ms')),
    d_over_c_p99_n10: ratio(get('D', 'p99_ms'), get('C', 'p99_ms'))
  }
}

function check (target: string, goal: string, value: number | null | undefined, ok: (v: number) => boolean): TargetCheck {
  if (value == null || !Number.isFinite(value)) return { target, goal, value: null, status: 'not measured' }
  return { target, goal, value, status: ok(value) ? 'met' : 'missed' }
}

/** One-process absolute latency bounds for CryptoChat (C), paced load: [p50, p99] ms. */
const ONE_PROCESS_BOUNDS: Record<number, [number, number]> = { 2: [1.5, 5], 10: [3, 10], 50: [8, 25] }

export function checkTargets (rows: Row[], ratioLayout: Layout, ratios: Ratios, knees: KneeRow[], fp: Footprint | undefined): TargetCheck[] {
  const out: TargetCheck[] = [
    check(`C/B p50, N=${RATIO_N} (${ratioLayout})`, '≤ 1.05', ratios.c_over_b_p50_n10, (v) => v <= 1.05),
    check(`C/B p99, N=${RATIO_N} (${ratioLayout})`, '≤ 1.10', ratios.c_over_b_p99_n10, (v) => v <= 1.10),
    check(`C/B CPU per delivery, N=${RATIO_N} (${ratioLayout})`, '≤ 1.10', ratios.c_over_b_cpu_n10, (v) => v <= 1.10)
  ]
  for (const [n, [p50, p99]] of Object.entries(ONE_PROCESS_BOUNDS)) {
    const r = pacedRow(rows, 'one-process', 'C', Number(n))
    out.push(check(`C p50, N=${n} (one-process)`, `≤ ${p50} ms`, r?.p50_ms, (v) => v <= p50))
    out.push(check(`C p99, N=${n} (one-process)`, `≤ ${p99} ms`, r?.p99_ms, (v) => v <= p99))
  }
  for (const layout of ['one-process', 'processes'] as Layout[]) {
    const c = pacedRow(rows, layout, 'C', RATIO_N)
    const d = pacedRow(rows, layout, 'D', RATIO_N)
    for (const k of ['p50_ms', 'p99_ms'] as const) {
      const bound = c != null ? 2 * c[k] + 1 : NaN
      out.push(check(`D ${k.slice(0, 3)}, N=${RATIO_N} (${layout})`, `≤ 2 × C + 1 ms${Number.isFinite(bound) ? ` = ${bound.toFixed(2)} ms` : ''}`, d != null && c != null ? d[k] : null, (v) => v <= bound))
    }
  }
  for (const k of knees.filter((k) => k.variant === 'C')) {
    out.push(check(`knee, C N=${k.n} (${k.layout})`, '≥ 1500 deliveries/s', k.knee_deliveries_per_s, (v) => v >= 1500))
  }
  out.push(check('join to ready, direct', '≤ 1000 ms', fp?.join.direct_ready_ms, (v) => v <= 1000))
  out.push(check('join to ready, relayed', '≤ 2000 ms', fp?.join.relayed_ready_ms, (v) => v <= 2000))
  out.push(check('client RSS, idle', '≤ 120 MB', fp?.rss_mb.client_idle, (v) => v <= 120))
  for (const who of ['relay', 'client'] as const) {
    const g = fp?.rss_mb[`${who}_growth`]
    const verdict = g == null || g.verdict === 'not measured' ? null : g.verdict
    out.push({ target: `${who} RSS growth per member`, goal: 'linear or better', value: verdict, status: verdict == null ? 'not measured' : verdict === 'linear or better' ? 'met' : 'missed' })
  }
  return out
}
