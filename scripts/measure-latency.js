#!/usr/bin/env node
// Measures, with real processes on loopback: time from starting `cryptochat join --json`
// to its `ready` event, and message latency between two headless clients through a
// relay (stdin write at the sender to stdout event at the receiver), median over N
// messages sent one at a time. Not a benchmark (that is `npm run bench`): a quick check
// for closing notes. Usage: node scripts/measure-latency.js [messages=100]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const bin = (name) => join(import.meta.dirname, '..', 'bin', name)
const N = Number(process.argv[2] ?? 100)
const dirs = []
const procs = []

function start (program, args) {
  const child = spawn(process.execPath, [bin(program), ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  procs.push(child)
  const lines = []
  const waiters = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = { ...JSON.parse(line), at: performance.now() }
    lines.push(event)
    for (const w of [...waiters]) if (w.pred(event)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(event) }
  })
  const next = (pred) => {
    const found = lines.find(pred)
    if (found) return Promise.resolve(found)
    return new Promise((resolve) => waiters.push({ pred, resolve }))
  }
  return { child, lines, next }
}

const temp = () => { const d = mkdtempSync(join(tmpdir(), 'cc-measure-')); dirs.push(d); return d }
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] }

try {
  const relay = start('cryptochat-relay.js', ['start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', temp()])
  const addr = (await relay.next((e) => e.type === 'listening')).multiaddrs[0]
  const A = temp()
  const B = temp()
  const created = await new Promise((resolve) => {
    const c = spawn(process.execPath, [bin('cryptochat.js'), 'create', 'bench', '--relay', addr, '--json', '--data-dir', A])
    let out = ''
    c.stdout.on('data', (d) => { out += d })
    c.on('exit', () => resolve(JSON.parse(out)))
  })
  const t0 = performance.now()
  const alice = start('cryptochat.js', ['join', created.roomId, '--nick', 'alice', '--json', '--data-dir', A])
  const bob = start('cryptochat.js', ['join', created.roomId, '--invite', created.invite, '--nick', 'bob', '--json', '--data-dir', B])
  const readyA = await alice.next((e) => e.type === 'ready')
  const readyB = await bob.next((e) => e.type === 'ready')
  console.log(`join -> ready: alice ${(readyA.at - t0).toFixed(0)} ms, bob (with invite) ${(readyB.at - t0).toFixed(0)} ms (two processes starting at once on 2 cores)`)
  // Warm up one message each way.
  alice.child.stdin.write('warm-up\n')
  await bob.next((e) => e.type === 'message' && e.text === 'warm-up')
  const samples = []
  for (let i = 0; i < N; i++) {
    const text = `m${i}`
    const sent = performance.now()
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice]
    from.child.stdin.write(text + '\n')
    const got = await to.next((e) => e.type === 'message' && e.text === text)
    samples.push(got.at - sent)
  }
  console.log(`message latency over ${N} messages (process to process on loopback: members linked directly, relay hub also in the mesh): median ${median(samples).toFixed(2)} ms, p95 ${pct(samples, 0.95).toFixed(2)} ms, max ${Math.max(...samples).toFixed(2)} ms`)
  alice.child.stdin.end()
  bob.child.stdin.end()
  await Promise.all([alice, bob].map((p) => new Promise((resolve) => p.child.on('exit', resolve))))
  relay.child.kill('SIGTERM')
  await new Promise((resolve) => relay.child.on('exit', resolve))
} finally {
  for (const p of procs) if (p.exitCode == null) p.kill('SIGKILL')
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}
