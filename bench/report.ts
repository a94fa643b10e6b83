/** The run's report: the JSON document (issue 8's shape plus more) and its markdown tables. */
import type { CatchupResult } from './catchup.js'
import type { RekeyResult } from './rekey.js'
import type { Footprint } from './footprint.js'
import type { KneeRow, Row } from './measure.js'
import type { BenchPlan, Layout } from './plan.js'
import type { ProfileResult, StageExtra, StageTime } from './profile.js'
import { round } from './stats.js'
import type { Ratios, TargetCheck } from './targets.js'

export interface Report {
  machine: { cpus: number, cpu_model: string, mem_gb: number, node: string, date: string, loadavg_1m_at_start: number, set: 'quick' | 'full', wall_s: number }
  layout_note: string
  ratios_layout: Layout
  variants: Record<string, string>
  results: Row[]
  /** Of `ratios_layout` (the separate-process layout when it ran). */
  ratios: Ratios
  ratios_by_layout: Partial<Record<Layout, Ratios>>
  knee: KneeRow[]
  join: { [K in keyof Footprint['join']]?: number | null } & { direct_ready_ms: number | null, relayed_ready_ms: number | null }
  rss_mb: Partial<Omit<Footprint['rss_mb'], 'client_idle' | 'relay_n50'>> & { client_idle: number | null, relay_n50: number | null }
  crypto_us: Record<string, number>
  /** A member back after `messages` were sent without it: time to hold them all, and history's cost. */
  catchup?: CatchupResult
  rekey?: RekeyResult
  /** CPU profile of C and B, stage by stage, and what C spends that B does not. */
  profile?: ProfileResult
  targets: TargetCheck[]
  skipped: BenchPlan['skipped']
  chart_svg?: string
  /** Errors nothing awaited (bugs), with their stacks; the run exits 1 when there are any. */
  uncaught_errors?: string[]
}

const cell = (x: unknown): string => (x == null || (typeof x === 'number' && !Number.isFinite(x)) ? '–' : String(x))
const table = (head: string[], body: unknown[][]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n')

function resultsTable (rows: Row[]): string {
  return table(
    ['variant', 'layout', 'load', 'N', 'p50 ms', 'p95 ms', 'p99 ms', 'deliveries/s', 'CPU µs/delivery', 'delivered', 'knee deliveries/s'],
    rows.map((r) => [r.variant, r.layout, r.load, r.n, r.p50_ms, r.p95_ms, r.p99_ms, r.deliveries_per_s, r.cpu_us_per_delivery, r.error != null ? `not run: ${r.error}` : r.delivered, r.knee_deliveries_per_s])
  )
}

function kneeTable (knees: KneeRow[]): string {
  return table(
    ['variant', 'layout', 'N', 'knee deliveries/s', 'steps: msg/s → deliveries/s (p99 ms)'],
    knees.map((k) => [k.variant, k.layout, k.n, `${k.knee_deliveries_per_s}${k.above_max_rate ? ' (or more)' : ''}`,
      k.steps.map((s) => `${s.rate_msgs_per_s} → ${s.deliveries_per_s} (${s.p99_ms}${s.held ? '' : ' ✗'})`).join(', ')])
  )
}

function memoryTable (rss: Report['rss_mb']): string {
  const sizes = Object.keys(rss.relay_by_n ?? {}).map(Number).sort((a, b) => a - b)
  const body = sizes.map((n) => [n, rss.relay_by_n?.[n], rss.client_by_n?.[n]])
  const g = (x: Report['rss_mb']['relay_growth']): string => (x == null ? '–' : `${x.mb_per_member} MB/member (r² ${x.r2}; per segment ${x.segment_mb_per_member.join(', ')}): ${x.verdict}`)
  const notes = [
    rss.error != null ? `The room stopped growing: ${rss.error}.` : '',
    rss.relay_n50_from_fit != null ? `Relay at N = 50 from the fitted line (not measured): ${rss.relay_n50_from_fit} MB.` : ''
  ].filter((x) => x !== '').join(' ')
  return `${table(['members N', 'relay RSS MB', 'client RSS MB'], body)}\n\nGrowth: relay ${g(rss.relay_growth)}; client ${g(rss.client_growth)}${notes !== '' ? `\n\n${notes}` : ''}`
}

const pct = (x: number | undefined): string => (x == null ? '–' : `${(x * 100).toFixed(1)}%`)
const signed = (x: number): string => `${x > 0 ? '+' : ''}${x}`

/** C and B side by side over the stages that are among either's largest `top`, C's largest first. */
function stagesTable (c: StageTime[], b: StageTime[], extra: StageExtra[], top: number, unit: 'ms' | 'µs/delivery'): string {
  const stages = [...new Set([...c.slice(0, top), ...b.slice(0, top)].map((x) => x.stage))]
  const get = (rows: StageTime[], s: string): StageTime | undefined => rows.find((x) => x.stage === s)
  const val = (x: StageTime | undefined): number | undefined => (unit === 'ms' ? x?.ms : x?.us_per_delivery)
  stages.sort((x, y) => (get(c, y)?.ms ?? 0) - (get(c, x)?.ms ?? 0))
  const shown = new Set(stages)
  const rest = (rows: StageTime[]): number => rows.filter((x) => !shown.has(x.stage)).reduce((sum, x) => sum + (val(x) ?? 0), 0)
  const restShare = (rows: StageTime[]): number => rows.filter((x) => !shown.has(x.stage)).reduce((sum, x) => sum + x.share, 0)
  const restExtra = extra.filter((x) => !shown.has(x.stage)).reduce((sum, x) => sum + x.extra_us_per_delivery, 0)
  return table(
    ['stage', `C ${unit}`, 'C share', `B ${unit}`, 'B share', 'C − B µs/delivery'],
    [
      ...stages.map((s) => [s, val(get(c, s)) ?? 0, pct(get(c, s)?.share ?? 0), val(get(b, s)) ?? 0, pct(get(b, s)?.share ?? 0), signed(extra.find((x) => x.stage === s)?.extra_us_per_delivery ?? NaN)]),
      ['(the rest)', round(rest(c), 1), pct(restShare(c)), round(rest(b), 1), pct(restShare(b)), signed(round(restExtra, 1))]
    ]
  )
}

function profileSection (p: ProfileResult): string[] {
  const c = p.totals.C
  const b = p.totals.B
  const parts = [`### Where the time goes (CPU profile: ${p.layout}, N = ${p.n}, ${p.rate_msgs_per_s} msg/s for ${p.seconds} s)`]
  const line = (v: string, t: ProfileResult['totals'][string] | undefined): string =>
    t == null ? `${v} not profiled` : `${v} ${t.cpu_us_per_delivery} µs (${t.non_idle_ms} ms busy, ${t.idle_ms} ms idle; process CPU ${t.process_cpu_ms} ms; ${t.deliveries}/${t.expected} delivered, p50 ${t.p50_ms} ms, p99 ${t.p99_ms} ms)`
  parts.push(`Main-thread CPU per delivery while profiled: ${line('C', c)}; ${line('B', b)}.`)
  if (c != null && b != null && p.extra_by_owner.length > 0) {
    const gain = p.extra_by_owner.filter((x) => x.extra_us_per_delivery > 0).slice(0, 4).map((x) => `${x.stage} ${signed(x.extra_us_per_delivery)} µs`).join(', ')
    parts.push(`**C spends ${signed(round(c.cpu_us_per_delivery - b.cpu_us_per_delivery, 0))} µs per delivery more than B; by calling stage, the most: ${gain}.**`)
    parts.push('By calling stage (a library\'s time counted for the stage that called it):', stagesTable(p.c_by_owner, p.b_by_owner, p.extra_by_owner, 12, 'µs/delivery'))
    parts.push('By the file or package of each function (`lib ← stage`: a library called from that stage):', stagesTable(p.c, p.b, p.extra, 12, 'ms'))
  } else {
    const only = c != null ? p.c : p.b
    if (only.length > 0) parts.push(table(['stage', 'ms', 'share'], only.slice(0, 15).map((x) => [x.stage, x.ms, pct(x.share)])))
  }
  const steps = p.steps.filter((x) => x.c_ms > 0 || x.b_ms > 0)
  if (steps.length > 0) {
    parts.push('Steps of the message path, inclusive (the function and what it calls synchronously; steps overlap):', table(
      ['step', 'C ms', 'C µs/delivery', 'B ms', 'B µs/delivery'],
      steps.map((x) => [`${'· '.repeat(x.depth)}${x.step}`, x.c_ms, x.c_us_per_delivery, x.b_ms, x.b_us_per_delivery])
    ))
  }
  if (p.top_functions_c.length > 0) parts.push('C\'s hottest functions (self time):', table(['function', 'where', 'stage', 'ms'], p.top_functions_c.map((f) => [`\`${f.name}\``, f.location, f.stage, f.ms])))
  const files = Object.entries(p.files ?? {}).map(([v, f]) => `${v} ${f}`).join(', ')
  if (files !== '') parts.push(`Raw profiles (Chrome DevTools, Performance tab, opens them): ${files}.`)
  if (p.error != null) parts.push(`Profile incomplete: ${p.error}`)
  return parts
}

export function markdown (r: Report): string {
  const parts = [
    `### Latency and throughput (${r.machine.set} set)`,
    resultsTable(r.results)
  ]
  const ratio = (x: Ratios): string => `C/B p50 ${cell(x.c_over_b_p50_n10)}, C/B p99 ${cell(x.c_over_b_p99_n10)}, C/B CPU ${cell(x.c_over_b_cpu_n10)}, D/C p50 ${cell(x.d_over_c_p50_n10)}, D/C p99 ${cell(x.d_over_c_p99_n10)}`
  parts.push(Object.entries(r.ratios_by_layout).map(([layout, x]) => `Ratios (${layout}, paced, N = 10${layout === r.ratios_layout ? ', the reported ones' : ''}): ${ratio(x)}`).join('  \n'))
  if (r.knee.length > 0) parts.push(`### Throughput at the knee (${r.knee[0]?.criterion ?? ''})`, kneeTable(r.knee))
  if (r.join.direct_ready_ms != null) {
    const j = r.join
    parts.push('### Join (median of ' + cell(j.trials) + ' joins in-process; one whole process)', table(['member', 'to ready ms', 'to first message ms'], [
      ['direct (in-process)', j.direct_ready_ms, j.direct_first_message_ms],
      ['relayed only (in-process)', j.relayed_ready_ms, j.relayed_first_message_ms],
      ['`cryptochat join --json` process', j.process_ready_ms, j.process_first_message_ms]
    ]))
  }
  if (r.rss_mb.relay_by_n != null) parts.push('### Memory (RSS, idle, as the room grows)', memoryTable(r.rss_mb))
  parts.push('### Targets (issue 8)', table(['target', 'goal', 'value', 'status'], r.targets.map((t) => [t.target, t.goal, t.value, t.status])))
  if (r.catchup != null) {
    const k = r.catchup
    parts.push('### Catch-up and history (one process)', table(['missed messages', 'from a relay store ms', 'from a member ms', 'history bytes/message', 'open history ms'], [
      [k.messages, k.from_store_ms, k.from_member_ms, k.history_bytes_per_message, k.history_open_ms]
    ]))
  }
  if (r.rekey != null) {
    const k = r.rekey
    parts.push('### Removal with rekey (one process, members through the relay hub)', table(['members', 'wrap keys ms', 'owner\'s remove ms', 'median member in new epoch ms', 'last member in new epoch ms', 'last joiners listed by the owner ms (median)'], [
      [k.members, k.wrap_ms, k.owner_ms, k.p50_member_ms, k.all_members_ms, k.join_admitted_ms ?? '']
    ]))
  }
  if (r.profile != null) parts.push(...profileSection(r.profile))
  const c = r.crypto_us
  if (c.seal_us != null) parts.push(`Crypto per message: seal ${round(c.seal_us)} µs, open ${round(c.open_us as number)} µs, sign ${round(c.sign_us as number)} µs, verify ${round(c.verify_us as number)} µs`)
  for (const s of r.skipped) parts.push(`Not run: ${s.layout} ${s.variant} N=${s.n}: ${s.reason}`)
  for (const e of r.uncaught_errors ?? []) parts.push(`Uncaught error during the run: ${e.split('\n').slice(0, 3).join(' ')}`)
  const m = r.machine
  parts.push(`Machine: ${m.cpus} × ${m.cpu_model}, ${m.mem_gb} GiB, Node ${m.node}, load ${m.loadavg_1m_at_start} at start; ${m.date}; ${m.wall_s} s.`)
  return parts.join('\n\n')
}
