import { statSync } from 'node:fs'
import { join } from 'node:path'
import { VERIFY_FILE, VERIFY_MAX_VERIFIED } from '../constants.js'
import { VerifiedListFullError } from './errors.js'
import { addName, readTime, RecordFile, type KnownIdentity } from './record-file.js'

/** An identity its user compared out of band and marked verified. */
export interface VerifiedIdentity extends KnownIdentity {
  /** When it was marked verified (ms since the epoch). */
  verifiedAt: number
}

/** Options of {@link VerifiedStore.mark}. */
export interface MarkInit {
  /** The nick and room it is being verified in, remembered with the nicks it was seen under. */
  nick?: string
  roomId?: string
  now?: number
}

/**
 * verified.json in the data directory: the identities this user marked verified. Read
 * again whenever the file changes (another process, `cryptochat verify` beside a running
 * UI, may have changed it); every change reads, changes and replaces the whole file.
 */
export class VerifiedStore {
  private readonly file: RecordFile<VerifiedIdentity>
  private cache?: { stamp: string, records: VerifiedIdentity[] }

  constructor (dataDir: string) {
    this.file = new RecordFile(join(dataDir, VERIFY_FILE), 'verified', VERIFY_MAX_VERIFIED, (raw, known) => ({ ...known, verifiedAt: readTime(raw, 'verifiedAt') }))
  }

  get path (): string {
    return this.file.path
  }

  /** Every verified identity, oldest verification first. Throws CorruptFileError for a damaged file. */
  list (): VerifiedIdentity[] {
    let stamp = 'none'
    try {
      const st = statSync(this.path)
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`
    } catch {}
    if (this.cache?.stamp !== stamp) this.cache = { stamp, records: this.file.read() }
    return this.cache.records
  }

  get (fingerprint: string): VerifiedIdentity | undefined {
    return this.list().find((v) => v.fingerprint === fingerprint)
  }

  /**
   * Mark `identity` verified (its nicks and rooms kept, the given ones added). Already
   * verified: only the names are added, the date stays. Returns the record, and whether
   * it is new.
   */
  mark (identity: KnownIdentity, init: MarkInit = {}): { record: VerifiedIdentity, added: boolean } {
    const records = this.file.read()
    const existing = records.find((v) => v.fingerprint === identity.fingerprint)
    const base = existing ?? { ...identity, verifiedAt: init.now ?? Date.now() }
    const record: VerifiedIdentity = {
      publicKey: base.publicKey,
      fingerprint: base.fingerprint,
      nicks: addName(mergeNames(base.nicks, identity.nicks), init.nick),
      rooms: addName(mergeNames(base.rooms, identity.rooms), init.roomId),
      verifiedAt: base.verifiedAt
    }
    if (existing == null && records.length >= VERIFY_MAX_VERIFIED) throw new VerifiedListFullError(VERIFY_MAX_VERIFIED)
    this.save(existing == null ? [...records, record] : records.map((v) => v === existing ? record : v))
    return { record, added: existing == null }
  }

  /** Remember that a verified identity was seen under `nick` in `roomId` (written only when that is new). */
  addNames (fingerprint: string, nick: string, roomId: string): void {
    const known = this.get(fingerprint)
    if (known == null || (known.nicks.includes(nick) && known.rooms.includes(roomId))) return
    const records = this.file.read()
    this.save(records.map((v) => v.fingerprint === fingerprint ? { ...v, nicks: addName(v.nicks, nick), rooms: v.rooms.includes(roomId) ? v.rooms : addName(v.rooms, roomId) } : v))
  }

  /** Remove the mark; returns the record removed, or undefined if it was not verified. */
  unmark (fingerprint: string): VerifiedIdentity | undefined {
    const records = this.file.read()
    const gone = records.find((v) => v.fingerprint === fingerprint)
    if (gone != null) this.save(records.filter((v) => v !== gone))
    return gone
  }

  private save (records: VerifiedIdentity[]): void {
    this.file.write(records)
    this.cache = undefined
  }
}

/** `base` then the names of `more` not in it, the latest VERIFY_MAX_NAMES kept. */
function mergeNames (base: readonly string[], more: readonly string[]): string[] {
  let out = [...base]
  for (const name of more) if (!out.includes(name)) out = addName(out, name)
  return out
}
