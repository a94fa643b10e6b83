import { EventEmitter } from 'node:events'
import { logger } from '@libp2p/logger'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { JOIN_SKEW_MS, MESSAGE_MAX_AGE_MS, MESSAGE_MAX_FUTURE_MS, PRESENCE_INTERVAL_MS, PRESENCE_REPLY_JITTER_MS, PRESENCE_TIMEOUT_MS, REPLAY_FLUSH_MS, SEND_WAIT_FOR_PEERS_MS, SEQ_RESERVE_BLOCK } from '../constants.js'
import { bytesToHex, hexToBytes } from '../crypto/index.js'
import { fingerprint, type Identity } from '../identity/index.js'
import {
  MessageKind, UnknownEpochError, checkOutgoing, epochZeroKey, meetTopicForRoom, openMessage, sealMessage, topicForRoom, type OpenedMessage
} from '../protocol/index.js'
import type { RoomRecord, RoomState, RoomStore } from '../room/index.js'
import { SendError } from './errors.js'
import type { ChatMessageEvent, Member, RoomEvents } from './events.js'
import { MemberList, type PresenceSignal } from './members.js'

const log = logger('cryptochat:room')

/** Options of a {@link RoomSession}. */
export interface RoomSessionInit {
  room: RoomRecord
  identity: Identity
  rooms: RoomStore
  pubsub: GossipSub
  nick: string
  /** How to reach our node, announced with JOIN and PRESENCE (omitted: not announced). */
  transport?: () => { peerId: string, addrs: string[] }
  /** Clock, for tests. */
  now?: () => number
}

/** Control messages (who is here, how to reach them) go on the discovery topic. */
const MEET_KINDS = new Set<MessageKind>([MessageKind.JOIN, MessageKind.PRESENCE, MessageKind.LEAVE, MessageKind.NICK])
/** Announcements that carry our transport addresses. */
const ANNOUNCE_KINDS = new Set<MessageKind>([MessageKind.JOIN, MessageKind.PRESENCE])

const KIND_TEXT: Record<string, 'text' | 'action' | undefined> = {
  [MessageKind.TEXT]: 'text',
  [MessageKind.ACTION]: 'action'
}

const SIGNAL: Record<string, PresenceSignal> = {
  [MessageKind.TEXT]: 'speech',
  [MessageKind.ACTION]: 'speech',
  [MessageKind.JOIN]: 'join',
  [MessageKind.LEAVE]: 'leave',
  [MessageKind.PRESENCE]: 'presence',
  [MessageKind.NICK]: 'nick'
}

/**
 * One joined room: seals and publishes our messages, and validates everything that
 * arrives on the room's topic (decode, epoch, AEAD, signature, replay) inside gossipsub's
 * topic validator, so nothing unauthentic is forwarded or reaches the UI.
 */
export class RoomSession extends EventEmitter<RoomEvents> {
  readonly roomId: string
  /** The room's chat topic. */
  readonly topic: string
  /** The room's discovery topic (presence and transport announcements). */
  readonly meetTopic: string
  readonly name: string
  nick: string
  private readonly roomIdBytes: Uint8Array
  private readonly keys = new Map<number, Uint8Array>()
  private readonly state: RoomState
  private readonly identity: Identity
  private readonly selfHex: string
  private readonly rooms: RoomStore
  private readonly pubsub: GossipSub
  private room: RoomRecord
  private readonly now: () => number
  private readonly transport?: () => { peerId: string, addrs: string[] }
  private readonly memberList = new MemberList()
  private presenceTimer?: ReturnType<typeof setInterval>
  private readonly replyTimers = new Set<ReturnType<typeof setTimeout>>()
  private joined = false
  /** Sequence numbers below this are reserved on disk (see SEQ_RESERVE_BLOCK). */
  private reservedUpTo: bigint
  private replayDirty = false
  private replayTimer?: ReturnType<typeof setTimeout>

  constructor (init: RoomSessionInit) {
    super()
    this.room = init.room
    this.roomId = init.room.roomId
    this.name = init.room.name
    this.nick = init.nick
    this.roomIdBytes = hexToBytes(this.roomId)
    this.topic = topicForRoom(init.room.secret, this.roomIdBytes)
    this.meetTopic = meetTopicForRoom(init.room.secret, this.roomIdBytes)
    this.transport = init.transport
    this.keys.set(0, epochZeroKey(init.room.secret, this.roomIdBytes))
    this.identity = init.identity
    this.selfHex = bytesToHex(init.identity.publicKey)
    this.rooms = init.rooms
    this.pubsub = init.pubsub
    this.state = init.rooms.loadState(this.roomId)
    // Whatever was reserved before (a crash) may have been used: start above it.
    this.reservedUpTo = this.state.nextSeq
    this.now = init.now ?? Date.now
  }

  /** Current epoch of the room (0 until rekeying exists). */
  get epoch (): number {
    return this.room.epoch
  }

  /** Install the validator and subscribe to the room's chat and discovery topics. */
  subscribe (): void {
    if (this.joined) return
    for (const topic of [this.topic, this.meetTopic]) {
      this.pubsub.topicValidators.set(topic, (_peer, msg) => this.validate(msg.data))
      this.pubsub.subscribe(topic)
    }
    this.joined = true
  }

  /** Announce ourselves again (e.g. when our addresses change). */
  announce (): void {
    if (this.joined) this.sendQuietly(MessageKind.PRESENCE)
  }

  /** The room's relay addresses. */
  get relays (): string[] {
    return this.room.relays
  }

  /** Members currently in the room (ourselves included once joined). */
  members (): Member[] {
    return this.memberList.list()
  }

  /**
   * Start taking part in presence: count ourselves in, beat every PRESENCE_INTERVAL_MS,
   * and forget members not heard from for PRESENCE_TIMEOUT_MS.
   */
  startPresence (): void {
    this.memberList.observe('presence', this.identity.fingerprint, this.nick, true, this.now())
    if (this.presenceTimer != null) return
    this.presenceTimer = setInterval(() => {
      this.sendQuietly(MessageKind.PRESENCE)
      for (const m of this.memberList.expire(this.now() - PRESENCE_TIMEOUT_MS)) {
        this.emit('member', { roomId: this.roomId, event: 'gone', nick: m.nick, fingerprint: m.fingerprint, ts: this.now(), self: false })
      }
    }, PRESENCE_INTERVAL_MS)
    this.presenceTimer.unref?.()
  }

  /** Send a control message (presence, nick) whose failure only deserves a log line. */
  private sendQuietly (kind: MessageKind, body = ''): void {
    this.send(body, kind).catch((err: any) => { log('could not send %s: %s', kind, err.message) })
  }

  /** Change our nick in this room: announced to the members and remembered. */
  async setNick (nick: string): Promise<void> {
    checkOutgoing(nick, '')
    const previous = this.nick
    if (nick === previous) return
    this.nick = nick
    this.room = { ...this.room, nick }
    this.rooms.save(this.room)
    this.memberList.observe('nick', this.identity.fingerprint, nick, true, this.now())
    await this.send(previous, MessageKind.NICK)
  }

  /** Unsubscribe, remove the validator and write any pending state. */
  unsubscribe (): void {
    // A clean stop gives back the unused part of the reserved block.
    try {
      if (this.reservedUpTo > this.state.nextSeq) this.rooms.saveSequence(this.roomId, this.state.nextSeq)
      this.reservedUpTo = this.state.nextSeq
    } catch {}
    if (this.presenceTimer != null) clearInterval(this.presenceTimer)
    this.presenceTimer = undefined
    for (const t of this.replyTimers) clearTimeout(t)
    this.replyTimers.clear()
    if (this.joined) {
      for (const topic of [this.topic, this.meetTopic]) {
        this.pubsub.unsubscribe(topic)
        this.pubsub.topicValidators.delete(topic)
      }
      this.joined = false
    }
    this.flushReplay()
  }

  /** Refuse (with a reason) what no honest, live message can be: see DESIGN and README. */
  private refuse (reason: string, result: TopicValidatorResult): TopicValidatorResult {
    this.emit('rejected', { roomId: this.roomId, reason })
    log('refused message: %s', reason)
    return result
  }

  /**
   * Gossipsub topic validator. Garbage, forgeries and replays are Rejected (not
   * forwarded, not shown); an envelope for an epoch we do not hold is Ignored.
   */
  validate (data: Uint8Array): TopicValidatorResult {
    let msg: OpenedMessage
    try {
      msg = openMessage(this.roomIdBytes, (epoch) => this.keys.get(epoch), data)
    } catch (err: any) {
      const reason: string = err?.name ?? 'Error'
      return this.refuse(reason, reason === 'UnknownEpochError' ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject)
    }
    // Time bounds: a newcomer's replay window is empty, so envelopes captured before it
    // joined must be refused by date; and a sender is only ever forgotten by the replay
    // window once its messages are too old to be accepted at all. A wrong clock is not
    // an attack: Ignore (drop, no penalty) rather than Reject.
    const now = this.now()
    const ts = Number(msg.timestamp)
    if (ts > now + MESSAGE_MAX_FUTURE_MS) return this.refuse('FutureMessageError', TopicValidatorResult.Ignore)
    if (ts < now - MESSAGE_MAX_AGE_MS || ts < this.room.joinedAt - JOIN_SKEW_MS) return this.refuse('StaleMessageError', TopicValidatorResult.Ignore)
    const sender = bytesToHex(msg.sender)
    const admission = this.state.replay.admit(sender, msg.seq, ts)
    if (admission === 'replay') return this.refuse('ReplayError', TopicValidatorResult.Reject)
    if (admission === 'full') return this.refuse('SenderLimitError', TopicValidatorResult.Ignore)
    this.scheduleReplayFlush()
    // Deliver after gossipsub has taken the Accept, so forwarding is not delayed by the UI.
    queueMicrotask(() => { this.deliver(msg, sender === this.selfHex) })
    return TopicValidatorResult.Accept
  }

  /**
   * Write the replay window soon, in one batch: rewriting it (up to MBs) synchronously for
   * every message would cap a client at tens of messages per second. Messages accepted in
   * the last few ms before a crash (not a clean stop) could be shown again after it.
   */
  private scheduleReplayFlush (): void {
    this.replayDirty = true
    if (this.replayTimer != null) return
    this.replayTimer = setTimeout(() => { this.flushReplay() }, REPLAY_FLUSH_MS)
    this.replayTimer.unref?.()
  }

  /** Write pending replay state now. */
  flushReplay (): void {
    if (this.replayTimer != null) clearTimeout(this.replayTimer)
    this.replayTimer = undefined
    if (!this.replayDirty) return
    this.replayDirty = false
    try {
      this.rooms.saveReplay(this.roomId, this.state.replay)
    } catch (err: any) {
      this.emit('warning', { roomId: this.roomId, message: `could not save replay state: ${err.message}`, code: 'StateWriteError' })
    }
  }

  private deliver (msg: OpenedMessage, self: boolean): void {
    const fp = fingerprint(msg.sender)
    const ts = Number(msg.timestamp)
    if (!self && msg.peerId.length > 0 && ANNOUNCE_KINDS.has(msg.kind)) {
      this.emit('peerInfo', { roomId: this.roomId, fingerprint: fp, peerId: msg.peerId, addrs: msg.addrs })
    }
    const signal = SIGNAL[msg.kind]
    if (signal != null) {
      const change = this.memberList.observe(signal, fp, msg.nick, self, this.now())
      if (change != null) this.emit('member', { roomId: this.roomId, ...change, fingerprint: fp, ts, self })
      // Answer an arrival so the newcomer learns who is here; jittered, so that a big
      // room does not answer all in the same millisecond.
      if (signal === 'join' && !self && this.joined) {
        const timer = setTimeout(() => {
          this.replyTimers.delete(timer)
          if (this.joined) this.sendQuietly(MessageKind.PRESENCE)
        }, Math.floor(Math.random() * PRESENCE_REPLY_JITTER_MS))
        this.replyTimers.add(timer)
      }
    }
    const kind = KIND_TEXT[msg.kind]
    if (kind != null) {
      this.emit('message', { roomId: this.roomId, kind, text: msg.body, nick: msg.nick, fingerprint: fp, ts, seq: Number(msg.seq), self })
    }
  }

  /**
   * Publish; if nobody is reachable on the topic right now (a link being re-established,
   * say), wait up to SEND_WAIT_FOR_PEERS_MS for someone to subscribe, then try again.
   * Presence beats are not worth the wait.
   */
  private async publishWhenReachable (topic: string, bytes: Uint8Array, kind: MessageKind): Promise<void> {
    try {
      await this.pubsub.publish(topic, bytes)
      return
    } catch (err: any) {
      if (!String(err?.message).includes('NoPeersSubscribedToTopic') || kind === MessageKind.PRESENCE || kind === MessageKind.LEAVE) throw err
    }
    const deadline = this.now() + SEND_WAIT_FOR_PEERS_MS
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.pubsub.getSubscribers(topic).length === 0 && this.now() < deadline && this.joined) return
        this.pubsub.removeEventListener('gossipsub:heartbeat', check)
        this.pubsub.removeEventListener('subscription-change', check)
        resolve()
      }
      this.pubsub.addEventListener('gossipsub:heartbeat', check)
      this.pubsub.addEventListener('subscription-change', check)
    })
    await this.pubsub.publish(topic, bytes)
  }

  /**
   * Seal and publish a message. Its sequence number is reserved (and persisted) before
   * it is sent, so a number is never reused, even after a crash.
   */
  async send (body: string, kind: MessageKind = MessageKind.TEXT): Promise<ChatMessageEvent> {
    checkOutgoing(this.nick, body)
    const key = this.keys.get(this.epoch)
    if (key == null) throw new UnknownEpochError(this.epoch)
    const seq = this.state.nextSeq
    // Numbers are reserved on disk (a block at a time) before use; if that fails, nothing
    // is sent: a reused number would be dropped as a replay by every receiver.
    if (seq >= this.reservedUpTo) {
      this.rooms.saveSequence(this.roomId, seq + BigInt(SEQ_RESERVE_BLOCK))
      this.reservedUpTo = seq + BigInt(SEQ_RESERVE_BLOCK)
    }
    this.state.nextSeq = seq + 1n
    const ts = this.now()
    // Our own sequence numbers go into our replay window: an echo of our own envelope
    // (captured and re-sent by anyone) is then refused like any other replay.
    this.state.replay.accept(this.selfHex, seq, ts)
    this.scheduleReplayFlush()
    const bytes = sealMessage({
      roomId: this.roomIdBytes,
      epoch: this.epoch,
      key,
      senderSecretKey: this.identity.secretKey,
      senderPublicKey: this.identity.publicKey
    }, { seq, timestamp: BigInt(ts), kind, nick: this.nick, body, ...(ANNOUNCE_KINDS.has(kind) ? this.transport?.() ?? {} : {}) })
    const topic = MEET_KINDS.has(kind) ? this.meetTopic : this.topic
    try {
      await this.publishWhenReachable(topic, bytes, kind)
    } catch (err: any) {
      const why = String(err?.message ?? err).includes('NoPeersSubscribedToTopic') ? 'no member or relay is reachable in this room right now' : String(err?.message ?? err)
      throw new SendError(`message not delivered: ${why}`)
    }
    const event: ChatMessageEvent = {
      roomId: this.roomId,
      kind: kind === MessageKind.ACTION ? 'action' : 'text',
      text: body,
      nick: this.nick,
      fingerprint: this.identity.fingerprint,
      ts,
      seq: Number(seq),
      self: true
    }
    if (kind === MessageKind.TEXT || kind === MessageKind.ACTION) this.emit('message', event)
    return event
  }
}
