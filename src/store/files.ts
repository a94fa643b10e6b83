import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync, chmodSync } from 'node:fs'
import { dirname, join, basename } from 'node:path'
import { randomBytes } from 'node:crypto'
import { CorruptFileError, DataDirError, InsecurePermissionsError } from './errors.js'

const PRIVATE_DIR_MODE = 0o700
const PRIVATE_FILE_MODE = 0o600

/** Create `dir` (and parents) as 0700, tightening it if it already exists more open. */
export function ensurePrivateDir (dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    const st = statSync(dir)
    if (!st.isDirectory()) throw new DataDirError(`${dir} exists and is not a directory`)
    // Our own directory, holding secrets: it must not be listable by others.
    if ((st.mode & 0o077) !== 0 && process.platform !== 'win32') chmodSync(dir, PRIVATE_DIR_MODE)
  } catch (err: any) {
    if (err instanceof DataDirError) throw err
    throw new DataDirError(`cannot use data directory ${dir}: ${err.code ?? err.message}`)
  }
}

/** Name of a temporary file for `path`: hidden, beside it, random, `.tmp`. */
function tempName (path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
}

/** Whether `name` (in the directory of `path`) is one of `path`'s temporary files. */
function isTempOf (path: string, name: string): boolean {
  const prefix = `.${basename(path)}.`
  return name.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))
}

/**
 * Delete temporary files of `path` left by a process that was killed mid-write (a write
 * in progress in another process would lose its file: call it only when nothing else
 * writes `path`). They may hold an old content of `path`, secrets included. Returns how
 * many there were.
 */
export function removeStaleTempFiles (path: string): number {
  let names: string[]
  try {
    names = readdirSync(dirname(path))
  } catch {
    return 0
  }
  const stale = names.filter((name) => isTempOf(path, name))
  for (const name of stale) rmSync(join(dirname(path), name), { force: true })
  if (stale.length > 0) syncDir(dirname(path))
  return stale.length
}

/** Write `data` to a new private temporary file beside `path` (fsynced if `durable`); returns its path. */
function writeTemp (path: string, data: string | Uint8Array, durable = true): string {
  const dir = dirname(path)
  ensurePrivateDir(dir)
  const tmp = tempName(path)
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE)
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
    if (durable) fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  return tmp
}

/** Options of {@link writePrivateFile}. */
export interface WriteOptions {
  /**
   * fsync the file and its directory (default true). False still replaces the file
   * atomically (rename), so a process crash leaves old or new content, but a power loss
   * may lose the last writes: for state that is rewritten many times a second.
   */
  durable?: boolean
}

/**
 * Create `path` with `data` (0600) only if it does not exist yet, atomically: when
 * several processes race to create the same file (a first run started twice), exactly
 * one wins and the others get `false` and should read the winner's file.
 */
export function createPrivateFileExclusive (path: string, data: string | Uint8Array): boolean {
  const tmp = writeTemp(path, data)
  try {
    linkSync(tmp, path)
    syncDir(dirname(path))
    return true
  } catch (err: any) {
    if (err?.code === 'EEXIST') return false
    throw err
  } finally {
    rmSync(tmp, { force: true })
  }
}

/**
 * Write `data` to `path` atomically with mode 0600: a temporary file in the same
 * directory, fsynced, then renamed over the target, so a crash leaves either the old
 * or the new content and never a torn file.
 */
export function writePrivateFile (path: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const durable = options.durable !== false
  const dir = dirname(path)
  const tmp = writeTemp(path, data, durable)
  try {
    renameSync(tmp, path)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  if (durable) syncDir(dir)
}

/** Delete `path` (if it exists) durably: the directory is fsynced, so the removal survives a crash. */
export function deletePrivateFile (path: string): void {
  rmSync(path, { force: true })
  syncDir(dirname(path))
}

/** fsync a directory, so a rename or new file in it survives a crash (best effort: not every platform allows it). */
export function syncDir (dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Windows and some filesystems refuse to open or sync a directory.
  } finally {
    if (fd != null) closeSync(fd)
  }
}

/** Whether a file exists. */
export function fileExists (path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

/**
 * Read a secret file, refusing one that other users can access and one larger than
 * `maxBytes` (a stored file is never trusted to be small).
 */
export function readPrivateFile (path: string, maxBytes: number): Buffer {
  const st = statSync(path)
  if (!st.isFile()) throw new CorruptFileError(path, 'it is not a regular file')
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) throw new InsecurePermissionsError(path, st.mode)
  if (st.size > maxBytes) throw new CorruptFileError(path, `larger than ${maxBytes} bytes`)
  return readFileSync(path)
}

/** Read and parse a private JSON file; a parse failure is a {@link CorruptFileError}. */
export function readPrivateJson (path: string, maxBytes: number): unknown {
  const raw = readPrivateFile(path, maxBytes)
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw new CorruptFileError(path, 'not valid JSON')
  }
}
