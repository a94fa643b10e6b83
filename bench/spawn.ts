import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

/** Resident set size of a process, MB (Linux /proc). */
export function rssMb (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN)
  return Math.round(kb / 102.4) / 10
}

/** A program of ours speaking JSON lines on stdout (`--json`). */
export interface JsonProcess {
  child: ChildProcess
  /** Resolve with the first line (seen so far or to come) matching `match`, and ms since spawn. */
  waitFor(match: (line: any) => boolean, timeoutMs?: number): Promise<{ line: any, ms: number }>
  /** Every line so far. */
  lines: Array<{ line: any, ms: number }>
}

export function spawnJson (args: string[]): JsonProcess {
  const t0 = performance.now()
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] })
  const lines: Array<{ line: any, ms: number }> = []
  const waiters = new Set<(entry: { line: any, ms: number }) => void>()
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    let line: any
    try { line = JSON.parse(text) } catch { return }
    const entry = { line, ms: performance.now() - t0 }
    lines.push(entry)
    for (const w of [...waiters]) w(entry)
  })
  const what = args[1] ?? args[0] ?? 'process'
  return {
    child,
    lines,
    waitFor: async (match, timeoutMs = 30_000) => await new Promise((resolve, reject) => {
      const seen = lines.find((e) => match(e.line))
      if (seen != null) { resolve(seen); return }
      const done = (): void => { waiters.delete(check); clearTimeout(timer); child.off('exit', onExit) }
      const check = (e: { line: any, ms: number }): void => { if (match(e.line)) { done(); resolve(e) } }
      const onExit = (): void => { done(); reject(new Error(`${what} exited early`)) }
      const timer = setTimeout(() => { done(); reject(new Error(`${what}: no matching output within ${timeoutMs} ms`)) }, timeoutMs)
      waiters.add(check)
      child.once('exit', onExit)
    })
  }
}

/** Start a program of ours; resolve with the first JSON line matching `ready`. */
export async function startJson (args: string[], ready: (l: any) => boolean): Promise<{ child: ChildProcess, line: any, ms: number }> {
  const p = spawnJson(args)
  const { line, ms } = await p.waitFor(ready)
  return { child: p.child, line, ms }
}

/** Ask a child to stop (EOF, then SIGTERM) and wait for it. */
export async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.stdin?.end()
  child.kill('SIGTERM')
  await exited
}
