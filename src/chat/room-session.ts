import { EventEmitter } from 'node:events'
import { logger } from '@libp2p/logger'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { bytesToHex, hexToBytes } from '../crypto/index.js'
import { fingerprint, type Identity } from '../identity/index.js'
import {
  MessageKind, checkOutgoing, epochZeroKey, openMessage, sealMessage, topicForRoom, type OpenedMessage
} from '../protocol/index.js'
import type { RoomRecord, RoomState, RoomStore } from '../room/index.js'
import { SendError } from './errors.js'
import type { ChatMessageEvent, RoomEvents } from './events.js'

const log = logger('cryptochat:room')

/** Options of a {@link RoomSession}. */
export interface RoomSessionInit {
  room: RoomRecord
  identity: Identity
  rooms: RoomStore
  pubsub: GossipSub
  nick: string
}

const KIND_TEXT: Record<string, 'text' | 'action' | undefined> = {
  [MessageKind.TEXT]: 'text',
  [MessageKind.ACTION]: 'action'
}

/**
 * One joined room: seals and publishes our messages, and validates everything that
 * arrives on the room's topic (decode, epoch, AEAD, signature, replay) inside gossipsub's
 * topic validator, so nothing unauthentic is forwarded or reaches the UI.
 */
export class RoomSession extends EventEmitter<RoomEvents> {
  readonly roomId: string
  readonly topic: string
  readonly name: string
  nick: string
  private readonly roomIdBytes: Uint8Array
  private readonly keys = new Map<number, Uint8Array>()
  private readonly state: RoomState
  private readonly identity: Identity
  private readonly selfHex: string
  private readonly rooms: RoomStore
  private readonly pubsub: GossipSub
  private readonly room: RoomRecord
  private joined = false

  constructor (init: RoomSessionInit) {
    super()
    this.room = init.room
    this.roomId = init.room.roomId
    this.name = init.room.name
    this.nick = init.nick
    this.roomIdBytes = hexToBytes(this.roomId)
    this.topic = topicForRoom(init.room.secret, this.roomIdBytes)
    this.keys.set(0, epochZeroKey(init.room.secret, this.roomIdBytes))
    this.identity = init.identity
    this.selfHex = bytesToHex(init.identity.publicKey)
    this.rooms = init.rooms
    this.pubsub = init.pubsub
    this.state = init.rooms.loadState(this.roomId)
  }

  /** Current epoch of the room (0 until rekeying exists). */
  get epoch (): number {
    return this.room.epoch
  }

  /** Install the validator and subscribe to the room topic. */
  subscribe (): void {
    if (this.joined) return
    this.pubsub.topicValidators.set(this.topic, (_peer, msg) => this.validate(msg.data))
    this.pubsub.subscribe(this.topic)
    this.joined = true
  }

  /** Unsubscribe and remove the validator. */
  unsubscribe (): void {
    if (!this.joined) return
    this.pubsub.unsubscribe(this.topic)
    this.pubsub.topicValidators.delete(this.topic)
    this.joined = false
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
      this.emit('rejected', { roomId: this.roomId, reason })
      log('refused message: %s', reason)
      return reason === 'UnknownEpochError' ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject
    }
    const sender = bytesToHex(msg.sender)
    if (!this.state.replay.accept(sender, msg.seq)) {
      this.emit('rejected', { roomId: this.roomId, reason: 'ReplayError' })
      log('refused replay of seq %s', msg.seq)
      return TopicValidatorResult.Reject
    }
    this.persistState()
    // Deliver after gossipsub has taken the Accept, so forwarding is not delayed by the UI.
    queueMicrotask(() => { this.deliver(msg, sender === this.selfHex) })
    return TopicValidatorResult.Accept
  }

  private deliver (msg: OpenedMessage, self: boolean): void {
    const fp = fingerprint(msg.sender)
    const ts = Number(msg.timestamp)
    const kind = KIND_TEXT[msg.kind]
    if (kind != null) {
      this.emit('message', { roomId: this.roomId, kind, text: msg.body, nick: msg.nick, fingerprint: fp, ts, seq: Number(msg.seq), self })
    } else if (msg.kind === MessageKind.JOIN || msg.kind === MessageKind.LEAVE) {
      this.emit('member', { roomId: this.roomId, event: msg.kind === MessageKind.JOIN ? 'join' : 'leave', nick: msg.nick, fingerprint: fp, ts, self })
    }
  }

  private persistState (): void {
    try {
      this.rooms.saveState(this.roomId, this.state)
    } catch (err: any) {
      this.emit('error', { roomId: this.roomId, message: `could not save room state: ${err.message}`, code: 'StateWriteError' })
    }
  }

  /**
   * Seal and publish a message. Its sequence number is reserved (and persisted) before
   * it is sent, so a number is never reused, even after a crash.
   */
  async send (body: string, kind: MessageKind = MessageKind.TEXT): Promise<ChatMessageEvent> {
    checkOutgoing(this.nick, body)
    const seq = this.state.nextSeq
    this.state.nextSeq = seq + 1n
    // Our own sequence numbers go into our replay window: an echo of our own envelope
    // (captured and re-sent by anyone) is then refused like any other replay.
    this.state.replay.accept(this.selfHex, seq)
    this.persistState()
    const ts = Date.now()
    const bytes = sealMessage({
      roomId: this.roomIdBytes,
      epoch: this.epoch,
      key: this.keys.get(this.epoch) as Uint8Array,
      senderSecretKey: this.identity.secretKey,
      senderPublicKey: this.identity.publicKey
    }, { seq, timestamp: BigInt(ts), kind, nick: this.nick, body })
    try {
      await this.pubsub.publish(this.topic, bytes)
    } catch (err: any) {
      const why = String(err?.message ?? err).includes('NoPeersSubscribedToTopic') ? 'no member or relay is listening in this room right now' : String(err?.message ?? err)
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
