import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes, bytesToHex, hexToBytes } from '../crypto/index.js'
import { ControlType } from '../protocol/index.js'
import { ensurePrivateDir, fileExists, readPrivateJson, writePrivateFile } from '../store/index.js'
import type { OwnOp } from './room-log.js'

/** Where membership operations asked for by another process wait for the room's session. */
const QUEUE_DIR = 'outgoing'
const MAX_QUEUED_BYTES = 16 * 1024

/**
 * A membership operation asked for from the command line (`cryptochat revoke`, `invite`):
 * what to sign, not signed yet, since only the process holding the room signs and numbers
 * its operations (one writer per log).
 */
export type QueuedOp =
  /** `issuer`: whose invite (hex key; default: the signer's own, or the only one with that id). */
  | { type: 'revoke', inviteId: string, issuer?: string }
  | { type: 'invite', inviteId: string, expiresAt: number, maxUses: number }
  /** `member`: identity key, hex (the session removes and starts a new epoch). */
  | { type: 'remove', member: string }
  | { type: 'promote', member: string }
  | { type: 'policy', ownersInvite: boolean }

/** Leave an operation for the process that opens the room (now, or next time). */
export function queueOp (roomDir: string, op: QueuedOp): void {
  const dir = join(roomDir, QUEUE_DIR)
  ensurePrivateDir(dir)
  writePrivateFile(join(dir, `${Date.now()}-${bytesToHex(randomBytes(6))}.json`), JSON.stringify(op))
}

/** The queue's files, oldest first. */
function queueFiles (roomDir: string): string[] {
  const dir = join(roomDir, QUEUE_DIR)
  if (!fileExists(dir)) return []
  return readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n))
}

/** The operation a queue file asks for; undefined when it is damaged or asks for nothing we know. */
function readQueued (path: string): OwnOp | undefined {
  try {
    return toOwnOp(readPrivateJson(path, MAX_QUEUED_BYTES))
  } catch {
    return undefined
  }
}

/** Whether nothing waits in the room's queue (the session took everything). */
export function queueEmpty (roomDir: string): boolean {
  return queueFiles(roomDir).length === 0
}

/** Operations waiting (oldest first); each with a function that removes it once done. */
export function queuedOps (roomDir: string): Array<{ op: OwnOp, done: () => void }> {
  const out: Array<{ op: OwnOp, done: () => void }> = []
  for (const path of queueFiles(roomDir)) {
    const done = (): void => { rmSync(path, { force: true }) }
    const op = readQueued(path)
    // Half-written (the writer renames into place, so rare) or damaged: not ours to keep.
    if (op != null) out.push({ op, done })
    else done()
  }
  return out
}

/** Invites of ours made while the room was not open, not yet announced to its members (read only). */
export function queuedInvites (roomDir: string): Array<{ inviteId: string, expiresAt: number, maxUses: number }> {
  const out: Array<{ inviteId: string, expiresAt: number, maxUses: number }> = []
  for (const path of queueFiles(roomDir)) {
    const op = readQueued(path)
    if (op?.type === ControlType.INVITE && op.inviteId != null) out.push({ inviteId: bytesToHex(op.inviteId), expiresAt: Number(op.expiresAt ?? 0), maxUses: op.maxUses ?? 0 })
  }
  return out
}

function toOwnOp (raw: any): OwnOp | undefined {
  if (raw?.type === 'remove' || raw?.type === 'promote') {
    if (typeof raw.member !== 'string' || !/^[0-9a-f]{64}$/.test(raw.member)) return undefined
    return { type: raw.type === 'remove' ? ControlType.REMOVE : ControlType.PROMOTE, member: hexToBytes(raw.member) }
  }
  if (raw?.type === 'policy') return typeof raw.ownersInvite === 'boolean' ? { type: ControlType.POLICY, ownersInvite: raw.ownersInvite } : undefined
  if (typeof raw?.inviteId !== 'string' || !/^[0-9a-f]{32}$/.test(raw.inviteId)) return undefined
  const inviteId = hexToBytes(raw.inviteId)
  if (raw.type === 'revoke') return { type: ControlType.REVOKE, inviteId, ...(typeof raw.issuer === 'string' && /^[0-9a-f]{64}$/.test(raw.issuer) ? { member: hexToBytes(raw.issuer) } : {}) }
  if (raw.type === 'invite' && Number.isSafeInteger(raw.expiresAt) && Number.isInteger(raw.maxUses) && raw.maxUses >= 0) {
    return { type: ControlType.INVITE, inviteId, expiresAt: BigInt(raw.expiresAt), maxUses: raw.maxUses }
  }
  return undefined
}
