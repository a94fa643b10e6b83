import type { DeliveryStatus, Via } from '../history/index.js'
import type { CatchupEvent, GapEvent } from './room-sync.js'

export type { CatchupEvent, GapEvent }
export type { MembershipEvent, RosterEntry, InviteInfo } from '../membership/index.js'
import type { MembershipEvent } from '../membership/index.js'

/** A text (or /me action) message as the UI and `--json` show it. */
export interface ChatMessageEvent {
  roomId: string
  kind: 'text' | 'action'
  text: string
  nick: string
  /** Fingerprint of the sender's identity key (40 hex). */
  fingerprint: string
  /** Sender's timestamp, ms since the Unix epoch. */
  ts: number
  /** Sender's per-room sequence number. */
  seq: number
  /** Sender's per-room history index (1, 2, 3...: a hole is a missed message). */
  index: number
  /** True for our own messages (echoed locally, never received back). */
  self: boolean
  /** How it reached us: `live`, `self`, or fetched later (`repair` of a gap, `catchup` on return). */
  via: Via
  /** Our own messages: `pending` (written here only), `sent` (published), `acked` (held by a member or a relay store). */
  status?: DeliveryStatus
  /**
   * False when the room's membership log does not (yet) list the sender: a newcomer whose
   * JOIN has not reached us, or someone who got the key without being let in. Shown
   * flagged. (Messages from members who were removed or refused are not shown at all.)
   */
  member?: boolean
}

/** One of our messages changed delivery status. */
export interface StatusEvent {
  roomId: string
  index: number
  seq: number
  status: DeliveryStatus
  /** `acked` only: who confirmed holding it, a linked member or a relay's store. */
  ackedBy?: 'member' | 'store'
}

/**
 * A change in who is in the room: `join` (announced arrival), `present` (already there:
 * answered our arrival, or first heard from), `nick` (changed nick; `previousNick`),
 * `leave` (announced departure), `gone` (silent for too long: crashed or cut off).
 */
export interface MemberEvent {
  roomId: string
  event: 'join' | 'present' | 'nick' | 'leave' | 'gone'
  nick: string
  fingerprint: string
  /**
   * The member's identity public key (64 hex), as its signed messages carry it: what a
   * client needs to remember who it has seen and to compute a safety code with them.
   */
  publicKey: string
  ts: number
  self: boolean
  previousNick?: string
}

/** A member as the room currently knows it. */
export interface Member {
  nick: string
  fingerprint: string
  /** Identity public key, 64 hex. */
  publicKey: string
  self: boolean
  /** When we last heard from them (our clock, ms). */
  lastSeen: number
}

/**
 * A problem worth telling the user about, that did not stop the room. (Emitted as
 * `warning`, not `error`: an EventEmitter throws an unhandled `error`.)
 */
export interface RoomErrorEvent {
  roomId: string
  message: string
  code: string
}

/** What an outsider or broken peer sent that was refused (counted, never shown as a message). */
export interface RejectedEvent {
  roomId: string
  reason: string
}

/** A member announced how to reach its node (inside the room's encryption). */
export interface PeerInfoEvent {
  roomId: string
  fingerprint: string
  peerId: string
  addrs: string[]
}

/** Events of a room session. */
export interface RoomEvents {
  peerInfo: [PeerInfoEvent]
  message: [ChatMessageEvent]
  member: [MemberEvent]
  warning: [RoomErrorEvent]
  rejected: [RejectedEvent]
  status: [StatusEvent]
  catchup: [CatchupEvent]
  gap: [GapEvent]
  membership: [MembershipEvent]
  epoch: [EpochEvent]
}

/** We moved to a new key epoch (a member was removed): older keys stay for older messages. */
export interface EpochEvent {
  roomId: string
  epoch: number
  previous: number
}
