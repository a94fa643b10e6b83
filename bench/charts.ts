/**
 * The latency distributions (p50, p95, p99 per variant and N) as pictures: a chart in the
 * terminal and an SVG beside the JSON.
 *
 * Libraries, chosen to stay small, pure JavaScript and maintained:
 * - terminal: simple-ascii-chart (MIT, no dependencies, types included, ~40 kB of code):
 *   it draws bar charts with labelled category ticks, custom y ticks and colours.
 *   asciichart, the better-known one, draws only lines with no x labels: a line through
 *   unrelated categories would suggest a trend that is not there.
 * - SVG: Vega-Lite compiled to Vega, rendered headless by Vega's own SVG renderer: no
 *   canvas, no browser, no native build (nothing to compile on `npm ci`). A declarative
 *   spec does log scales, facets and legends in a few lines. vega-lite is held at 6.4
 *   because 6.5 requires Node 22 and this project supports Node 20. ECharts' server-side
 *   SVG was the other candidate: fewer packages but about three times the size on disk.
 */
import { plot } from 'simple-ascii-chart'
import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import type { Row } from './measure.js'
import type { Layout } from './plan.js'

const PERCENTILES = ['p50_ms', 'p95_ms', 'p99_ms'] as const
const LABELS = { p50_ms: 'p50', p95_ms: 'p95', p99_ms: 'p99' }
/** y ticks (ms) of the terminal chart, a 1-2-5 log ladder. */
const TICKS_MS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
/** Columns per variant×N group in the terminal chart: three bars and a gap. */
const GROUP = 5

const measured = (r: Row): boolean => PERCENTILES.every((p) => Number.isFinite(r[p]) && r[p] > 0)

/**
 * One terminal chart per layout of the paced load: for each variant and N, three bars
 * (p50, p95, p99, left to right) on a log scale. Colours only on a terminal.
 */
export function terminalCharts (rows: Row[], color: boolean): string {
  const out: string[] = []
  for (const layout of ['one-process', 'processes'] as Layout[]) {
    const cases = rows.filter((r) => r.layout === layout && r.load === 'paced' && measured(r)).sort((a, b) => a.n - b.n || a.variant.localeCompare(b.variant))
    if (cases.length === 0) continue
    const series = PERCENTILES.map((p, j) => cases.map((r, i) => [i * GROUP + j, Math.log10(r[p])] as [number, number]))
    const lo = Math.min(...cases.map((r) => r.p50_ms))
    const hi = Math.max(...cases.map((r) => r.p99_ms))
    // From the last tick at or below the lowest bar to the first at or above the highest.
    const ticks = TICKS_MS.filter((t, i) => (TICKS_MS[i - 1] ?? 0) < hi && (TICKS_MS[i + 1] ?? Infinity) > lo)
    out.push(plot(series, {
      mode: 'bar',
      width: (cases.length - 1) * GROUP + 3,
      height: Math.min(16, 2 * ticks.length + 2),
      title: `${layout} layout, paced load: latency, ms (log scale); per variant:N, bars p50, p95, p99`,
      customYAxisTicks: ticks.map(Math.log10),
      customXAxisTicks: cases.map((_, i) => i * GROUP + 1),
      formatter: (v, { axis }) => {
        if (axis === 'x') { const r = cases[Math.round((v - 1) / GROUP)]; return r != null ? `${r.variant}:${r.n}` : '' }
        return Number((10 ** v).toPrecision(2))
      },
      ...(color ? { color: ['ansiGreen', 'ansiYellow', 'ansiRed'] as const, legend: { position: 'bottom' as const, series: ['p50', 'p95', 'p99'] } } : {})
    }))
  }
  return out.join('\n\n')
}

/** The Vega-Lite spec of the SVG: a log-scale dot plot, p50 to p99 joined by a rule, one panel per layout and load. */
export function latencySpec (rows: Row[], title: string): TopLevelSpec {
  const values = rows.filter(measured).map((r) => ({ ...r, room: `${r.variant} · N=${r.n}`, order: `${r.variant}${String(r.n).padStart(3, '0')}` }))
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'CryptoChat benchmark: delivery latency (p50, p95, p99)', subtitle: title },
    data: { values },
    facet: {
      row: { field: 'layout', type: 'nominal', title: 'layout', sort: ['one-process', 'processes'] },
      column: { field: 'load', type: 'nominal', title: 'load', sort: ['paced', 'burst'] }
    },
    spec: {
      width: 320,
      height: { step: 18 },
      encoding: {
        y: { field: 'room', type: 'nominal', title: 'variant · members', sort: { field: 'order' } }
      },
      layer: [
        {
          mark: { type: 'rule', color: '#999' },
          encoding: {
            x: { field: 'p50_ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency, ms (log scale)' },
            x2: { field: 'p99_ms' }
          }
        },
        {
          transform: [{ fold: [...PERCENTILES], as: ['percentile', 'ms'] }, { calculate: `{p50_ms: 'p50', p95_ms: 'p95', p99_ms: 'p99'}[datum.percentile]`, as: 'pct' }],
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x: { field: 'ms', type: 'quantitative', scale: { type: 'log' } },
            color: { field: 'pct', type: 'nominal', title: 'percentile', scale: { domain: Object.values(LABELS), range: ['#2ca02c', '#ff7f0e', '#d62728'] } },
            shape: { field: 'pct', type: 'nominal', title: 'percentile', scale: { domain: Object.values(LABELS), range: ['circle', 'diamond', 'triangle-up'] } },
            tooltip: [{ field: 'room' }, { field: 'pct' }, { field: 'ms', type: 'quantitative' }]
          }
        }
      ]
    }
  }
}

/** Render the latency chart to an SVG document (headless: no canvas, no browser). */
export async function latencySvg (rows: Row[], title: string): Promise<string> {
  const view = new View(parse(compile(latencySpec(rows, title)).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
