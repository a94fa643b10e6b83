import { MAX_NICK_BYTES, VERIFY_MAX_FILE_BYTES, VERIFY_MAX_NAMES } from '../constants.js'
import { hexToBytes } from '../crypto/index.js'
import { fingerprint } from '../identity/index.js'
import { CorruptFileError, fileExists, readPrivateJson, writePrivateFile } from '../store/index.js'

/** An identity as this data directory knows it: its key and the names it was seen under. */
export interface KnownIdentity {
  /** Ed25519 public key, 64 lowercase hex. */
  publicKey: string
  /** Its fingerprint (40 hex), always recomputed from the key when read. */
  fingerprint: string
  /** Nicks it used, oldest first, the latest VERIFY_MAX_NAMES. */
  nicks: string[]
  /** Room ids (32 hex) it was seen in, oldest first, the latest VERIFY_MAX_NAMES. */
  rooms: string[]
}

/** `names` with `name` moved (or added) to the end, keeping the latest VERIFY_MAX_NAMES. */
export function addName (names: readonly string[], name: string | undefined): string[] {
  if (name == null || name === '') return [...names]
  return [...names.filter((n) => n !== name), name].slice(-VERIFY_MAX_NAMES)
}

/** Reads one entry's own fields; throws a reason (a string) when they are not right. */
type EntryReader<T> = (raw: Record<string, unknown>, known: KnownIdentity) => T

function isTime (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** Check a stored time field (ms since the epoch); throws a reason. */
export function readTime (raw: Record<string, unknown>, field: string): number {
  const value = raw[field]
  if (!isTime(value)) throw new Error(`${field} is not a time`)
  return value
}

function readNames (raw: unknown, field: string, check: (s: string) => boolean): string[] {
  if (!Array.isArray(raw) || raw.length > VERIFY_MAX_NAMES || !raw.every((n) => typeof n === 'string' && check(n))) {
    throw new Error(`${field} is not a list of at most ${VERIFY_MAX_NAMES} ${field}`)
  }
  return raw as string[]
}

function readKnown (raw: Record<string, unknown>): KnownIdentity {
  const publicKey = raw.publicKey
  if (typeof publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(publicKey)) throw new Error('publicKey is not 64 hex characters')
  const fp = fingerprint(hexToBytes(publicKey))
  // The fingerprint is there for people reading the file; the key is what counts.
  if (raw.fingerprint !== fp) throw new Error('fingerprint does not match its public key')
  return {
    publicKey,
    fingerprint: fp,
    nicks: readNames(raw.nicks, 'nicks', (n) => n.length > 0 && Buffer.byteLength(n) <= MAX_NICK_BYTES),
    rooms: readNames(raw.rooms, 'rooms', (r) => /^[0-9a-f]{32}$/.test(r))
  }
}

/**
 * A JSON file of identity records in the data directory: `{"version":1,"<list>":[...]}`,
 * 0600, replaced atomically (temporary file, fsync, rename). A file that is damaged in
 * any way (bad JSON, an unknown version, one bad entry, too many) is a CorruptFileError
 * and is never written over: a user's verification marks are not dropped silently.
 */
export class RecordFile<T extends KnownIdentity> {
  constructor (
    readonly path: string,
    private readonly list: string,
    private readonly maxEntries: number,
    private readonly readEntry: EntryReader<T>
  ) {}

  /** Every record, as stored; none when the file does not exist yet. */
  read (): T[] {
    if (!fileExists(this.path)) return []
    const raw = readPrivateJson(this.path, VERIFY_MAX_FILE_BYTES) as Record<string, unknown> | null
    if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) throw new CorruptFileError(this.path, 'not a CryptoChat identity list')
    if (raw.version !== 1) throw new CorruptFileError(this.path, `version ${JSON.stringify(raw.version)} is not one this build reads`)
    const entries = raw[this.list]
    if (!Array.isArray(entries)) throw new CorruptFileError(this.path, `no "${this.list}" list`)
    if (entries.length > this.maxEntries) throw new CorruptFileError(this.path, `more than ${this.maxEntries} entries`)
    const seen = new Set<string>()
    return entries.map((entry: unknown, i) => {
      try {
        if (entry == null || typeof entry !== 'object' || Array.isArray(entry)) throw new Error('not an object')
        const record = this.readEntry(entry as Record<string, unknown>, readKnown(entry as Record<string, unknown>))
        if (seen.has(record.fingerprint)) throw new Error('a second entry for the same identity')
        seen.add(record.fingerprint)
        return record
      } catch (err: any) {
        throw new CorruptFileError(this.path, `entry ${i + 1}: ${String(err.message)}`)
      }
    })
  }

  /** Replace the file with `records` (at most maxEntries: the caller prunes). */
  write (records: readonly T[]): void {
    writePrivateFile(this.path, JSON.stringify({ version: 1, [this.list]: records }, null, 1) + '\n')
  }
}
