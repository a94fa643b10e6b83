import { logger } from '@libp2p/logger'
import { hexToBytes } from '../crypto/index.js'
import { canAdmit, canRemove } from './policy.js'
import type { JoinRequest, MembershipState } from './log.js'
import { ControlType } from '../protocol/index.js'
import { keyOps, newEpochOps, type EpochSet } from './epochs.js'
import { NotPermittedError, UnknownMemberError } from './errors.js'
import type { OwnOp, RoomMembership } from './room-log.js'

const log = logger('cryptochat:room-keys')

/** An owner waits this long (plus as much at random) before starting an epoch a removal still calls for. */
const REKEY_JITTER_MS = 1500
/** An invite's issuer admits its joiners within this (at random); others step in only after ADMIT_BACKUP_MS more. */
const ADMIT_JITTER_MS = 200
/** How long other members wait for an issuer to admit its joiner before one of them does (plus as much at random). */
const ADMIT_BACKUP_MS = 3000

/** A member behind on the current epoch is handed its key records again at most this often. */
const REMIND_MS = 10_000

/** What {@link RoomKeys} needs from its room session. */
export interface RoomKeysHost {
  roomIdBytes: Uint8Array
  /** Our identity key, hex. */
  self: string
  membership: RoomMembership
  epochs: EpochSet
  /** The epoch we send in now. */
  currentEpoch: () => number
  /** Subscribed to the room (timers do nothing once we left). */
  joined: () => boolean
  /** The highest history index we hold from `member`. */
  lastMessageOf: (member: string) => number
  /** Sign, keep and send one of our operations. */
  control: (fields: OwnOp, putToStores?: boolean) => Promise<void>
  /** Send a signed record in a CONTROL message, sealed in `epoch` (default: the current one). */
  publishControl: (bytes: Uint8Array, epoch?: number) => Promise<void>
  /** The log changed from `before` (records signed here). */
  changed: (before: MembershipState) => void
  /** Our clock. */
  now: () => number
  putControlToStores: (epoch: number) => Promise<void>
}

/**
 * A room's key epochs as its owners and members keep them: removal with a new epoch (a
 * fresh secret wrapped for every remaining member), another epoch when a removal still
 * calls for one (two owners removed at once), and the current key handed to members let
 * in without it.
 */
export class RoomKeys {
  private rekeyTimer?: ReturnType<typeof setTimeout>
  private shareTimer?: ReturnType<typeof setTimeout>
  private admitTimer?: ReturnType<typeof setTimeout>

  /** When we last handed each member the current epoch's key records again (see remind). */
  private readonly reminded = new Map<string, { epoch: number, at: number }>()

  constructor (private readonly host: RoomKeysHost) {}

  /**
   * `member`, whom the log gives the current epoch's key, still speaks in the older
   * `epoch`: it missed the records that moved the room on (they went out before its
   * subscription to that epoch's topic reached anyone, or while it was cut off). Hand them
   * to it again, sealed in the epoch it is in. One member does it: the owner who started
   * the current epoch, or, if it is gone, each owner; at most once per REMIND_MS a member.
   */
  remind (member: string, epoch: number): void {
    const state = this.host.membership.state
    const current = state.epoch
    if (epoch >= current || member === this.host.self || !state.members.has(member) || this.host.epochs.get(epoch) == null) return
    // The cheap check first: a member behind speaks many times before it catches up.
    const now = this.host.now()
    const last = this.reminded.get(member)
    if (last != null && last.epoch === current && now - last.at < REMIND_MS) return
    const starter = state.applied.findLast((s) => s.op.type === 'epoch' && s.op.epoch === current)?.author
    const ours = starter === this.host.self || ((starter == null || !state.members.has(starter)) && state.members.get(this.host.self)?.role === 'owner')
    if (!ours) return
    if (this.reminded.size >= 1024) this.reminded.clear()
    this.reminded.set(member, { epoch: current, at: now })
    log('%s still speaks in epoch %d: handing it epoch %d again', member.slice(0, 8), epoch, current)
    for (const bytes of this.host.membership.epochKeyRecords(current)) void this.host.publishControl(bytes, epoch).catch(() => {})
  }

  stop (): void {
    if (this.rekeyTimer != null) clearTimeout(this.rekeyTimer)
    if (this.shareTimer != null) clearTimeout(this.shareTimer)
    if (this.admitTimer != null) clearTimeout(this.admitTimer)
    this.rekeyTimer = undefined
    this.shareTimer = undefined
    this.admitTimer = undefined
  }

  /** Requests to join we may admit now (the rules are the log's: see canAdmit). */
  private admittable (): JoinRequest[] {
    const state = this.host.membership.state
    const now = this.host.now()
    return [...state.joinRequests.values()].filter((r) => canAdmit(state, this.host.self, r, now) == null)
  }

  /**
   * Admit those waiting whom we may: an invite's issuer at once (jittered), any other
   * member allowed to only if the issuer has not done it within ADMIT_BACKUP_MS, so one
   * admission usually answers each join, whatever the room's size.
   */
  private scheduleAdmissions (): void {
    if (this.admitTimer != null) return
    const waiting = this.admittable()
    if (waiting.length === 0) return
    const state = this.host.membership.state
    const mine = waiting.some((r) => state.invites.get(r.inviteKey)?.issuer === this.host.self)
    const delay = mine ? Math.floor(Math.random() * ADMIT_JITTER_MS) : ADMIT_BACKUP_MS + Math.floor(Math.random() * ADMIT_BACKUP_MS)
    this.admitTimer = setTimeout(() => {
      this.admitTimer = undefined
      if (!this.host.joined()) return
      try {
        this.admit(mine)
      } catch (err: any) {
        log('admitting: %s', err.message)
      }
      this.schedule()
    }, delay)
    this.admitTimer.unref?.()
  }

  /** Sign an ADMIT for each request we may answer (only our own invites' when `mineOnly`), with the current key for whoever lacks it. */
  private admit (mineOnly: boolean): void {
    const before = this.host.membership.state
    const current = this.host.epochs.get(before.epoch)
    for (const request of this.admittable()) {
      if (mineOnly && before.invites.get(request.inviteKey)?.issuer !== this.host.self) continue
      const welcome = request.grant.epoch !== before.epoch && current != null && before.holders.has(this.host.self)
        ? keyOps(this.host.roomIdBytes, current.epoch, current.secret, [hexToBytes(request.author)])[0]
        : undefined
      const record = this.host.membership.sign({
        type: ControlType.ADMIT,
        member: hexToBytes(request.author),
        joinId: hexToBytes(request.id),
        ...(welcome != null ? { epoch: welcome.epoch, ephemeral: welcome.ephemeral, keys: welcome.keys } : {})
      })
      // Where the newcomer listens (its invite's epoch), and where the members are.
      const targets = new Set([request.grant.epoch, before.epoch])
      for (const e of targets) void this.host.publishControl(record.bytes, this.host.epochs.get(e) != null ? e : undefined).catch(() => {})
    }
    this.host.changed(before)
  }

  /**
   * Keys others still need from us: when the current epoch's key reached someone removed
   * since (two owners removed members at once), an owner starts another epoch; a member
   * let in without the current key (its invite was older) gets it from a holder. Each is
   * jittered, and skipped if someone else did it meanwhile.
   */
  schedule (): void {
    if (!this.host.membership.managed || !this.host.joined()) return
    this.scheduleAdmissions()
    const state = this.host.membership.state
    if (this.rekeyTimer == null && this.host.membership.needsRekey() && state.members.get(this.host.self)?.role === 'owner') {
      this.rekeyTimer = setTimeout(() => {
        this.rekeyTimer = undefined
        if (this.host.joined() && this.host.membership.needsRekey()) void this.rekey().catch((err: any) => { log('rekey: %s', err.message) })
      }, REKEY_JITTER_MS + Math.floor(Math.random() * REKEY_JITTER_MS))
      this.rekeyTimer.unref?.()
    }
    if (this.shareTimer == null && this.missingKeys().length > 0 && this.host.epochs.get(state.epoch) != null) {
      this.shareTimer = setTimeout(() => {
        this.shareTimer = undefined
        try {
          if (this.host.joined()) this.shareKeys()
        } catch (err: any) {
          log('sharing the epoch key: %s', err.message)
        }
      }, Math.floor(Math.random() * REKEY_JITTER_MS * 2))
      this.shareTimer.unref?.()
    }
  }

  /** Members who do not hold the current epoch's key. */
  private missingKeys (): string[] {
    const state = this.host.membership.state
    return [...state.members.keys()].filter((m) => !state.holders.has(m))
  }

  /** Hand the current epoch's key to members who lack it, in the epoch their invite gave them. */
  private shareKeys (): void {
    const state = this.host.membership.state
    const epoch = this.host.epochs.get(state.epoch)
    const missing = this.missingKeys()
    if (epoch == null || missing.length === 0) return
    const before = state
    const records = keyOps(this.host.roomIdBytes, epoch.epoch, epoch.secret, missing.map(hexToBytes)).map((op) => this.host.membership.sign(op))
    // Sealed where they can read it: the epoch each joined with (their invite's).
    const targets = new Set(missing.map((m) => this.joinEpochOf(m)))
    for (const record of records) {
      for (const e of targets) void this.host.publishControl(record.bytes, this.host.epochs.get(e) != null ? e : undefined).catch(() => {})
    }
    this.host.changed(before)
  }

  /** The epoch a member's invite gave it (0 if unknown). */
  private joinEpochOf (member: string): number {
    for (const s of this.host.membership.state.applied) {
      if (s.author === member && s.op.type === 'join') return s.op.grant?.epoch ?? 0
    }
    return 0
  }

  /**
   * Remove a member (owners only): sign the removal, then start a new epoch whose key goes
   * to every remaining member and not to them. Both are sealed in the current epoch, which
   * the members (and the removed one) can read; from then on we speak only in the new one.
   */
  async remove (member: string): Promise<void> {
    const state = this.host.membership.state
    if (!this.host.membership.managed) throw new NotPermittedError('this room was made before members could be removed: make a new room to manage its members')
    const why = canRemove(state, this.host.self, member)
    if (why === 'no such member in this room') throw new UnknownMemberError('no such member in this room (see: cryptochat members <roomId>)')
    if (why != null) throw new NotPermittedError(why)
    const record = state.members.get(member)
    // The invite they came in with goes too: otherwise they could come back with it under
    // a new identity (those already admitted with it stay).
    const invite = record?.inviteKey != null ? state.invites.get(record.inviteKey) : undefined
    if (invite != null && !invite.revoked) {
      await this.host.control({ type: ControlType.REVOKE, inviteId: hexToBytes(invite.inviteId), member: hexToBytes(invite.issuer) }, false)
    }
    // What we have seen of them (our log's heads) is what counts: anything they sign that
    // we had not seen, or admit with their invites, is refused by every member.
    await this.host.control({ type: ControlType.REMOVE, member: hexToBytes(member), uptoMessage: BigInt(this.host.lastMessageOf(member)) }, false)
    await this.rekey()
  }

  /** Start a new epoch: a fresh secret wrapped for every member (ourselves included). */
  async rekey (): Promise<number> {
    const before = this.host.membership.state
    const epoch = before.epoch + 1
    const recipients = [...before.members.keys()].sort().map(hexToBytes)
    const { ops } = newEpochOps(this.host.roomIdBytes, epoch, recipients)
    const records = ops.map((op) => this.host.membership.sign(op))
    // Published in the epoch everyone still holds, before we move on.
    const from = this.host.currentEpoch()
    for (const record of records) await this.host.publishControl(record.bytes, from).catch((err: any) => { log('epoch %d not published now: %s', epoch, err.message) })
    this.host.changed(before)
    void this.host.putControlToStores(from)
    return epoch
  }
}
