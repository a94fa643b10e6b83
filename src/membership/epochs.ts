import { MAX_KEYS_PER_OP } from '../constants.js'
import { equalBytes, randomBytes, wrapKey, type SigningKeyPair } from '../crypto/index.js'
import { ControlType, epochCommitment, epochKey, epochWrapContext, meetTopicForRoom, topicKeyForRoom, topicOfKey, wire } from '../protocol/index.js'
import type { OwnOp } from './room-log.js'

/** What one key epoch of a room derives from its secret: message key, topics, topic key. */
export interface Epoch {
  epoch: number
  secret: Uint8Array
  /** XChaCha20-Poly1305 key of its messages. */
  key: Uint8Array
  /** Signs sync requests; its public key names the chat topic. */
  topicKey: SigningKeyPair
  topic: string
  meetTopic: string
}

/** Derive an epoch's keys and topics from its secret. */
export function deriveEpoch (roomId: Uint8Array, epoch: number, secret: Uint8Array): Epoch {
  const topicKey = topicKeyForRoom(secret, roomId)
  return { epoch, secret, key: epochKey(secret, roomId, epoch), topicKey, topic: topicOfKey(topicKey.publicKey), meetTopic: meetTopicForRoom(secret, roomId) }
}

/** The epochs of a room we hold, by number and by topic. */
export class EpochSet {
  private readonly byNumber = new Map<number, Epoch>()
  private readonly byTopic = new Map<string, Epoch>()

  constructor (private readonly roomId: Uint8Array) {}

  /**
   * Hold `epoch` with `secret`; returns it when it is new or its secret changed, with the
   * one it replaced (two owners started the same epoch at once: the log's first wins, and
   * the other's secret, topics and all, give way).
   */
  set (epoch: number, secret: Uint8Array): { added?: Epoch, replaced?: Epoch } {
    const held = this.byNumber.get(epoch)
    if (held != null && equalBytes(held.secret, secret)) return {}
    if (held != null) {
      this.byTopic.delete(held.topic)
      this.byTopic.delete(held.meetTopic)
    }
    const added = this.add(epoch, secret, true) as Epoch
    return held != null ? { added, replaced: held } : { added }
  }

  /** Add an epoch we now hold; returns it when it is new. */
  add (epoch: number, secret: Uint8Array, replace = false): Epoch | undefined {
    if (this.byNumber.has(epoch) && !replace) return undefined
    const e = deriveEpoch(this.roomId, epoch, secret)
    this.byNumber.set(epoch, e)
    this.byTopic.set(e.topic, e)
    this.byTopic.set(e.meetTopic, e)
    return e
  }

  get (epoch: number): Epoch | undefined {
    return this.byNumber.get(epoch)
  }

  /** The epoch whose chat or discovery topic is `topic`. */
  ofTopic (topic: string): Epoch | undefined {
    return this.byTopic.get(topic)
  }

  /** The highest epoch held. */
  latest (): Epoch {
    return [...this.byNumber.values()].reduce((a, b) => (b.epoch > a.epoch ? b : a))
  }

  all (): Epoch[] {
    return [...this.byNumber.values()].sort((a, b) => a.epoch - b.epoch)
  }
}

/**
 * The operations that start `epoch` with a fresh random secret wrapped for each of
 * `recipients` (identity keys; the author among them, so it can read its own epoch
 * after a restart): one EPOCH that commits to the secret and wraps nothing (so it is
 * small enough for invites to carry), then KEYS for every MAX_KEYS_PER_OP recipients.
 */
export function newEpochOps (roomId: Uint8Array, epoch: number, recipients: Uint8Array[]): { secret: Uint8Array, ops: OwnOp[] } {
  const secret = randomBytes(32)
  const ops: OwnOp[] = [{ type: ControlType.EPOCH, epoch, commitment: wire(epochCommitment(roomId, epoch, secret)) }, ...keyOps(roomId, epoch, secret, recipients)]
  return { secret, ops }
}

/** KEYS operations handing `epoch`'s secret to more members (newcomers, or those an EPOCH missed). */
export function keyOps (roomId: Uint8Array, epoch: number, secret: Uint8Array, recipients: Uint8Array[], first: ControlType = ControlType.KEYS): OwnOp[] {
  const ops: OwnOp[] = []
  for (let i = 0; i < recipients.length || i === 0; i += MAX_KEYS_PER_OP) {
    const pkg = wrapKey(secret, recipients.slice(i, i + MAX_KEYS_PER_OP), epochWrapContext(roomId, epoch))
    ops.push({
      type: i === 0 ? first : ControlType.KEYS,
      epoch,
      ephemeral: wire(pkg.ephemeral),
      keys: pkg.keys.map((k) => ({ recipient: wire(k.recipient), wrapped: wire(k.wrapped) }))
    })
  }
  return ops
}
