/** Percentile (nearest rank) of `values` (not necessarily sorted); NaN when empty. */
export function percentile (values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))] as number
}

/** Round for tables and JSON. */
export function round (x: number, digits = 2): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : NaN
}
