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
import { runLoad } from './load.js'
import { percentile, round } from './stats.js'
import { startVariant, VARIANT_NAMES, type Variant } from './variants.js'

interface Row {
  variant: Variant
  layout: 'one-process'
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

async function measure (variant: Variant, n: number, messages: number, rate: number, burst: number, baseId: number): Promise<Row[]> {
  progress(`${variant} n=${n}: starting ${n} members…`)
  const room = await startVariant(variant, n)
  const rows: Row[] = []
  try {
    // Warm-up, not recorded.
    await runLoad(room, Math.min(20, messages), rate, baseId)
    for (const [load, count, perSec] of [['paced', messages, rate], ['burst', burst, Infinity]] as const) {
      progress(`${variant} n=${n}: ${load} load, ${count} messages…`)
      const r = await runLoad(room, count, perSec, baseId + 100_000 + (load === 'burst' ? 50_000 : 0))
      rows.push({
        variant,
        layout: 'one-process',
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
    await room.stop()
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
    .parse(argv, { from: 'user' })
    .opts<{ quick?: boolean, out?: string, variants: string }>()
  const quick = opts.quick === true
  const sizes = quick ? [2, 10] : [2, 10, 50]
  const messages = quick ? 100 : 300
  const variants = opts.variants.split(',').map((v) => v.trim().toUpperCase()) as Variant[]
  const rows: Row[] = []
  let baseId = 0
  for (const n of sizes) {
    for (const v of variants) {
      rows.push(...await measure(v, n, messages, 20, quick ? 50 : 200, baseId))
      baseId += 1_000_000
    }
  }
  progress('crypto micro-benchmarks…')
  const micro = cryptoMicro()
  const relayMembers = quick ? 10 : 50
  progress(`join times and memory (relay with ${relayMembers} members)…`)
  const fp = await footprint(relayMembers)
  progress('')
  const paced = (v: Variant, n: number): Row | undefined => rows.find((r) => r.variant === v && r.n === n && r.load === 'paced')
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
    layout_note: 'one-process: every member in this process (separate-process layout: not yet measured)',
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
  process.stdout.write(`${table(rows)}\n\nRatios (paced, N = 10): C/B p50 ${ratios.c_over_b_p50_n10}, C/B p99 ${ratios.c_over_b_p99_n10}, C/B CPU ${ratios.c_over_b_cpu_n10}, D/C p50 ${ratios.d_over_c_p50_n10}\n`)
  process.stdout.write(`Crypto per message: seal ${round(micro.seal_us as number)} µs, open ${round(micro.open_us as number)} µs, sign ${round(micro.sign_us as number)} µs, verify ${round(micro.verify_us as number)} µs\n`)
  process.stdout.write(`Join to ready: ${fp.join.direct_ready_ms} ms direct, ${fp.join.relayed_ready_ms} ms relayed (in-process), ${fp.join.process_ready_ms} ms for a whole \`cryptochat join --json\` process\n`)
  process.stdout.write(`RSS: idle client process ${fp.rss_mb.client_idle} MB, relay process with ${relayMembers} members ${fp.rss_mb.relay_n50} MB\n`)
  process.stdout.write(`Machine: ${machine.cpus} × ${machine.cpu_model}, ${machine.mem_gb} GiB, Node ${machine.node}. JSON: ${out}\n`)
}

await main(process.argv.slice(2))
process.exit(0)
