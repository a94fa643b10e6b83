/** Percentile (nearest rank) of `values` (not necessarily sorted); NaN when empty. */
export function percentile (values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))] as number
}

export function median (values: number[]): number {
  return percentile(values, 50)
}

/** Round for tables and JSON. */
export function round (x: number, digits = 2): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : NaN
}

/** Least-squares line y = intercept + slope·x, and how well it fits (r², 1 = a line). */
export function linearFit (points: Array<[number, number]>): { slope: number, intercept: number, r2: number } {
  const k = points.length
  if (k < 2) return { slope: NaN, intercept: NaN, r2: NaN }
  const mx = points.reduce((s, [x]) => s + x, 0) / k
  const my = points.reduce((s, [, y]) => s + y, 0) / k
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  const syy = points.reduce((s, [, y]) => s + (y - my) ** 2, 0)
  const slope = sxy / sxx
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) }
}

/** What {@link growth} concludes about memory over room sizes. */
export interface Growth {
  /** Fitted MB per extra member over all sizes, and the fitted MB at N = 0. */
  mb_per_member: number
  intercept: number
  /** MB per member between each pair of neighbouring sizes, smallest first. */
  segment_mb_per_member: number[]
  r2: number
  verdict: 'linear or better' | 'faster than linear' | 'not measured'
}

/** How far apart two RSS readings of an unchanged process can be (allocator steps, GC), MB. */
const RSS_NOISE_MB = 1

/**
 * Whether memory grows at most linearly with members: the cost of a member in the
 * largest rooms (last segment) is no more than 1.5× that in the smallest (first segment),
 * give or take what RSS noise can make of a segment's slope.
 */
export function growth (byN: Record<string, number>): Growth {
  const points = Object.entries(byN).map(([n, mb]) => [Number(n), mb] as [number, number]).filter(([, mb]) => Number.isFinite(mb)).sort((a, b) => a[0] - b[0])
  if (points.length < 2) return { mb_per_member: NaN, intercept: NaN, segment_mb_per_member: [], r2: NaN, verdict: 'not measured' }
  const fit = linearFit(points)
  const segments = points.slice(1).map(([n, mb], i) => { const [n0, mb0] = points[i] as [number, number]; return (mb - mb0) / (n - n0) })
  const first = segments[0] as number
  const last = segments[segments.length - 1] as number
  const span = (i: number): number => ((points[i + 1] as [number, number])[0] - (points[i] as [number, number])[0])
  const noise = 2 * RSS_NOISE_MB * (1 / span(0) + 1 / span(segments.length - 1))
  return {
    mb_per_member: round(fit.slope, 3),
    intercept: round(fit.intercept, 1),
    segment_mb_per_member: segments.map((s) => round(s, 3)),
    r2: round(fit.r2, 3),
    verdict: last <= Math.max(first, 0) * 1.5 + noise ? 'linear or better' : 'faster than linear'
  }
}
