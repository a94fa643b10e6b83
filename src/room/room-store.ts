import { join } from 'node:path'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import lockfile from 'proper-lockfile'
import { ROOM_ID_PATTERN, ROOM_SECRET_BYTES } from '../constants.js'
import { plainKeystore, type Keystore, type SecretFieldRef } from '../keystore/index.js'
import { CorruptFileError, fileExists, readPrivateJson, writePrivateFile, ensurePrivateDir } from '../store/index.js'
import { InvalidRoomIdError, RoomBusyError, UnknownRoomError } from './errors.js'
import { ReplayWindow } from './replay-window.js'

const MAX_ROOM_FILE_BYTES = 64 * 1024
const MAX_STATE_FILE_BYTES = 16 * 1024 * 1024
const SEQUENCE_FILE = 'sequence.json'
/** A crashed process's room lock is taken over after this long (it is refreshed while held). */
const LOCK_STALE_MS = 15_000
const REPLAY_FILE = 'replay.json'
const LOCK_DIR = 'open.lock'
const LOCK_OWNER_FILE = 'open.lock.owner'

/** Whether a room lock's recorded holder is a process of this host that no longer runs. */
function holderIsDead (ownerPath: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(ownerPath, 'utf8')) as { pid?: unknown, host?: unknown }
    if (typeof owner.pid !== 'number' || owner.host !== hostname() || owner.pid === process.pid) return false
    process.kill(owner.pid, 0)
    return false
  } catch (err: any) {
    return err?.code === 'ESRCH'
  }
}
const SYNC_FILE = 'sync.json'

/** A room as kept on this machine. The secret never leaves the data directory except in invites. */
export interface RoomRecord {
  roomId: string
  name: string
  secret: Uint8Array
  epoch: number
  relays: string[]
  /** ms since the Unix epoch */
  joinedAt: number
  /** Fingerprint of whoever invited us, or our own if we created the room. */
  invitedBy: string
  /** Nick last used in this room. */
  nick?: string
  /**
   * The creator's identity key (hex): the room's first owner, the root of its membership
   * log. Absent for rooms made before membership existed: those are not managed.
   */
  creator?: string
  /** When the creator made the room (ms). */
  createdAt?: number
  /** The nonce the room id was made from, with creator and date (hex; see roomIdOf). */
  genesisNonce?: string
  /** What the room id commits to of the epoch-0 secret (hex; see genesisCommitment): invites to later epochs carry it. */
  genesisCommitment?: string
  /** The key epoch the room was last in (`epoch` and `secret` are the ones we entered with). */
  currentEpoch?: number
  /** The invite we joined with, as its issuer signed it (sent with our JOIN). */
  /**
   * The invite we join with, until our JOIN is signed: its grant and the seed of its
   * one-time key (hex). The seed is dropped once the JOIN that it binds to us exists.
   */
  grant?: { grant: string, signature: string, inviteSeed?: string }
}

/** What can be shown of a room without its secret (so without a passphrase). */
export type RoomSummary = Omit<RoomRecord, 'secret'>

/** Options of {@link createRoomStore}. */
export interface RoomStoreInit {
  /**
   * How room secrets are stored: in clear, or sealed when the data directory has a
   * passphrase (an unlocked keystore from `openKeystore`). Default: in clear, refusing
   * sealed secrets (PassphraseRequiredError).
   */
  keystore?: Keystore
}

/** Per-room mutable state: our next sequence number and the replay window. */
export interface RoomState {
  nextSeq: bigint
  replay: ReplayWindow
}

/** What a room remembers for catch-up: how far each relay's store was read. */
export interface SyncState {
  /** Per relay peer id: the store cursor up to which we have read it. */
  storeCursors: Record<string, string>
}

/** Normalise and check a room id typed by a user. */
export function parseRoomId (roomId: string): string {
  const id = roomId.trim().toLowerCase()
  if (!ROOM_ID_PATTERN.test(id)) throw new InvalidRoomIdError(roomId)
  return id
}

/** The rooms of one data directory. */
export interface RoomStore {
  list(): RoomRecord[]
  /** Every room without its secret: needs no passphrase. Oldest joined first, like {@link list}. */
  summaries(): RoomSummary[]
  get(roomId: string): RoomRecord | undefined
  require(roomId: string): RoomRecord
  save(room: RoomRecord): void
  loadState(roomId: string): RoomState
  saveState(roomId: string, state: RoomState): void
  /** Persist our next sequence number (small, written before every send). */
  saveSequence(roomId: string, nextSeq: bigint): void
  /** Persist the replay window (larger, written in batches). */
  saveReplay(roomId: string, replay: ReplayWindow): void
  /** The room's directory (its files, history included, live there). */
  dir(roomId: string): string
  loadSync(roomId: string): SyncState
  /** Persist catch-up state (not fsynced: a lost cursor only means reading a store again). */
  saveSync(roomId: string, state: SyncState): void
  /**
   * Hold the room for this process while it is open: two processes on one data
   * directory would reuse sequence numbers (receivers drop them as replays) and
   * overwrite each other's state. Throws RoomBusyError; resolves with a release function.
   */
  lock(roomId: string, onLost?: (err: Error) => void): Promise<() => Promise<void>>
}

function roomDir (dataDir: string, roomId: string): string {
  return join(dataDir, 'rooms', parseRoomId(roomId))
}

const ROOM_FILE = 'room.json'

/** Where a room's secret lives, for the keystore (label `room|<roomId>`: a sealed secret cannot move to another room). */
function roomSecretField (dataDir: string, roomId: string): SecretFieldRef {
  const id = parseRoomId(roomId)
  return { path: join(roomDir(dataDir, id), ROOM_FILE), field: 'secret', label: `room|${id}`, maxBytes: MAX_ROOM_FILE_BYTES }
}

/** Where every room's secret in `dataDir` lives (for `cryptochat passphrase`). */
export function roomSecretFields (dataDir: string): SecretFieldRef[] {
  const base = join(dataDir, 'rooms')
  if (!fileExists(base)) return []
  return readdirSync(base).filter((entry) => ROOM_ID_PATTERN.test(entry)).sort().map((id) => roomSecretField(dataDir, id))
}

function parseSummary (path: string, raw: any): RoomSummary {
  if (raw == null || typeof raw !== 'object' || typeof raw.roomId !== 'string' || !ROOM_ID_PATTERN.test(raw.roomId) || typeof raw.name !== 'string' ||
    !Number.isInteger(raw.epoch) || !Array.isArray(raw.relays) || !raw.relays.every((r: unknown) => typeof r === 'string')) {
    throw new CorruptFileError(path, 'fields missing or malformed')
  }
  return {
    roomId: raw.roomId,
    name: raw.name,
    epoch: raw.epoch,
    relays: raw.relays,
    joinedAt: Number(raw.joinedAt ?? 0),
    invitedBy: String(raw.invitedBy ?? ''),
    ...(typeof raw.nick === 'string' ? { nick: raw.nick } : {}),
    ...(typeof raw.creator === 'string' && /^[0-9a-f]{64}$/.test(raw.creator) ? { creator: raw.creator, createdAt: Number(raw.createdAt ?? 0) } : {}),
    ...(typeof raw.genesisNonce === 'string' && /^[0-9a-f]{32}$/.test(raw.genesisNonce) ? { genesisNonce: raw.genesisNonce } : {}),
    ...(typeof raw.genesisCommitment === 'string' && /^[0-9a-f]{64}$/.test(raw.genesisCommitment) ? { genesisCommitment: raw.genesisCommitment } : {}),
    ...(Number.isInteger(raw.currentEpoch) ? { currentEpoch: raw.currentEpoch } : {}),
    ...(typeof raw.grant?.grant === 'string' && typeof raw.grant?.signature === 'string'
      ? { grant: { grant: raw.grant.grant, signature: raw.grant.signature, ...(typeof raw.grant.inviteSeed === 'string' ? { inviteSeed: raw.grant.inviteSeed } : {}) } }
      : {})
  }
}

function parseRoom (ref: SecretFieldRef, raw: any, keystore: Keystore): RoomRecord {
  const summary = parseSummary(ref.path, raw)
  const secret = keystore.readSecret(raw, ref)
  if (secret.length !== ROOM_SECRET_BYTES) throw new CorruptFileError(ref.path, 'its secret has the wrong length')
  const { nick, ...rest } = summary
  return { ...rest, secret, ...(nick != null ? { nick } : {}) }
}

/**
 * Open the room store of `dataDir` (rooms live in `rooms/<roomId>/`, files 0600). Room
 * secrets are read and written through `init.keystore` (sealed when a passphrase is set).
 */
export function createRoomStore (dataDir: string, init: RoomStoreInit = {}): RoomStore {
  const keystore = init.keystore ?? plainKeystore(dataDir)
  /** Every room file, parsed by `parse`, oldest joined first. */
  function each<T extends { joinedAt: number }> (parse: (ref: SecretFieldRef, raw: unknown) => T): T[] {
    const rooms: T[] = []
    for (const ref of roomSecretFields(dataDir)) {
      if (fileExists(ref.path)) rooms.push(parse(ref, readPrivateJson(ref.path, MAX_ROOM_FILE_BYTES)))
    }
    return rooms.sort((a, b) => a.joinedAt - b.joinedAt)
  }
  const store: RoomStore = {
    list () {
      return each((ref, raw) => parseRoom(ref, raw, keystore))
    },
    summaries () {
      return each((ref, raw) => parseSummary(ref.path, raw))
    },
    get (roomId) {
      const ref = roomSecretField(dataDir, roomId)
      if (!fileExists(ref.path)) return undefined
      return parseRoom(ref, readPrivateJson(ref.path, MAX_ROOM_FILE_BYTES), keystore)
    },
    require (roomId) {
      const room = store.get(roomId)
      if (room == null) throw new UnknownRoomError(parseRoomId(roomId))
      return room
    },
    save (room) {
      const ref = roomSecretField(dataDir, room.roomId)
      const file: Record<string, unknown> = {
        // Stored normalised, as get() requires (the directory name already is).
        roomId: parseRoomId(room.roomId),
        name: room.name,
        epoch: room.epoch,
        relays: room.relays,
        joinedAt: room.joinedAt,
        invitedBy: room.invitedBy,
        ...(room.nick != null ? { nick: room.nick } : {}),
        ...(room.creator != null ? { creator: room.creator, createdAt: room.createdAt ?? 0 } : {}),
        ...(room.genesisNonce != null ? { genesisNonce: room.genesisNonce } : {}),
        ...(room.genesisCommitment != null ? { genesisCommitment: room.genesisCommitment } : {}),
        ...(room.currentEpoch != null ? { currentEpoch: room.currentEpoch } : {}),
        ...(room.grant != null ? { grant: room.grant } : {})
      }
      // In clear or sealed, as the data directory keeps secrets (checked before anything is written).
      keystore.writeSecret(file, ref, room.secret)
      ensurePrivateDir(roomDir(dataDir, room.roomId))
      writePrivateFile(ref.path, JSON.stringify(file, null, 2) + '\n')
    },
    loadState (roomId) {
      return { nextSeq: loadSequence(roomId), replay: loadReplay(roomId) }
    },
    saveState (roomId, state) {
      store.saveSequence(roomId, state.nextSeq)
      store.saveReplay(roomId, state.replay)
    },
    saveSequence (roomId, nextSeq) {
      writePrivateFile(join(roomDir(dataDir, roomId), SEQUENCE_FILE), JSON.stringify({ nextSeq: nextSeq.toString() }))
    },
    async lock (roomId, onLost) {
      const dir = roomDir(dataDir, roomId)
      ensurePrivateDir(dir)
      const lockPath = join(dir, LOCK_DIR)
      const take = async (): Promise<() => Promise<void>> => {
        const release = await lockfile.lock(dir, {
          lockfilePath: lockPath,
          realpath: false,
          stale: LOCK_STALE_MS,
          onCompromised: (err) => { onLost?.(err) }
        })
        // Who holds it (beside the lock: proper-lockfile removes its directory with rmdir), so
        // a later process can tell a crashed holder (kill -9) from a live one.
        const ownerPath = join(dir, LOCK_OWNER_FILE)
        writePrivateFile(ownerPath, JSON.stringify({ pid: process.pid, host: hostname() }), { durable: false })
        return async () => {
          rmSync(ownerPath, { force: true })
          await release()
        }
      }
      try {
        return await take()
      } catch (err: any) {
        if (err?.code !== 'ELOCKED') throw err
        // Without this, a crashed process would keep the room closed until the lock goes
        // stale (LOCK_STALE_MS): take over a lock whose holder on this host is dead.
        if (!holderIsDead(join(dir, LOCK_OWNER_FILE))) throw new RoomBusyError(parseRoomId(roomId))
        rmSync(lockPath, { recursive: true, force: true })
        try {
          return await take()
        } catch (again: any) {
          if (again?.code === 'ELOCKED') throw new RoomBusyError(parseRoomId(roomId))
          throw again
        }
      }
    },
    dir (roomId) {
      return roomDir(dataDir, roomId)
    },
    loadSync (roomId) {
      const path = join(roomDir(dataDir, roomId), SYNC_FILE)
      const empty: SyncState = { storeCursors: {} }
      if (!fileExists(path)) return empty
      const raw = readPrivateJson(path, MAX_ROOM_FILE_BYTES) as any
      // Cursors are only hints: a malformed one means "read from the start" (duplicates are
      // refused anyway).
      const cursors: Record<string, string> = {}
      for (const [k, v] of Object.entries(raw?.storeCursors ?? {})) if (typeof v === 'string' && /^[0-9]{1,20}$/.test(v)) cursors[k] = v
      return { storeCursors: cursors }
    },
    saveSync (roomId, state) {
      writePrivateFile(join(roomDir(dataDir, roomId), SYNC_FILE), JSON.stringify(state), { durable: false })
    },
    saveReplay (roomId, replay) {
      // Rewritten up to every REPLAY_FLUSH_MS: atomic, but not fsynced (see WriteOptions).
      writePrivateFile(join(roomDir(dataDir, roomId), REPLAY_FILE), JSON.stringify({ replay: replay.toJSON() }), { durable: false })
    }
  }

  function loadSequence (roomId: string): bigint {
    const path = join(roomDir(dataDir, roomId), SEQUENCE_FILE)
    if (!fileExists(path)) return 1n
    const raw = readPrivateJson(path, MAX_ROOM_FILE_BYTES) as any
    try {
      const nextSeq = BigInt(raw?.nextSeq)
      if (nextSeq < 1n) throw new Error('not positive')
      return nextSeq
    } catch {
      throw new CorruptFileError(path, 'its sequence number is missing')
    }
  }

  function loadReplay (roomId: string): ReplayWindow {
    const path = join(roomDir(dataDir, roomId), REPLAY_FILE)
    if (!fileExists(path)) return new ReplayWindow()
    const raw = readPrivateJson(path, MAX_STATE_FILE_BYTES) as any
    if (raw == null || typeof raw !== 'object') throw new CorruptFileError(path, 'not a replay state')
    return ReplayWindow.fromJSON(raw.replay)
  }

  return store
}
