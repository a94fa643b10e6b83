import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { MAX_CONTROL_OPS, MAX_HEADS, PROTOCOL_VERSION } from '../constants.js'
import { bytesToHex, equalBytes, hexToBytes, unwrapKey } from '../crypto/index.js'
import { fingerprint, type Identity } from '../identity/index.js'
import type { InviteInfo, MembershipEvent, RosterEntry } from './events.js'
import { checkRecordLog, createRecordLog, historyKey, type RecordLog } from '../history/index.js'
import type { RoomStore } from '../room/index.js'
import { fileExists } from '../store/index.js'
import { DAG } from './dag.js'
import { hasWaitingJoin, replayMembership, standing, heldEpoch, needsRekey, type MembershipOp, type MembershipState, type SignedOp } from './log.js'
import {
  ControlType, InviteGrant, controlOp, epochCommitment, epochWrapContext, genesisCommitment, openControl, roomIdOf, signControl, signInviteProof, wire,
  type ControlOp, type ControlRecord
} from '../protocol/index.js'

const log = logger('cryptochat:membership')

/** Most operations one author may have in a log (a member who signs more is ignored past it). */
const MAX_OPS_PER_AUTHOR = 2000
/** Most verified operations from unknown authors held aside, in memory. */
const MAX_PENDING_OPS = 1000

/** The membership log's file in a room's directory. */
export const MEMBERSHIP_FILE = 'membership.log'

/** Options of {@link RoomMembership}. */
export interface RoomMembershipInit {
  roomId: string
  dir: string
  /** Seals the log on disk (the room's history key). */
  key: Uint8Array
  identity: Identity
  /** The room's creator (hex key) and creation time; absent: a room from before membership, not managed. */
  creator?: string
  createdAt?: number
  /** The nonce the room id was made from (hex): with it, the id commits to the epoch-0 secret. */
  genesisNonce?: string
  /** The epoch and secret we entered the room with (from our invite, or the room's creation). */
  entry: { epoch: number, secret: Uint8Array }
  now?: () => number
  /** Read the log without writing anything (the room may be open in another process). */
  readOnly?: boolean
}

/** What an operation to sign says (the author, counter, room, time and heads are filled in). */
export type OwnOp = Partial<ControlOp> & Pick<ControlOp, 'type'>

/** What our JOIN is made from: the invite's grant (hex of its encoding and signature) and the invite key's seed (hex). */
export interface JoinTicket {
  grant: string
  signature: string
  inviteSeed: string
}

/** A record's key in a log: (author, counter) is unique. */
function keyOf (op: { author: Uint8Array | string, index: bigint | number }): string {
  return `${typeof op.author === 'string' ? op.author : bytesToHex(op.author)}:${op.index}`
}

export { epochWrapContext, epochCommitment }

/** The membership model's view of a wire operation. */
export function toSignedOp (record: ControlRecord): SignedOp {
  const op = record.op
  const base = {
    author: bytesToHex(op.author),
    index: Number(op.index),
    ts: Number(op.timestamp),
    id: record.id,
    ...(op.prev.length > 0 ? { prev: bytesToHex(op.prev) } : {}),
    ...(op.heads.length > 0 ? { heads: op.heads.map((h) => bytesToHex(h)) } : {})
  }
  const hex = (b: Uint8Array): string => bytesToHex(b)
  let m: MembershipOp
  switch (op.type) {
    case ControlType.JOIN: {
      const g = op.grant as InviteGrant
      m = { type: 'join', inviteId: hex(op.inviteId), grant: { issuer: hex(g.issuer), issuedAt: Number(g.issuedAt), expiresAt: Number(g.expiresAt), maxUses: g.maxUses, epoch: g.epoch } }
      break
    }
    case ControlType.ADMIT: m = { type: 'admit', member: hex(op.member), joinId: hex(op.joinId), readmit: op.readmit, ...(op.keys.length > 0 ? { welcome: op.epoch } : {}) }; break
    case ControlType.LEAVE: m = { type: 'leave', uptoMessage: Number(op.uptoMessage) }; break
    case ControlType.REMOVE: m = { type: 'remove', member: hex(op.member), uptoMessage: Number(op.uptoMessage) }; break
    case ControlType.PROMOTE: m = { type: 'promote', member: hex(op.member) }; break
    case ControlType.RENAME: m = { type: 'rename', name: op.name }; break
    case ControlType.INVITE: m = { type: 'invite', inviteId: hex(op.inviteId), expiresAt: Number(op.expiresAt), maxUses: op.maxUses }; break
    case ControlType.REVOKE: m = { type: 'revoke', inviteId: hex(op.inviteId), ...(op.member.length > 0 ? { issuer: hex(op.member) } : {}) }; break
    case ControlType.POLICY: m = { type: 'policy', ownersInvite: op.ownersInvite }; break
    case ControlType.EPOCH: m = { type: 'epoch', epoch: op.epoch, recipients: op.keys.map((k) => hex(k.recipient)) }; break
    case ControlType.KEYS: m = { type: 'keys', epoch: op.epoch, recipients: op.keys.map((k) => hex(k.recipient)) }; break
  }
  return { ...base, op: m }
}

/**
 * A room's signed membership log, kept on disk (sealed like history) and replayed into
 * the room's state: who is in, their roles, invites, and the key epochs (whose secrets
 * come out of the log's key packages with our identity key, so nothing more is stored).
 */
export class RoomMembership {
  /** Whether the room has a known creator (rooms from before membership are not managed). */
  readonly managed: boolean
  private readonly init: RoomMembershipInit
  private readonly roomIdBytes: Uint8Array
  private readonly self: string
  private readonly file?: RecordLog
  /** Every record by id; forks (two records under one author counter) are all kept, and replay settles them. */
  private readonly records = new Map<string, ControlRecord>()
  private readonly ids = new Set<string>()
  /** (author, counter) -> ids under it. */
  private readonly byKey = new Map<string, string[]>()
  /** Ids some held record names as its parent, and the heads (held ids nobody names). */
  private readonly referenced = new Set<string>()
  private readonly headIds = new Set<string>()
  /** Verified records whose author the log does not know yet. */
  private readonly pending = new Map<string, ControlRecord>()
  private cached?: MembershipState
  private readonly now: () => number
  private entrySettled?: 'ok' | 'mismatch'

  constructor (init: RoomMembershipInit) {
    this.init = init
    this.managed = init.creator != null
    this.roomIdBytes = hexToBytes(init.roomId)
    this.self = bytesToHex(init.identity.publicKey)
    this.now = init.now ?? Date.now
    const path = join(init.dir, MEMBERSHIP_FILE)
    const label = `cryptochat/${PROTOCOL_VERSION}/membership|${init.roomId}`
    const stored: Uint8Array[] = []
    if (init.readOnly === true) {
      if (fileExists(path)) checkRecordLog(path, init.key, label, { onRecord: (r) => { stored.push(r) } })
    } else {
      this.file = createRecordLog({ path, key: init.key, label })
      stored.push(...this.file.open().records)
    }
    for (const bytes of stored) {
      try {
        this.remember(openControl(bytes, this.roomIdBytes))
      } catch (err: any) {
        log('skipping a stored operation: %s', err.message)
      }
    }
  }

  private remember (record: ControlRecord): boolean {
    if (this.ids.has(record.id)) return false
    const key = keyOf(record.op)
    const under = this.byKey.get(key) ?? []
    // A fork is kept (replay settles it), but one is enough to see it: no third.
    if (under.length >= 2) return false
    under.push(record.id)
    this.byKey.set(key, under)
    this.records.set(record.id, record)
    this.ids.add(record.id)
    for (const p of [...record.op.heads, record.op.prev]) {
      if (p.length === 0) continue
      const id = bytesToHex(p)
      this.referenced.add(id)
      this.headIds.delete(id)
    }
    if (!this.referenced.has(record.id)) this.headIds.add(record.id)
    this.cached = undefined
    return true
  }

  /** The heads of our log (what an operation signed now has seen), in canonical order, at most MAX_HEADS (the newest). */
  private currentHeads (exclude?: string): Uint8Array[] {
    const heads = [...this.headIds].filter((id) => id !== exclude)
      .sort((a, b) => Number((this.records.get(b) as ControlRecord).op.timestamp - (this.records.get(a) as ControlRecord).op.timestamp))
      .slice(0, MAX_HEADS)
    return heads.sort().map(hexToBytes)
  }

  /** Take in a verified record (from a live CONTROL message or a log sync). True if it was new. */
  add (record: ControlRecord): boolean {
    if (this.records.size >= MAX_CONTROL_OPS) return false
    if (this.file == null) throw new Error('the membership log was opened read-only')
    if (!this.remember(record)) return false
    this.file.append(record.bytes)
    return true
  }

  /**
   * Whether a record may enter the log now: its author is or was a member (or, for a
   * JOIN, its grant's issuer is or was), and has not used up its quota. Anyone holding
   * a room key can sign operations; only these can matter, so only these are kept.
   */
  private admissible (record: ControlRecord): boolean {
    if (!this.managed) return true
    const state = this.state
    const known = (key: string): boolean => key === this.init.creator || state.members.has(key) || state.departed.has(key)
    const author = bytesToHex(record.op.author)
    if (record.op.type === ControlType.JOIN) {
      // A request counts only through an invite of a member: requests through a removed
      // member's invites never enter the log. (Refused requests are kept too: every member
      // must judge the same set, and the refused joiner learns why from it.)
      const issuer = bytesToHex(record.op.grant?.issuer ?? new Uint8Array(0))
      if (!(issuer === this.init.creator || state.members.has(issuer))) return false
    } else if (!known(author)) {
      return false
    }
    // Counted by counter, not by arrival: every member keeps the same ones. The last
    // tenth of the log is kept for owners (a flood of joins cannot lock out a removal).
    if (Number(record.op.index) > MAX_OPS_PER_AUTHOR) return false
    return this.records.size < MAX_CONTROL_OPS * 0.9 || state.members.get(author)?.role === 'owner'
  }

  /**
   * Check and take in record bytes: 'refused' when they do not verify, 'pending' when
   * their author is not (yet) known to the log (kept aside, in memory, and taken in when
   * it is: a member's operations can arrive before its JOIN).
   */
  addBytes (bytes: Uint8Array): 'added' | 'duplicate' | 'pending' | 'refused' {
    let record: ControlRecord
    try {
      record = openControl(bytes, this.roomIdBytes)
    } catch {
      return 'refused'
    }
    return this.addRecord(record)
  }

  /** Take in a record already checked by `openControl` (see {@link addBytes}). */
  addRecord (record: ControlRecord): 'added' | 'duplicate' | 'pending' {
    if (this.ids.has(record.id)) return 'duplicate'
    if (!this.admissible(record)) {
      if (this.pending.size >= MAX_PENDING_OPS) this.pending.delete(this.pending.keys().next().value as string)
      this.pending.set(record.id, record)
      return 'pending'
    }
    if (!this.add(record)) return 'duplicate'
    // What waited for this record's author may now be taken in.
    for (let progress = true; progress;) {
      progress = false
      for (const [id, held] of this.pending) {
        if (this.ids.has(id)) { this.pending.delete(id); continue }
        if (!this.admissible(held)) continue
        this.pending.delete(id)
        if (this.add(held)) progress = true
      }
    }
    return 'added'
  }

  /** The highest counter of `author`'s operations in our log (0: none). */
  lastIndexOf (author: string): number {
    let index = 0
    for (const r of this.records.values()) if (bytesToHex(r.op.author) === author) index = Math.max(index, Number(r.op.index))
    return index
  }

  /**
   * Sign an operation of ours with our next counter, keep it, and return it (to publish).
   * It is checked as members will check it (a limit we broke here would make them refuse
   * what we applied), and dated after our previous one, so our own order holds.
   */
  sign (fields: OwnOp | ((heads: Uint8Array[]) => OwnOp)): ControlRecord {
    let index = 0
    let last = 0
    for (const r of this.records.values()) {
      if (bytesToHex(r.op.author) !== this.self) continue
      index = Math.max(index, Number(r.op.index))
      last = Math.max(last, Number(r.op.timestamp))
    }
    const prev = index > 0 ? this.idOf(this.self, index) : undefined
    // What we have seen, besides our own previous operation (named as `prev`).
    const heads = this.currentHeads(prev) as Array<Uint8Array<ArrayBuffer>>
    const own = typeof fields === 'function' ? fields(heads) : fields
    const op = controlOp({ roomId: wire(this.roomIdBytes), author: wire(this.init.identity.publicKey), index: BigInt(index + 1), timestamp: BigInt(Math.max(this.now(), last + 1)), ...(prev != null ? { prev: wire(hexToBytes(prev)) } : {}), heads, ...own })
    const record = openControl(signControl(this.init.identity.secretKey, op).bytes, this.roomIdBytes)
    this.add(record)
    return record
  }

  /** The id of `author`'s record under counter `index` (the first, if it forked). */
  idOf (author: string, index: number): string | undefined {
    return this.byKey.get(`${author}:${index}`)?.[0]
  }

  /** The room's creator (hex key), when known. */
  get creator (): string | undefined {
    return this.init.creator
  }

  /** Whether every record we hold is ours (a newcomer before its first log pull). */
  onlyOwn (): boolean {
    for (const r of this.records.values()) if (bytesToHex(r.op.author) !== this.self) return false
    return true
  }

  /** Every record (to serve a member's log sync), except those whose ids are listed. */
  recordsExcept (have: Set<string>): Uint8Array[] {
    return [...this.records.values()].filter((r) => !have.has(r.id)).map((r) => r.bytes)
  }

  /**
   * What of the log `identity` (hex) may be given: all of it for a member or someone
   * waiting to be admitted; for a former member, the log as it stood when they went
   * (what led to their departure, and it), so they learn they were removed and nothing
   * that came after; nothing for anyone else. Undefined: nothing.
   */
  recordsFor (identity: string, have: Set<string>): Uint8Array[] | undefined {
    if (!this.managed) return this.recordsExcept(have)
    const state = this.state
    if (state.members.has(identity)) return this.recordsExcept(have)
    // Someone who left or was removed gets the log as it stood then, whatever it asks
    // since (a new request to join, with a leaked invite, earns nothing more).
    const departed = state.departed.get(identity)
    if (departed == null) return hasWaitingJoin(state, identity) || state.refusedJoins.has(identity) ? this.recordsExcept(have) : undefined
    const dag = new DAG([...this.records.values()].map((r) => toSignedOp(r)))
    const upto = dag.restriction(departed.opId).ancestors.add(departed.opId)
    return [...this.records.values()].filter((r) => upto.has(r.id) && !have.has(r.id)).map((r) => r.bytes)
  }

  /** Whether the log lets `sender` speak in `epoch` (every sender, in a room that is not managed). */
  heldEpoch (sender: string, epoch: number): boolean {
    return !this.managed || heldEpoch(this.state, sender, epoch)
  }

  /** Ids (hex SHA-256) of the records we hold. */
  recordIds (): string[] {
    return [...this.ids]
  }

  /** The replayed state (cached until the log changes). */
  get state (): MembershipState {
    this.cached ??= replayMembership({ creator: this.init.creator ?? this.self, name: '', createdAt: this.init.createdAt ?? 0 }, [...this.records.values()].map((r) => toSignedOp(r)))
    return this.cached
  }

  /** How to treat a message from `sender` dated `ts` ('member' for every sender of an unmanaged room). */
  standing (sender: string, ts: number, index?: number): ReturnType<typeof standing> {
    if (!this.managed) return 'member'
    return standing(this.state, sender, ts, index)
  }

  /** Whether two owners started `epoch` at once (the log refused one of the EPOCH operations). */
  contested (epoch: number): boolean {
    return epoch > 0 && this.state.refused.some((r) => r.op.op.type === 'epoch' && r.op.op.epoch === epoch)
  }

  /** Whether a removal left the current key with someone removed (an owner should start an epoch). */
  needsRekey (): boolean {
    return this.managed && needsRekey(this.state)
  }

  /**
   * Whether we need no new JOIN: we created the room (or it is unmanaged), the log lets us
   * in, or our JOIN with this invite is already signed (and waits for members to judge it).
   */
  hasJoined (inviteId?: string): boolean {
    if (!this.managed || this.init.creator === this.self) return true
    if (this.state.members.has(this.self)) return true
    for (const r of this.records.values()) {
      if (r.op.type === ControlType.JOIN && bytesToHex(r.op.author) === this.self && (inviteId == null || bytesToHex(r.op.inviteId) === inviteId)) return true
    }
    return false
  }

  /**
   * The fields of our JOIN, from the invite we were given: its grant, and the invite key's
   * proof that binds it to us and to the heads of our log (so nobody can replay it).
   */
  joinFields (ticket: JoinTicket): (heads: Uint8Array[]) => OwnOp {
    const g = InviteGrant.decode(hexToBytes(ticket.grant))
    return (heads) => ({
      type: ControlType.JOIN,
      inviteId: g.inviteId,
      grant: g,
      grantSignature: wire(hexToBytes(ticket.signature)),
      inviteProof: wire(signInviteProof(hexToBytes(ticket.inviteSeed), g, this.init.identity.publicKey, heads))
    })
  }

  /** The invite id of a JOIN ticket (hex). */
  static ticketInviteId (ticket: Pick<JoinTicket, 'grant'>): string {
    return bytesToHex(InviteGrant.decode(hexToBytes(ticket.grant)).inviteId)
  }

  /**
   * Whether the secret we entered with is the room's: epoch 0's must be the one the room
   * id commits to; a later epoch's must match the commitment of the EPOCH operation the
   * log applied for it. 'unknown' until the log has that operation.
   */
  entryCheck (commitments = this.commitments()): 'ok' | 'mismatch' | 'unknown' {
    const { epoch, secret } = this.init.entry
    if (!this.managed) return 'ok'
    if (epoch === 0) {
      if (this.init.genesisNonce == null) return 'unknown'
      const id = roomIdOf(hexToBytes(this.init.creator as string), this.init.createdAt ?? 0, hexToBytes(this.init.genesisNonce), genesisCommitment(secret))
      return equalBytes(id, this.roomIdBytes) ? 'ok' : 'mismatch'
    }
    const commitment = commitments.get(epoch)
    if (commitment == null) return 'unknown'
    return equalBytes(epochCommitment(this.roomIdBytes, epoch, secret), commitment) ? 'ok' : 'mismatch'
  }

  /** The epoch whose secret our invite gave us. */
  get entryEpoch (): number {
    return this.init.entry.epoch
  }

  /**
   * Whether we may speak in the epoch we entered with. Epoch 0's secret is checked against
   * the room id when the invite is read (and a room made before that commitment cannot be
   * checked at all); a later epoch's only once the log holds the owner's EPOCH operation
   * for it with a matching commitment: until then an inviter could have handed us a secret
   * of its own making, and what we write would be for it alone. Settled answers are kept.
   */
  entryConfirmed (): 'ok' | 'mismatch' | 'unknown' {
    if (this.entrySettled != null) return this.entrySettled
    const check = this.init.entry.epoch === 0 ? 'ok' : this.entryCheck()
    if (check !== 'unknown') this.entrySettled = check
    return check
  }

  /** The commitment of every epoch started by an EPOCH operation the log applied. */
  private commitments (): Map<number, Uint8Array> {
    const out = new Map<number, Uint8Array>()
    for (const s of this.state.applied) {
      if (s.op.type !== 'epoch') continue
      const record = this.records.get(s.id)
      if (record != null) out.set(s.op.epoch, record.op.commitment)
    }
    return out
  }

  /** The latest epoch we hold, its secret and (after epoch 0) its EPOCH record: what an invite made now carries. */
  inviteEpoch (): { epoch: number, secret: Uint8Array, record?: Uint8Array } {
    const secrets = this.epochSecrets()
    const epoch = Math.max(...secrets.keys())
    const record = epoch > 0 ? this.epochRecord(epoch) : undefined
    return { epoch, secret: secrets.get(epoch) as Uint8Array, ...(record != null ? { record } : {}) }
  }

  /**
   * The records that hand out `epoch`'s key, as the log applied them: its EPOCH operation,
   * the KEYS that followed, and admissions that welcomed someone into it.
   */
  epochKeyRecords (epoch: number): Uint8Array[] {
    const out: Uint8Array[] = []
    for (const s of this.state.applied) {
      const op = s.op
      const hands = (op.type === 'epoch' || op.type === 'keys') ? op.epoch === epoch : op.type === 'admit' && op.welcome === epoch
      const record = hands ? this.records.get(s.id) : undefined
      if (record != null) out.push(record.bytes)
    }
    return out
  }

  /** When `epoch` was replaced: the date of the EPOCH operation that started the next one (undefined: it is current). */
  supersededAt (epoch: number): number | undefined {
    return this.state.applied.find((s) => s.op.type === 'epoch' && s.op.epoch === epoch + 1)?.ts
  }

  /** The signed EPOCH record the log applied for `epoch` (what an invite to it carries). */
  epochRecord (epoch: number): Uint8Array | undefined {
    const s = this.state.applied.find((o) => o.op.type === 'epoch' && o.op.epoch === epoch)
    return s != null ? this.records.get(s.id)?.bytes : undefined
  }

  /**
   * The secret of every epoch we can read: the one we came in with, and each later one
   * whose key package (in an EPOCH or KEYS operation that took effect) was wrapped for us.
   */
  epochSecrets (): Map<number, Uint8Array> {
    const secrets = new Map<number, Uint8Array>()
    if (!this.managed) return secrets.set(this.init.entry.epoch, this.init.entry.secret)
    // Each epoch's secret is committed to in its EPOCH operation: a package (from its owner,
    // from any member in KEYS, or in an admission's welcome) counts only if it matches.
    const commitments = this.commitments()
    // The secret we came in with counts unless the room's own commitment says otherwise
    // (an inviter handed us a secret of its making: see entryCheck).
    if (this.entryCheck(commitments) !== 'mismatch') secrets.set(this.init.entry.epoch, this.init.entry.secret)
    for (const s of this.state.applied) {
      if (s.op.type !== 'epoch' && s.op.type !== 'keys' && !(s.op.type === 'admit' && s.op.welcome != null)) continue
      const record = this.records.get(s.id)
      const epoch = record?.op.epoch ?? -1
      if (record == null || secrets.has(epoch)) continue
      const mine = record.op.keys.find((k) => bytesToHex(k.recipient) === this.self)
      const commitment = commitments.get(epoch)
      if (mine == null || commitment == null) continue
      try {
        const secret = unwrapKey(record.op.ephemeral, mine.wrapped, this.init.identity.secretKey, this.init.identity.publicKey, epochWrapContext(this.roomIdBytes, epoch))
        if (equalBytes(epochCommitment(this.roomIdBytes, epoch, secret), commitment)) secrets.set(epoch, secret)
        else log('a key package for epoch %d does not match its commitment', epoch)
      } catch {
        log('a key package for epoch %d does not open for us', epoch)
      }
    }
    return secrets
  }

  /** Write appended records to disk (fdatasync). */
  async sync (): Promise<void> {
    await this.file?.sync()
  }

  close (): void {
    this.file?.close()
  }
}

/** Members as a replayed log lists them, owners first; `present` maps keys to nicks heard now. */
export function rosterOf (state: MembershipState, self: string, present: Map<string, string>): RosterEntry[] {
  return [...state.members].map(([key, m]) => ({
    fingerprint: fingerprint(hexToBytes(key)),
    publicKey: key,
    role: m.role,
    nick: present.get(key) ?? '',
    ...(m.addedBy != null ? { addedBy: fingerprint(hexToBytes(m.addedBy)) } : {}),
    since: m.since,
    online: present.has(key),
    self: key === self
  })).sort((a, b) => (a.role === b.role ? 0 : a.role === 'owner' ? -1 : 1) || a.since - b.since)
}

/** Invites a replayed log knows of, with what became of them at `now`. */
export function invitesOf (state: MembershipState, now: number): InviteInfo[] {
  return [...state.invites.values()].map((inv) => ({
    inviteId: inv.inviteId,
    issuer: inv.issuer === '' ? '' : fingerprint(hexToBytes(inv.issuer)),
    expiresAt: inv.expiresAt,
    maxUses: inv.maxUses,
    uses: inv.uses,
    status: inv.revoked ? 'revoked' : inv.expiresAt < now ? 'expired' : inv.maxUses > 0 && inv.uses >= inv.maxUses ? 'used up' : 'live'
  }))
}

/**
 * A room's membership log, read without changing anything (safe while the room is open
 * in another process).
 */
export function readRoomMembership (rooms: RoomStore, identity: Identity, roomId: string): RoomMembership {
  const room = rooms.require(roomId)
  return new RoomMembership({
    roomId: room.roomId,
    dir: rooms.dir(room.roomId),
    key: historyKey(identity.secretKey, hexToBytes(room.roomId)),
    identity,
    ...(room.creator != null ? { creator: room.creator, createdAt: room.createdAt ?? 0 } : {}),
    ...(room.genesisNonce != null ? { genesisNonce: room.genesisNonce } : {}),
    entry: { epoch: room.epoch, secret: room.secret },
    readOnly: true
  })
}

/** A membership change in words, for a room's log (nick-free: `who` names the member). */
export function describeMembership (e: MembershipEvent, who: (fingerprint: string) => string): string {
  const them = e.fingerprint != null ? (e.self ? 'you' : who(e.fingerprint)) : ''
  const by = e.by != null ? who(e.by) : 'someone'
  switch (e.event) {
    case 'joined': return e.self ? `the room let you in (invited by ${by})` : `${them} was let in (invited by ${by})`
    case 'refused': return e.self ? `the room refused your invite: ${e.reason ?? ''}. Ask a member for a new one.` : `${them} tried to join and was refused: ${e.reason ?? ''}`
    case 'removed': return `${them} ${e.self ? 'were' : 'was'} removed from the room by ${by}`
    case 'left': return `${them} left the room for good`
    case 'promoted': return `${them} ${e.self ? 'are' : 'is'} now an owner${e.by != null ? ` (made so by ${by})` : ''}`
    case 'revoked': return `invite ${e.inviteId ?? ''} was revoked${e.by != null ? ` by ${by}` : ''}`
    case 'renamed': return `the room is now called '${e.name ?? ''}'`
    case 'policy': return `room rule: ${e.reason ?? ''}${e.by != null ? ` (set by ${by})` : ''}`
  }
}
