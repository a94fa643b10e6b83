/**
 * `npm run bench`: CryptoChat against its baselines, in one run on one machine, so that
 * the ratios hold on a noisy machine. This first version runs every member in one
 * process (the protocol's own cost, without the OS scheduling N processes on 2 cores).
 */
import { Command } from 'commander'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cryptoMicro } from './crypto.js'
import { footprint } from './footprint.js'
import { runLoad, type LoadResult } from './load.js'
import { startProcessVariant } from './processes.js'
import { percentile, round } from './stats.js'
import { startVariant, VARIANT_NAMES, type Variant } from './variants.js'

type Layout = 'one-process' | 'processes'

interface Row {
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
}

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results')

function progress (text: string): void {
  process.stderr.write(`\r\x1b[K${text}`)
}

async function measure (layout: Layout, variant: Variant, n: number, messages: number, rate: number, burst: number, baseId: number): Promise<Row[]> {
  progress(`${layout} ${variant} n=${n}: starting ${n} members…`)
  let run: (count: number, perSec: number, id: number) => Promise<LoadResult>
  let stop: () => Promise<void>
  if (layout === 'one-process') {
    const room = await startVariant(variant, n)
    run = async (count, perSec, id) => await runLoad(room, count, perSec, id)
    stop = async () => { await room.stop() }
  } else {
    const room = await startProcessVariant(variant, n)
    run = async (count, perSec, id) => await room.run(count, perSec, id)
    stop = async () => { await room.stop() }
  }
  const rows: Row[] = []
  try {
    // Warm-up, not recorded.
    await run(Math.min(20, messages), rate, baseId)
    for (const [load, count, perSec] of [['paced', messages, rate], ['burst', burst, Infinity]] as const) {
      progress(`${layout} ${variant} n=${n}: ${load} load, ${count} messages…`)
      const r = await run(count, perSec, baseId + 100_000 + (load === 'burst' ? 50_000 : 0))
      rows.push({
        variant,
        layout,
        load,
        n,
        p50_ms: round(percentile(r.latencies, 50)),
        p95_ms: round(percentile(r.latencies, 95)),
        p99_ms: round(percentile(r.latencies, 99)),
        deliveries_per_s: round(r.deliveries / (r.wallMs / 1000), 0),
        cpu_us_per_delivery: round(r.cpuUs / Math.max(1, r.deliveries), 0),
        delivered: `${r.deliveries}/${r.expected}`
      })
    }
  } finally {
    await stop()
  }
  return rows
}

function table (rows: Row[]): string {
  const head = '| variant | layout | load | N | p50 ms | p95 ms | p99 ms | deliveries/s | CPU µs/delivery | delivered |\n|---|---|---|---|---|---|---|---|---|---|'
  return [head, ...rows.map((r) => `| ${r.variant} | ${r.layout} | ${r.load} | ${r.n} | ${r.p50_ms} | ${r.p95_ms} | ${r.p99_ms} | ${r.deliveries_per_s} | ${r.cpu_us_per_delivery} | ${r.delivered} |`)].join('\n')
}

async function main (argv: string[]): Promise<void> {
  const opts = new Command('bench')
    .option('--quick', 'a reduced set (N = 2 and 10, fewer messages)')
    .option('--out <file>', 'where to write the JSON results')
    .option('--variants <list>', 'which variants to run', 'A,B,C,D')
    .option('--layout <layout>', 'one-process, processes, or both', 'both')
    .parse(argv, { from: 'user' })
    .opts<{ quick?: boolean, out?: string, variants: string, layout: string }>()
  const quick = opts.quick === true
  const sizes = quick ? [2, 10] : [2, 10, 50]
  const messages = quick ? 100 : 300
  const variants = opts.variants.split(',').map((v) => v.trim().toUpperCase()) as Variant[]
  const rows: Row[] = []
  let baseId = 0
  const layouts: Layout[] = opts.layout === 'both' ? ['one-process', 'processes'] : [opts.layout as Layout]
  for (const layout of layouts) {
    for (const n of sizes) {
      // 50 member processes on 2 cores are measured in the full run only.
      if (layout === 'processes' && n > 10 && quick) continue
      for (const v of variants) {
        // The quick set keeps the separate-process runs short: starting processes dominates.
        const count = quick && layout === 'processes' ? 60 : messages
        rows.push(...await measure(layout, v, n, count, 20, quick ? (layout === 'processes' ? 30 : 50) : 200, baseId))
        baseId += 1_000_000
      }
    }
  }
  progress('crypto micro-benchmarks…')
  const micro = cryptoMicro()
  const relayMembers = quick ? 10 : 50
  progress(`join times and memory (relay with ${relayMembers} members)…`)
  const fp = await footprint(relayMembers)
  progress('')
  // Ratios come from the separate-process layout when it ran (what users have).
  const ratioLayout: Layout = layouts.includes('processes') ? 'processes' : 'one-process'
  const paced = (v: Variant, n: number): Row | undefined => rows.find((r) => r.variant === v && r.n === n && r.load === 'paced' && r.layout === ratioLayout)
  const ratio = (a?: number, b?: number): number => (a != null && b != null && b > 0 ? round(a / b, 3) : NaN)
  const ratios = {
    c_over_b_p50_n10: ratio(paced('C', 10)?.p50_ms, paced('B', 10)?.p50_ms),
    c_over_b_p99_n10: ratio(paced('C', 10)?.p99_ms, paced('B', 10)?.p99_ms),
    c_over_b_cpu_n10: ratio(paced('C', 10)?.cpu_us_per_delivery, paced('B', 10)?.cpu_us_per_delivery),
    d_over_c_p50_n10: ratio(paced('D', 10)?.p50_ms, paced('C', 10)?.p50_ms)
  }
  const machine = { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', mem_gb: round(totalmem() / 2 ** 30, 1), node: process.version, date: new Date().toISOString() }
  const report = {
    machine,
    layout_note: 'one-process: every member in the benchmark process; processes: every member its own process, relay its own process',
    ratios_layout: ratioLayout,
    variants: VARIANT_NAMES,
    results: rows,
    ratios,
    join: fp.join,
    rss_mb: { ...fp.rss_mb, relay_members: relayMembers },
    crypto_us: micro
  }
  const out = opts.out ?? join(RESULTS_DIR, `${machine.date.replace(/[:.]/g, '-')}.json`)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(`${table(rows)}\n\nRatios (${ratioLayout}, paced, N = 10): C/B p50 ${ratios.c_over_b_p50_n10}, C/B p99 ${ratios.c_over_b_p99_n10}, C/B CPU ${ratios.c_over_b_cpu_n10}, D/C p50 ${ratios.d_over_c_p50_n10}\n`)
  process.stdout.write(`Crypto per message: seal ${round(micro.seal_us as number)} µs, open ${round(micro.open_us as number)} µs, sign ${round(micro.sign_us as number)} µs, verify ${round(micro.verify_us as number)} µs\n`)
  process.stdout.write(`Join to ready: ${fp.join.direct_ready_ms} ms direct, ${fp.join.relayed_ready_ms} ms relayed (in-process), ${fp.join.process_ready_ms} ms for a whole \`cryptochat join --json\` process\n`)
  process.stdout.write(`RSS: idle client process ${fp.rss_mb.client_idle} MB, relay process with ${relayMembers} members ${fp.rss_mb.relay_n50} MB\n`)
  process.stdout.write(`Machine: ${machine.cpus} × ${machine.cpu_model}, ${machine.mem_gb} GiB, Node ${machine.node}. JSON: ${out}\n`)
}

await main(process.argv.slice(2))
process.exit(0)
