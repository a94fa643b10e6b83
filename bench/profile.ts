/**
 * Where the time goes: a CPU profile of variant C (the chat library) and variant B (raw
 * gossipsub) under the same paced load, N = 10, every member in this process, so one V8
 * CPU profile (node:inspector, this process's main thread) sees every member, the relay
 * and the load driver. Self time of each sampled frame is attributed to a stage by the
 * file or package of the frame's function ({@link STAGES}), and C's stages are set
 * against B's: what C spends that B does not is the app's overhead, stage by stage.
 *
 * The raw profiles are returned too (written beside the JSON as `.cpuprofile`; Chrome
 * DevTools, Performance tab, opens them).
 */
import { readFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { SourceMap } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { LoadResult } from './load.js'
import { WARMUP, type ProfilePlan } from './plan.js'
import { progress } from './progress.js'
import { percentile, round } from './stats.js'
import { startOneProcessRoom, type Variant } from './variants.js'

/**
 * A stage owns its time (`owner`), or is a library whose time is also named after the
 * nearest owning stage that called it (`lib`): `@noble/ciphers ← src/history` is the AEAD
 * of history writes, `@noble/ciphers ← src/protocol` that of messages.
 */
type Kind = 'owner' | 'lib'

/**
 * Frame location → stage, first match wins. Locations are `dist/…` for this project's
 * files, `npm:<package>/…` for packages, `node:…` for Node's own JS, and `(name)` for
 * V8's pseudo-frames. A native function (no location: a C++ binding such as OpenSSL's
 * sign) gets the stage of its JS caller.
 */
const STAGES: Array<[RegExp, string, Kind]> = [
  [/^\(idle\)$/, 'idle', 'owner'],
  [/^\(garbage collector\)$/, 'GC (garbage collector)', 'owner'],
  [/^\(program\)$/, '(program): V8/native, no JS on the stack', 'owner'],
  [/^\(root\)$/, 'event loop (a native callback, no JS caller)', 'owner'],
  [/^dist\/src\/crypto\//, 'src/crypto', 'lib'],
  [/^dist\/src\/protocol\//, 'src/protocol (encode/decode, seal/open)', 'owner'],
  [/^dist\/src\/history\//, 'src/history (history write)', 'owner'],
  [/^dist\/src\/chat\//, 'src/chat (validation, outbox, gaps)', 'owner'],
  [/^dist\/src\/room\//, 'src/room (replay window, room state)', 'owner'],
  [/^dist\/src\/identity\//, 'src/identity (fingerprints)', 'owner'],
  [/^dist\/src\/net\//, 'src/net', 'owner'],
  [/^dist\/src\/store\//, 'src/store (state files: replay window, sequence)', 'owner'],
  [/^dist\/src\//, 'src (other)', 'owner'],
  [/^dist\/relay-node\//, 'relay-node', 'owner'],
  [/^dist\/bench\//, 'bench harness', 'owner'],
  [/^npm:@libp2p\/gossipsub\//, '@libp2p/gossipsub', 'owner'],
  [/^npm:@chainsafe\/libp2p-yamux\//, '@chainsafe/libp2p-yamux', 'owner'],
  [/^npm:@chainsafe\/libp2p-noise\//, '@chainsafe/libp2p-noise', 'owner'],
  [/^npm:@libp2p\/tcp\//, '@libp2p/tcp', 'owner'],
  [/^npm:(weald|debug|@libp2p\/logger)\//, 'logging (disabled)', 'lib'],
  [/^npm:(@libp2p\/|libp2p\/)/, '@libp2p/* (utils, streams, connections)', 'owner'],
  [/^npm:@noble\/ciphers\//, '@noble/ciphers', 'lib'],
  [/^npm:@noble\/hashes\//, '@noble/hashes', 'lib'],
  [/^npm:@noble\/curves\//, '@noble/curves', 'lib'],
  [/^npm:protons-runtime\//, 'protons-runtime', 'lib'],
  [/^npm:(uint8arraylist|uint8arrays|it-[^/]+|@chainsafe\/as-[^/]+)\//, 'uint8arraylist, it-*, uint8arrays', 'lib'],
  [/^npm:(multiformats|@multiformats\/[^/]+)\//, 'multiformats (peer ids, addresses)', 'lib'],
  [/^npm:(promise\.withresolvers|es-abstract|es-[^/]+|is-callable|call-bind[^/]*|get-intrinsic|function-bind|gopd|has-[^/]+)\//, 'Promise.withResolvers polyfill (es-abstract)', 'lib'],
  [/^npm:/, 'other packages', 'lib'],
  [/^node:(internal\/)?crypto/, 'node:crypto', 'lib'],
  [/^node:(internal\/)?fs/, 'node:fs', 'lib'],
  [/^node:(internal\/)?(net|stream|streams\/|stream_base|dgram|tcp)/, 'node:net/streams', 'lib'],
  [/^node:(internal\/)?(buffer|encoding|util)/, 'node:buffer/encoding', 'lib'],
  [/^node:/, 'node: other (timers, events, tasks)', 'lib'],
  [/^wasm:/, 'wasm', 'lib'],
  [/./, 'other', 'owner']
]

/**
 * Steps of the message path, timed inclusively: the function and all it calls
 * synchronously (an async function's time after its first await is not counted, and
 * neither is work it queued). `depth` only indents the table. Matched by function name
 * and the frame's location (see {@link STAGES}).
 */
const STEPS: Array<{ step: string, fn: string, at: RegExp, depth: number }> = [
  { step: 'gossipsub: handle a received message (validate, forward)', fn: 'handleReceivedMessage', at: /^npm:@libp2p\/gossipsub\//, depth: 0 },
  { step: 'chat: topic validator (RoomSession.validate)', fn: 'validate', at: /^dist\/src\/chat\/room-session/, depth: 1 },
  { step: 'openMessage (decode, AEAD open, verify)', fn: 'openMessage', at: /^dist\/src\/protocol\/sealing/, depth: 2 },
  { step: 'decodeEnvelope (decode + canonical re-encode; in B: the relay hub\'s check)', fn: 'decodeEnvelope', at: /^dist\/src\/protocol\/envelope/, depth: 3 },
  { step: 'AEAD open (XChaCha20-Poly1305)', fn: 'open', at: /^dist\/src\/crypto\/aead/, depth: 3 },
  { step: 'Ed25519 verify (node:crypto)', fn: 'verify', at: /^dist\/src\/crypto\/sign/, depth: 3 },
  { step: 'replay check (ReplayWindow.admit)', fn: 'admit', at: /^dist\/src\/room\/replay-window/, depth: 2 },
  { step: 'history write (RoomSession.keep)', fn: 'keep', at: /^dist\/src\/chat\/room-session/, depth: 2 },
  { step: 'record log append (seal + writeSync)', fn: 'append', at: /^dist\/src\/history\/record-log/, depth: 3 },
  { step: 'gossipsub: forward to the mesh', fn: 'forwardMessage', at: /^npm:@libp2p\/gossipsub\//, depth: 1 },
  { step: 'gossipsub: message id (sha256)', fn: 'msgIdFn', at: /^dist\/src\/net\/gossip/, depth: 1 },
  { step: 'fingerprint (sha256, hex; in validate, keep, deliver)', fn: 'fingerprint', at: /^dist\/src\/identity\/fingerprint/, depth: 0 },
  { step: 'envelopeHash (sha256; in keep, send)', fn: 'envelopeHash', at: /^dist\/src\/protocol\//, depth: 0 },
  { step: 'chat: deliver (events, members)', fn: 'deliver', at: /^dist\/src\/chat\/room-session/, depth: 0 },
  { step: 'chat: send (seal, history, outbox)', fn: 'send', at: /^dist\/src\/chat\/room-session/, depth: 0 },
  { step: 'sealMessage (sign, AEAD seal)', fn: 'sealMessage', at: /^dist\/src\/protocol\/sealing/, depth: 1 },
  { step: 'gossipsub: publish', fn: 'publish', at: /^npm:@libp2p\/gossipsub\//, depth: 0 },
  { step: 'chat: replay window file rewrite (flushReplay)', fn: 'flushReplay', at: /^dist\/src\/chat\/room-session/, depth: 0 },
  { step: 'chat: outbox poll (acks, store puts; sync part)', fn: 'poll', at: /^dist\/src\/chat\/outbox/, depth: 0 },
  { step: 'chat: sync link peers (peer id parsing)', fn: 'peers', at: /^dist\/src\/chat\/client/, depth: 1 },
  { step: 'chat: serve a sync request', fn: 'serve', at: /^dist\/src\/chat\/room-sync/, depth: 0 },
  { step: 'gossipsub: heartbeat', fn: 'heartbeat', at: /^npm:@libp2p\/gossipsub\//, depth: 0 },
  { step: 'noise: encrypt', fn: 'encrypt', at: /^npm:@chainsafe\/libp2p-noise\//, depth: 0 },
  { step: 'noise: decrypt', fn: 'decrypt', at: /^npm:@chainsafe\/libp2p-noise\//, depth: 0 },
  { step: 'yamux: window updates', fn: 'sendWindowUpdate', at: /^npm:@chainsafe\/libp2p-yamux\//, depth: 0 },
  { step: 'GC', fn: '(garbage collector)', at: /^\(garbage collector\)$/, depth: 0 }
]

/** Inclusive time of one step, C and B side by side. */
export interface StepTime { step: string, depth: number, c_ms: number, b_ms: number, c_us_per_delivery: number, b_us_per_delivery: number }

/** A stage's self time in one profile. */
export interface StageTime { stage: string, ms: number, share: number, us_per_delivery: number }
export interface StageExtra { stage: string, c_ms: number, b_ms: number, extra_ms: number, extra_us_per_delivery: number }
export interface HotFunction { name: string, location: string, stage: string, ms: number }

export interface ProfileResult {
  layout: 'one-process'
  n: number
  rate_msgs_per_s: number
  seconds: number
  sampling_interval_us: number
  note: string
  /** Per variant: non-idle main-thread CPU in the profile, deliveries, per delivery. */
  totals: Record<string, { non_idle_ms: number, idle_ms: number, process_cpu_ms: number, deliveries: number, expected: number, p50_ms: number, p99_ms: number, cpu_us_per_delivery: number }>
  /** Self time by the frame's own stage (libraries named with their calling stage), non-idle, largest first. */
  c: StageTime[]
  b: StageTime[]
  /** Self time rolled up to the nearest owning stage (a library's time goes to its caller). */
  c_by_owner: StageTime[]
  b_by_owner: StageTime[]
  /** C minus B per stage (same load), largest first: what C spends that B does not. */
  extra: StageExtra[]
  extra_by_owner: StageExtra[]
  /** Inclusive time of the message path's steps (see STEPS in bench/profile.ts). */
  steps: StepTime[]
  /** C's hottest functions by self time. */
  top_functions_c: HotFunction[]
  /** Where the raw profiles were written (set by the caller). */
  files?: Record<string, string>
  error?: string
}

/** The V8 CPU profile format (Profiler.stop). */
interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
export interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples?: number[], timeDeltas?: number[] }

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ROOT_URL = pathToFileURL(ROOT).href + '/'

/** A frame's location as the stage table reads it (see {@link STAGES}). */
function locationOf (f: CallFrame): string {
  if (f.url === '') return f.functionName.startsWith('(') ? f.functionName : ''
  if (f.url.startsWith(ROOT_URL)) {
    const path = f.url.slice(ROOT_URL.length)
    const nm = path.lastIndexOf('node_modules/')
    return nm >= 0 ? `npm:${path.slice(nm + 'node_modules/'.length)}` : path
  }
  const nm = f.url.lastIndexOf('/node_modules/')
  return nm >= 0 ? `npm:${f.url.slice(nm + '/node_modules/'.length)}` : f.url
}

function ruleOf (location: string): { stage: string, kind: Kind } | undefined {
  if (location === '') return undefined
  const rule = STAGES.find(([re]) => re.test(location))
  return rule == null ? undefined : { stage: rule[1], kind: rule[2] }
}

interface Attributed {
  /** Per profile node id: self ms. */
  self: Map<number, number>
  /** Stage (library ← owner) per node id, and the owning stage. */
  stage: Map<number, string>
  owner: Map<number, string>
  nodes: Map<number, ProfileNode>
  parent: Map<number, number>
}

/** Self time per node, from the samples and the time between them. */
function selfTimes (p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>()
  const samples = p.samples ?? []
  const deltas = p.timeDeltas ?? []
  let t = p.startTime
  const times = samples.map((_, i) => (t += deltas[i] ?? 0))
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? (times[i + 1] as number) : p.endTime
    const ms = Math.max(0, next - (times[i] as number)) / 1000
    const id = samples[i] as number
    self.set(id, (self.get(id) ?? 0) + ms)
  }
  return self
}

function attribute (p: CpuProfile): Attributed {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = selfTimes(p)
  const stage = new Map<number, string>()
  const owner = new Map<number, string>()
  for (const id of self.keys()) {
    // The frame's own rule, or (a native function) its nearest JS caller's.
    let at: number | undefined = id
    let own: { stage: string, kind: Kind } | undefined
    while (at != null && own == null) {
      own = ruleOf(locationOf((nodes.get(at) as ProfileNode).callFrame))
      if (own == null) at = parent.get(at)
    }
    if (own == null) { stage.set(id, '(native, no JS caller)'); owner.set(id, '(native, no JS caller)'); continue }
    // A library's time is named after the nearest owning stage above it.
    let by: string | undefined
    for (let up = own.kind === 'lib' ? parent.get(at as number) : undefined; up != null && by == null; up = parent.get(up)) {
      const r = ruleOf(locationOf((nodes.get(up) as ProfileNode).callFrame))
      if (r?.kind === 'owner') by = r.stage
    }
    stage.set(id, by != null ? `${own.stage} ← ${by.replace(/ \(.*$/, '')}` : own.stage)
    owner.set(id, own.kind === 'owner' ? own.stage : by ?? own.stage)
  }
  return { self, stage, owner, nodes, parent }
}

function byStage (a: Attributed, key: 'stage' | 'owner', deliveries: number): { rows: StageTime[], idleMs: number, nonIdleMs: number } {
  const sums = new Map<string, number>()
  for (const [id, ms] of a.self) {
    const s = a[key].get(id) as string
    sums.set(s, (sums.get(s) ?? 0) + ms)
  }
  const idleMs = sums.get('idle') ?? 0
  sums.delete('idle')
  const nonIdleMs = [...sums.values()].reduce((x, y) => x + y, 0)
  const rows = [...sums].map(([stage, ms]) => ({ stage, ms: round(ms, 1), share: round(ms / Math.max(nonIdleMs, 1e-9), 3), us_per_delivery: round(ms * 1000 / Math.max(1, deliveries), 1) }))
    .sort((x, y) => y.ms - x.ms)
  return { rows, idleMs, nonIdleMs }
}

function difference (c: StageTime[], b: StageTime[], cDeliveries: number, bDeliveries: number): StageExtra[] {
  const stages = new Set([...c.map((r) => r.stage), ...b.map((r) => r.stage)])
  const get = (rows: StageTime[], s: string): number => rows.find((r) => r.stage === s)?.ms ?? 0
  return [...stages].map((stage) => {
    const cMs = get(c, stage)
    const bMs = get(b, stage)
    // Per delivery, so that a few deliveries more or less in one run do not count as cost.
    const extraUs = cMs * 1000 / Math.max(1, cDeliveries) - bMs * 1000 / Math.max(1, bDeliveries)
    return { stage, c_ms: cMs, b_ms: bMs, extra_ms: round(cMs - bMs, 1), extra_us_per_delivery: round(extraUs, 1) }
  }).sort((x, y) => y.extra_us_per_delivery - x.extra_us_per_delivery)
}

/** `file:line` of a frame, in the TypeScript source when the compiled file has a source map. */
const sourceMaps = new Map<string, SourceMap | null>()
function sourceLocation (f: CallFrame): string {
  if (f.url === '') return '(native)'
  const loc = locationOf(f)
  if (f.url.startsWith(ROOT_URL) && !loc.startsWith('npm:')) {
    const file = fileURLToPath(f.url)
    let map = sourceMaps.get(file)
    if (map === undefined) {
      try { map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) } catch { map = null }
      sourceMaps.set(file, map)
    }
    const e = map?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string, originalLine?: number } | undefined
    if (e?.originalSource != null && e.originalLine != null) {
      const src = e.originalSource.startsWith('file:') ? fileURLToPath(e.originalSource) : join(dirname(file), e.originalSource)
      return `${relative(ROOT, src)}:${e.originalLine + 1}`
    }
  }
  return `${loc.replace(/^npm:/, '')}:${f.lineNumber + 1}`
}

function hotFunctions (a: Attributed, k: number): HotFunction[] {
  const sums = new Map<string, { f: CallFrame, stage: string, ms: number }>()
  for (const [id, ms] of a.self) {
    const f = (a.nodes.get(id) as ProfileNode).callFrame
    const stage = a.stage.get(id) as string
    if (stage === 'idle') continue
    const key = `${f.functionName}|${f.url}|${f.lineNumber}|${f.columnNumber}|${f.url === '' ? stage : ''}`
    const s = sums.get(key) ?? { f, stage, ms: 0 }
    s.ms += ms
    sums.set(key, s)
  }
  return [...sums.values()].sort((x, y) => y.ms - x.ms).slice(0, k)
    .map((s) => ({ name: s.f.functionName === '' ? '(anonymous)' : s.f.functionName, location: sourceLocation(s.f), stage: s.stage, ms: round(s.ms, 1) }))
}

/** Inclusive ms per step: a sample counts once for a step if any frame on its stack is the step's function. */
function stepTimes (a: Attributed): number[] {
  const memo = new Map<number, Set<number>>()
  const stepsOf = (id: number): Set<number> => {
    let out = memo.get(id)
    if (out != null) return out
    const up = a.parent.get(id)
    out = new Set(up != null ? stepsOf(up) : [])
    const f = (a.nodes.get(id) as ProfileNode).callFrame
    const loc = locationOf(f)
    STEPS.forEach((s, i) => { if (f.functionName === s.fn && s.at.test(loc)) out?.add(i) })
    memo.set(id, out)
    return out
  }
  const ms = STEPS.map(() => 0)
  for (const [id, t] of a.self) for (const i of stepsOf(id)) ms[i] = (ms[i] as number) + t
  return ms
}

interface Recorded { variant: Variant, profile: CpuProfile, run: LoadResult }

async function record (session: Session, variant: Variant, plan: ProfilePlan, baseId: number): Promise<Recorded> {
  const label = `profile: one-process ${variant} N=${plan.n}`
  progress(`${label}: starting ${plan.n} members…`)
  const room = await startOneProcessRoom(variant, plan.n, 60_000)
  try {
    // Warm-up (JIT, links, first-message paths), not recorded.
    await room.run({ messages: WARMUP.messages, ratePerSec: WARMUP.ratePerSec, baseId })
    const messages = Math.round(plan.ratePerSec * plan.seconds)
    progress(`${label}: ${messages} messages at ${plan.ratePerSec}/s, CPU profiler on…`)
    await session.post('Profiler.setSamplingInterval', { interval: plan.samplingUs })
    await session.post('Profiler.start')
    let run: LoadResult
    let profile: CpuProfile
    try {
      run = await room.run({ messages, ratePerSec: plan.ratePerSec, baseId: baseId + WARMUP.messages, drainMs: 2000 })
    } finally {
      profile = (await session.post('Profiler.stop')).profile as CpuProfile
    }
    return { variant, profile, run }
  } finally {
    progress(`${label}: stopping…`)
    await room.stop().catch(() => {})
  }
}

/** Run the profile phase: C and B (those of them asked for) under the same load, and compare. */
export async function profilePhase (plan: ProfilePlan, baseId: number): Promise<{ result: ProfileResult, profiles: Partial<Record<Variant, CpuProfile>> }> {
  const session = new Session()
  session.connect()
  const recorded: Partial<Record<Variant, Recorded>> = {}
  const result: ProfileResult = {
    layout: 'one-process',
    n: plan.n,
    rate_msgs_per_s: plan.ratePerSec,
    seconds: plan.seconds,
    sampling_interval_us: plan.samplingUs,
    note: 'V8 CPU profile of this process\'s main thread (every member, the relay and the load driver), self time by the file/package of each frame\'s function; native functions count for their JS caller; "lib ← stage" is a library\'s time under the nearest owning stage that called it. Shares are of non-idle time.',
    totals: {},
    c: [],
    b: [],
    c_by_owner: [],
    b_by_owner: [],
    extra: [],
    extra_by_owner: [],
    steps: [],
    top_functions_c: []
  }
  try {
    await session.post('Profiler.enable')
    for (const [i, v] of plan.variants.entries()) {
      try {
        recorded[v] = await record(session, v, plan, baseId + i * 100_000)
      } catch (err: any) {
        result.error = `${result.error != null ? `${result.error}; ` : ''}${v}: ${String(err?.message ?? err)}`
      }
    }
    await session.post('Profiler.disable')
  } finally {
    session.disconnect()
  }
  const views: Partial<Record<Variant, { stage: StageTime[], owner: StageTime[], steps: number[], deliveries: number }>> = {}
  for (const r of Object.values(recorded)) {
    const a = attribute(r.profile)
    const s = byStage(a, 'stage', r.run.deliveries)
    const o = byStage(a, 'owner', r.run.deliveries)
    result.totals[r.variant] = {
      non_idle_ms: round(s.nonIdleMs, 1),
      idle_ms: round(s.idleMs, 1),
      // All threads, user + system, over the same run (the profile samples the main thread's wall time).
      process_cpu_ms: round(r.run.cpuUs / 1000, 1),
      deliveries: r.run.deliveries,
      expected: r.run.expected,
      p50_ms: round(percentile(r.run.latencies, 50)),
      p99_ms: round(percentile(r.run.latencies, 99)),
      cpu_us_per_delivery: round(s.nonIdleMs * 1000 / Math.max(1, r.run.deliveries), 0)
    }
    views[r.variant] = { stage: s.rows, owner: o.rows, steps: stepTimes(a), deliveries: r.run.deliveries }
    if (r.variant === 'C') result.top_functions_c = hotFunctions(a, 10)
  }
  const c = views.C
  const b = views.B
  if (c != null) { result.c = c.stage; result.c_by_owner = c.owner }
  if (b != null) { result.b = b.stage; result.b_by_owner = b.owner }
  const per = (ms: number | undefined, d: number | undefined): number => round((ms ?? 0) * 1000 / Math.max(1, d ?? 1), 1)
  result.steps = STEPS.map((st, i) => ({
    step: st.step,
    depth: st.depth,
    c_ms: round(c?.steps[i] ?? 0, 1),
    b_ms: round(b?.steps[i] ?? 0, 1),
    c_us_per_delivery: per(c?.steps[i], c?.deliveries),
    b_us_per_delivery: per(b?.steps[i], b?.deliveries)
  }))
  if (c != null && b != null) {
    result.extra = difference(c.stage, b.stage, c.deliveries, b.deliveries)
    result.extra_by_owner = difference(c.owner, b.owner, c.deliveries, b.deliveries)
  }
  const profiles: Partial<Record<Variant, CpuProfile>> = {}
  for (const r of Object.values(recorded)) profiles[r.variant] = r.profile
  return { result, profiles }
}
