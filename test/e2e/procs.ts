/**
 * Helpers for end-to-end tests: run the real `cryptochat` and `cryptochat-relay`
 * programs as child processes, read their stdout as JSON lines, write their stdin,
 * and make sure every process started is gone when a test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Compiled test: dist/test/e2e/procs.js -> <repo>/bin/. */
export const BIN = {
  cryptochat: fileURLToPath(new URL('../../../bin/cryptochat.js', import.meta.url)),
  relay: fileURLToPath(new URL('../../../bin/cryptochat-relay.js', import.meta.url))
} as const

export type Program = keyof typeof BIN

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

type Json = Record<string, any>

interface Waiter {
  predicate: (line: Json) => boolean
  resolve: (line: Json) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/** A running program. */
export class Proc {
  readonly child: ChildProcess
  readonly name: string
  /** Every stdout line that parsed as a JSON object, in order. */
  readonly lines: Json[] = []
  /** Every stdout line that did not parse as JSON (should stay empty with --json). */
  readonly otherStdout: string[] = []
  stdout = ''
  stderr = ''
  /** Resolves once the process has exited and its output streams are closed. */
  readonly exited: Promise<Exit>
  exit: Exit | null = null
  private readonly waiters = new Set<Waiter>()
  private partial = ''

  constructor (name: string, child: ChildProcess) {
    this.name = name
    this.child = child
    child.stdout?.setEncoding('utf8')
    child.stderr?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => { this.onStdout(chunk) })
    child.stderr?.on('data', (chunk: string) => { this.stderr += chunk })
    // stdin errors (EPIPE after the child exited) are not test failures by themselves.
    child.stdin?.on('error', () => {})
    this.exited = new Promise<Exit>((resolve) => {
      child.once('close', (code, signal) => {
        if (this.partial.length > 0) this.onLine(this.partial)
        this.partial = ''
        this.exit = { code, signal }
        for (const w of this.waiters) {
          clearTimeout(w.timer)
          w.reject(new Error(`${this.name} exited (code ${String(code)}, signal ${String(signal)}) before the expected line appeared${this.context()}`))
        }
        this.waiters.clear()
        resolve(this.exit)
      })
      child.once('error', (err) => {
        this.stderr += `spawn error: ${err.message}\n`
      })
    })
  }

  private onStdout (chunk: string): void {
    this.stdout += chunk
    const parts = (this.partial + chunk).split('\n')
    this.partial = parts.pop() ?? ''
    for (const line of parts) this.onLine(line)
  }

  private onLine (raw: string): void {
    const line = raw.trim()
    if (line.length === 0) return
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      this.otherStdout.push(line)
      return
    }
    if (parsed == null || typeof parsed !== 'object') {
      this.otherStdout.push(line)
      return
    }
    const json = parsed as Json
    this.lines.push(json)
    for (const w of this.waiters) {
      if (safeTest(w.predicate, json)) {
        clearTimeout(w.timer)
        this.waiters.delete(w)
        w.resolve(json)
      }
    }
  }

  private context (): string {
    const tail = (s: string): string => s.length > 2000 ? '…' + s.slice(-2000) : s
    return `\n--- ${this.name} stdout ---\n${tail(this.stdout)}\n--- ${this.name} stderr ---\n${tail(this.stderr)}`
  }

  /**
   * The first JSON line (already seen or still to come) matching `predicate`. Rejects
   * after `timeoutMs`, or as soon as the process exits without printing it.
   */
  async waitForLine (predicate: (line: Json) => boolean, timeoutMs = 15_000, what = 'line'): Promise<Json> {
    const seen = this.lines.find((l) => safeTest(predicate, l))
    if (seen != null) return seen
    if (this.exit != null) {
      throw new Error(`${this.name} has exited (code ${String(this.exit.code)}) without printing the expected ${what}${this.context()}`)
    }
    return await new Promise<Json>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${this.name}${this.context()}`))
        }, timeoutMs)
      }
      this.waiters.add(waiter)
    })
  }

  /** Write one line to stdin. */
  writeLine (text: string): void {
    if (this.child.stdin == null || this.child.stdin.destroyed) throw new Error(`${this.name}: stdin is closed`)
    this.child.stdin.write(text + '\n')
  }

  /** Close stdin (EOF). */
  endStdin (): void {
    this.child.stdin?.end()
  }

  /** Send a signal if still running. */
  kill (signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit == null && this.child.exitCode == null && this.child.signalCode == null) this.child.kill(signal)
  }

  /** The exit, or a rejection naming the process if it takes longer than `timeoutMs`. */
  async waitForExit (timeoutMs = 15_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => { reject(new Error(`${this.name} did not exit within ${timeoutMs} ms${this.context()}`)) }, timeoutMs)
        })
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Stop the process for good: SIGTERM, then SIGKILL if it lingers. Never throws. */
  async stop (graceMs = 5_000): Promise<void> {
    if (this.exit != null) return
    this.kill('SIGTERM')
    const timer = setTimeout(() => { this.kill('SIGKILL') }, graceMs)
    try {
      await this.exited
    } finally {
      clearTimeout(timer)
    }
  }
}

function safeTest (predicate: (line: Json) => boolean, line: Json): boolean {
  try {
    return predicate(line)
  } catch {
    return false
  }
}

/** Every process spawned through a {@link Procs} set, so an `after`/`afterEach` hook can stop them all. */
export class Procs {
  private readonly all = new Set<Proc>()

  /** Start `program` with `args` (node running the bin directly; stdin piped). */
  spawn (program: Program, args: string[], name: string = program): Proc {
    const env: NodeJS.ProcessEnv = { ...process.env }
    // Keep the programs away from the real user's data and from debug output.
    delete env.CRYPTOCHAT_HOME
    delete env.CRYPTOCHAT_RELAY_HOME
    delete env.DEBUG
    const child = spawn(process.execPath, [BIN[program], ...args], { stdio: ['pipe', 'pipe', 'pipe'], env })
    const proc = new Proc(name, child)
    this.all.add(proc)
    void proc.exited.then(() => { this.all.delete(proc) })
    return proc
  }

  /** Run to completion (stdin closed at once); rejects if it takes longer than `timeoutMs`. */
  async run (program: Program, args: string[], timeoutMs = 15_000): Promise<RunResult> {
    const started = Date.now()
    const proc = this.spawn(program, args, `${program} ${args[0] ?? ''}`.trim())
    proc.endStdin()
    const exit = await proc.waitForExit(timeoutMs)
    return { ...exit, stdout: proc.stdout, stderr: proc.stderr, lines: proc.lines, ms: Date.now() - started }
  }

  /** Stop every process still running. */
  async stopAll (): Promise<void> {
    await Promise.all([...this.all].map(async (p) => { await p.stop() }))
  }
}

export interface RunResult extends Exit {
  stdout: string
  stderr: string
  lines: Json[]
  /** Wall-clock time from spawn to exit. */
  ms: number
}

/** Assert-friendly check that stderr carries no stack trace. */
export function hasStackTrace (stderr: string): boolean {
  return /^\s{4}at /m.test(stderr)
}

/** A `cryptochat-relay start --json` on an ephemeral loopback port, once it listens. */
export async function startRelay (procs: Procs, dataDir: string, extraArgs: string[] = [], name = 'relay'): Promise<{ proc: Proc, peerId: string, addr: string, listening: Json }> {
  const listen = extraArgs.includes('--listen') ? [] : ['--listen', '/ip4/127.0.0.1/tcp/0']
  const proc = procs.spawn('relay', ['start', '--json', ...listen, '--data-dir', dataDir, ...extraArgs], name)
  const listening = await proc.waitForLine((l) => l.type === 'listening', 15_000, "'listening' line")
  const addr = (listening.multiaddrs as string[]).find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))
  if (addr == null) throw new Error(`relay printed no loopback address: ${JSON.stringify(listening)}`)
  return { proc, peerId: listening.peerId as string, addr, listening }
}
