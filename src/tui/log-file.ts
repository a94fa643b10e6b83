import { chmodSync, closeSync, openSync, writeSync } from 'node:fs'
import { format } from 'node:util'
import weald from 'weald'

/** Detail written to the log file. */
export type LogLevel = 'error' | 'info' | 'debug'

export const LOG_LEVELS: readonly LogLevel[] = ['error', 'info', 'debug']

/** Which debug namespaces each level enables (libp2p and CryptoChat share one logger). */
const NAMESPACES: Record<LogLevel, string> = {
  error: '*:error',
  info: 'cryptochat*,*:error',
  debug: 'cryptochat*,libp2p*,*:error'
}

/** A log file that has taken over every output that could reach the terminal. */
export interface CapturedLogs {
  write(line: string): void
  /** Give stdout/stderr/console back and close the file. */
  release(): void
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g

/**
 * Send everything that could write behind blessed's back (library debug logs, Node
 * warnings on stderr, stray console calls) to `path` (0600, appended), so nothing
 * corrupts the screen. Nothing secret is logged by CryptoChat at any level.
 */
export function captureLogs (path: string, level: LogLevel): CapturedLogs {
  const fd = openSync(path, 'a', 0o600)
  chmodSync(path, 0o600)
  const write = (line: string): void => {
    try {
      writeSync(fd, `${new Date().toISOString()} ${line.replace(ANSI, '')}\n`)
    } catch {}
  }
  const saved = {
    stderr: process.stderr.write.bind(process.stderr),
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
    wealdLog: (weald as any).log
  }
  ;(weald as any).log = (...args: unknown[]) => { write(format(...args)) }
  const previousNamespaces = weald.disable()
  weald.enable(process.env.DEBUG ?? NAMESPACES[level])
  process.stderr.write = ((chunk: string | Uint8Array) => {
    write(String(chunk).replace(/\n$/, ''))
    return true
  }) as typeof process.stderr.write
  const toFile = (...args: unknown[]): void => { write(format(...args)) }
  console.log = toFile
  console.info = toFile
  console.warn = toFile
  console.error = toFile
  console.debug = toFile
  write(`--- cryptochat UI started (log level ${level})`)
  return {
    write,
    release () {
      process.stderr.write = saved.stderr as typeof process.stderr.write
      console.log = saved.log
      console.info = saved.info
      console.warn = saved.warn
      console.error = saved.error
      console.debug = saved.debug
      ;(weald as any).log = saved.wealdLog
      weald.enable(previousNamespaces)
      try { closeSync(fd) } catch {}
    }
  }
}
