/**
 * `npm run bench`: CryptoChat against its baselines, in one run on one machine, so that
 * the ratios hold on a noisy machine. Prints markdown tables and terminal charts, writes
 * JSON and an SVG chart of the same (same base name). Exits 0 whatever the timings: a
 * missed target is reported, not failed; only a crash exits non-zero.
 */
import { Command } from 'commander'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { latencySvg, terminalCharts } from './charts.js'
import { catchup, type CatchupResult } from './catchup.js'
import { rekey, type RekeyResult } from './rekey.js'
import { cryptoMicro } from './crypto.js'
import { footprint, type Footprint } from './footprint.js'
import { measureRoom, type KneeRow, type Row } from './measure.js'
import { closeMembers, memberUncaught } from './member-processes.js'
import { profilePhase, type CpuProfile, type ProfileResult } from './profile.js'
import { ALL_PHASES, makePlan, RATIO_N, type Layout, type Phase } from './plan.js'
import { elapsedSeconds, progress } from './progress.js'
import { markdown, type Report } from './report.js'
import { round } from './stats.js'
import { checkTargets, pacedRow, ratiosOf, type Ratios } from './targets.js'
import { VARIANT_NAMES, type Variant } from './variants.js'

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results')
const LAYOUTS: Layout[] = ['one-process', 'processes']

/**
 * Errors thrown where nothing awaited them (a library timer firing after its client
 * stopped, say). They are bugs, not timings: recorded, printed, put in the JSON, and the
 * run goes on so that its figures are not lost; the exit code is then 1.
 */
const uncaught: string[] = []
const recordUncaught = (err: any): void => {
  uncaught.push(String(err?.stack ?? err))
  process.stderr.write(`\nbench: uncaught error (recorded; the run goes on): ${String(err?.message ?? err)}\n`)
}
process.on('uncaughtException', recordUncaught)
process.on('unhandledRejection', recordUncaught)

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter((s) => s !== '')

async function main (argv: string[]): Promise<void> {
  const opts = new Command('bench')
    .option('--quick', 'the reduced set (under 2 minutes)')
    .option('--out <file>', 'where to write the JSON (the SVG goes beside it, same name); default bench/results/<date>.json')
    .option('--variants <list>', 'which variants to run (A,B,C,D)', 'A,B,C,D')
    .option('--layout <layout>', 'one-process, processes, or both', 'both')
    .option('--sizes <list>', 'room sizes to measure instead of the set\'s own, e.g. 10 or 2,10')
    .option('--phases <list>', `what to measure (${ALL_PHASES.join(',')})`, ALL_PHASES.join(','))
    .parse(argv, { from: 'user' })
    .opts<{ quick?: boolean, out?: string, variants: string, layout: string, sizes?: string, phases: string }>()
  const quick = opts.quick === true
  const variants = list(opts.variants).map((v) => v.toUpperCase()) as Variant[]
  const layouts = opts.layout === 'both' ? LAYOUTS : [opts.layout as Layout]
  const phases = list(opts.phases) as Phase[]
  for (const v of variants) if (VARIANT_NAMES[v] == null) throw new Error(`bench: unknown variant ${v}`)
  for (const l of layouts) if (!LAYOUTS.includes(l)) throw new Error(`bench: unknown layout ${l}`)
  for (const p of phases) if (!ALL_PHASES.includes(p)) throw new Error(`bench: unknown phase ${p}`)
  const plan = makePlan({ quick, variants, layouts, phases, ...(opts.sizes != null ? { sizes: list(opts.sizes).map(Number) } : {}) })
  const date = new Date().toISOString()
  const loadAtStart = round(loadavg()[0] ?? NaN)

  const rows: Row[] = []
  const knees: KneeRow[] = []
  let baseId = 0
  for (const [i, room] of plan.rooms.entries()) {
    progress(`room ${i + 1}/${plan.rooms.length}`)
    // Variants cost more to start in the order A < B < C < D (plain TCP, libp2p, the chat
    // library, every member link a relay circuit): past one that could not start, the
    // costlier ones at the same size and layout are not tried.
    const failed = rows.find((r) => r.error != null && r.layout === room.layout && r.n === room.n && r.variant < room.variant)
    if (failed != null) {
      plan.skipped.push({ layout: room.layout, variant: room.variant, n: room.n, reason: `${failed.variant} could not start a room this size in this layout (${failed.error ?? ''}), and ${room.variant} costs more to start` })
      continue
    }
    const r = await measureRoom(room, baseId)
    baseId += 10_000_000
    rows.push(...r.rows)
    if (r.knee != null) knees.push(r.knee)
  }
  await closeMembers()
  let micro: Record<string, number> = {}
  if (plan.crypto) {
    progress('crypto micro-benchmarks…')
    micro = cryptoMicro()
  }
  let fp: Footprint | undefined
  if (plan.footprintSizes.length > 0) {
    progress('footprint: join times and memory…')
    fp = await footprint(plan.footprintSizes, plan.joinTrials).catch((err) => {
      process.stderr.write(`\nbench: footprint not measured: ${String(err?.message ?? err)}\n`)
      return undefined
    })
  }
  let caught: CatchupResult | undefined
  if (plan.catchupMessages > 0) {
    caught = await catchup(plan.catchupMessages).catch((err) => {
      process.stderr.write(`\nbench: catch-up not measured: ${String(err?.message ?? err)}\n`)
      return undefined
    })
  }
  let rekeyed: RekeyResult | undefined
  if (plan.rekeyMembers > 0) {
    rekeyed = await rekey(plan.rekeyMembers).catch((err) => {
      process.stderr.write(`\nbench: rekey not measured: ${String(err?.message ?? err)}\n`)
      return undefined
    })
  }
  let profiled: { result: ProfileResult, profiles: Partial<Record<Variant, CpuProfile>> } | undefined
  if (plan.profile != null && plan.profile.variants.length > 0) {
    profiled = await profilePhase(plan.profile, baseId).catch((err) => {
      process.stderr.write(`\nbench: profile not taken: ${String(err?.message ?? err)}\n`)
      return undefined
    })
  }
  progress('')

  // Ratios come from the separate-process layout when it measured B and C (what users have).
  const ratioLayout: Layout = pacedRow(rows, 'processes', 'B', RATIO_N) != null && pacedRow(rows, 'processes', 'C', RATIO_N) != null ? 'processes' : 'one-process'
  const ratiosByLayout: Partial<Record<Layout, Ratios>> = {}
  for (const l of layouts) if (rows.some((r) => r.layout === l)) ratiosByLayout[l] = ratiosOf(rows, l)
  const ratios = ratiosOf(rows, ratioLayout)
  const out = opts.out ?? join(RESULTS_DIR, `${date.replace(/[:.]/g, '-')}.json`)
  const svgPath = out.replace(/\.json$/i, '') + '.svg'
  const report: Report = {
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', mem_gb: round(totalmem() / 2 ** 30, 1), node: process.version, date, loadavg_1m_at_start: loadAtStart, set: quick ? 'quick' : 'full', wall_s: 0 },
    layout_note: 'one-process: every member in the benchmark process; processes: every member its own process, relay its own process',
    ratios_layout: ratioLayout,
    variants: VARIANT_NAMES,
    results: rows,
    ratios,
    ratios_by_layout: ratiosByLayout,
    knee: knees,
    join: fp?.join ?? { direct_ready_ms: null, relayed_ready_ms: null },
    rss_mb: fp?.rss_mb ?? { client_idle: null, relay_n50: null },
    crypto_us: micro,
    ...(caught != null ? { catchup: caught } : {}),
    ...(rekeyed != null ? { rekey: rekeyed } : {}),
    ...(profiled != null ? { profile: profiled.result } : {}),
    targets: checkTargets(rows, ratioLayout, ratios, knees, fp),
    skipped: plan.skipped
  }
  mkdirSync(dirname(out), { recursive: true })
  if (rows.length > 0) {
    progress('drawing the SVG chart…')
    try {
      writeFileSync(svgPath, await latencySvg(rows, `${report.machine.cpus} × ${report.machine.cpu_model}, Node ${report.machine.node}, ${date}, ${report.machine.set} set`))
      report.chart_svg = svgPath
    } catch (err: any) {
      // The figures matter more than their picture: keep going, say so.
      process.stderr.write(`\nbench: no SVG chart: ${String(err?.message ?? err)}\n`)
    }
    progress('')
  }
  if (profiled != null) {
    // The raw profiles beside the JSON (Chrome DevTools opens them).
    const files: Record<string, string> = {}
    for (const [v, p] of Object.entries(profiled.profiles)) {
      const file = `${out.replace(/\.json$/i, '')}.profile-${v.toLowerCase()}.cpuprofile`
      try {
        writeFileSync(file, JSON.stringify(p))
        files[v] = file
      } catch (err: any) {
        process.stderr.write(`\nbench: could not write ${file}: ${String(err?.message ?? err)}\n`)
      }
    }
    profiled.result.files = files
  }
  uncaught.push(...memberUncaught)
  if (uncaught.length > 0) report.uncaught_errors = uncaught
  report.machine.wall_s = round(elapsedSeconds(), 0)
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(`${markdown(report)}\n\n`)
  if (rows.length > 0) process.stdout.write(`${terminalCharts(rows, process.stdout.isTTY)}\n\n`)
  process.stdout.write(`JSON: ${out}${report.chart_svg != null ? `\nSVG: ${report.chart_svg}` : ''}\n`)
  for (const [v, file] of Object.entries(report.profile?.files ?? {})) process.stdout.write(`CPU profile ${v}: ${file}\n`)
  if (uncaught.length > 0) process.stderr.write(`bench: ${uncaught.length} uncaught error(s) during the run (in the JSON as uncaught_errors); exit code 1\n`)
}

await main(process.argv.slice(2))
// Timings never fail the run; only errors do.
process.exit(uncaught.length > 0 ? 1 : 0)
