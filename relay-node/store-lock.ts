import { closeSync, openSync, readFileSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { DataDirError } from '../src/store/index.js'

/** The lock file in a store directory: the pid of the process using it. */
export const STORE_LOCK_FILE = 'store.lock'

/** A lock file without a pid is another process's, being written, for this long. */
const UNWRITTEN_LOCK_GRACE_MS = 2000

/** Store directories this process holds (a pid alone cannot tell two stores of one process apart). */
const heldHere = new Set<string>()

function readPid (path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function mtimeOf (path: string): number {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err?.code === 'EPERM'
  }
}

/**
 * Take a store directory for this process, or throw a {@link DataDirError}: two relays
 * appending to the same files would each index records at the wrong offsets.
 *
 * The lock is a file holding our pid, created exclusively. A lock whose process is gone
 * (a crash, a kill -9) is taken over at once, so a supervisor's restart is never refused
 * for a while the way a lock that must first go stale would be; so is one naming our own
 * pid that this process does not hold (a container's pid 1 from a previous run).
 * Returns the function that releases it.
 */
export function lockStoreDir (dir: string): () => void {
  const real = realpathSync(dir)
  if (heldHere.has(real)) throw new DataDirError(`the store directory ${dir} is already open in this process`)
  const path = join(dir, STORE_LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number
    try {
      fd = openSync(path, 'wx', 0o600)
    } catch (err: any) {
      if (err?.code !== 'EEXIST') throw new DataDirError(`cannot lock the store directory ${dir}: ${err?.code ?? err?.message}`)
      const holder = readPid(path)
      // No pid yet: a process that has just created it is about to write it, unless that was a while ago.
      const busy = holder == null ? Date.now() - mtimeOf(path) < UNWRITTEN_LOCK_GRACE_MS : holder !== process.pid && isAlive(holder)
      if (busy) {
        throw new DataDirError(`the store directory ${dir} is in use by another process${holder != null ? ` (pid ${holder})` : ''}; stop it, or give this relay its own --data-dir`)
      }
      // Left by a process that is gone: take it over.
      rmSync(path, { force: true })
      continue
    }
    try {
      writeSync(fd, `${process.pid}\n`)
    } finally {
      closeSync(fd)
    }
    heldHere.add(real)
    return () => {
      if (!heldHere.delete(real)) return
      if (readPid(path) === process.pid) rmSync(path, { force: true })
    }
  }
  throw new DataDirError(`cannot lock the store directory ${dir}: another process keeps taking it`)
}
