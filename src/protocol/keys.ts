import { MEET_TOPIC_PREFIX, TOPIC_PREFIX, PROTOCOL_VERSION } from '../constants.js'
import { bytesToHex, concatBytes, deriveKey, hash, publicKeyOf, type SigningKeyPair } from '../crypto/index.js'

const TOPIC_LABEL = new TextEncoder().encode(`cryptochat/${PROTOCOL_VERSION}/topic`)

/**
 * The room's topic key: an Ed25519 key pair derived (HKDF) from the room secret. Its
 * public key names the chat topic, and its secret signs sync requests, so a relay's store
 * can check that a requester knows the room without learning anything that reads it.
 */
export function topicKeyForRoom (roomSecret: Uint8Array, roomId: Uint8Array): SigningKeyPair {
  const secretKey = deriveKey(roomSecret, roomId, `cryptochat/${PROTOCOL_VERSION}/topic-key`)
  return { secretKey, publicKey: publicKeyOf(secretKey) }
}

/** The chat topic named by a topic public key: `/cryptochat/1/` + hex(SHA-256(label | key)). */
export function topicOfKey (topicPublicKey: Uint8Array): string {
  return TOPIC_PREFIX + bytesToHex(hash(concatBytes(TOPIC_LABEL, topicPublicKey)))
}

/**
 * The gossipsub topic of a room, derived from the room secret (through its topic key), so
 * neither the room id nor its name ever appears on the wire, and only holders of the
 * secret can name the topic.
 */
export function topicForRoom (roomSecret: Uint8Array, roomId: Uint8Array): string {
  return topicOfKey(topicKeyForRoom(roomSecret, roomId).publicKey)
}

/** The epoch-0 message key of a room, derived from its secret (later epochs are random keys). */
export function epochZeroKey (roomSecret: Uint8Array, roomId: Uint8Array): Uint8Array {
  return epochKey(roomSecret, roomId, 0)
}

/**
 * The message key of `epoch`, derived from that epoch's secret (epoch 0's is the room
 * secret; each later one is a fresh random secret an owner hands to the members).
 */
export function epochKey (epochSecret: Uint8Array, roomId: Uint8Array, epoch: number): Uint8Array {
  return deriveKey(epochSecret, roomId, `cryptochat/${PROTOCOL_VERSION}/epoch-key/${epoch}`)
}

/**
 * The room's discovery topic, where members announce (sealed) how to reach them. Derived
 * separately, so it cannot be linked to the room topic without the secret.
 */
export function meetTopicForRoom (roomSecret: Uint8Array, roomId: Uint8Array): string {
  return MEET_TOPIC_PREFIX + bytesToHex(deriveKey(roomSecret, roomId, `cryptochat/${PROTOCOL_VERSION}/meet`))
}

const GENESIS_LABEL = new TextEncoder().encode(`cryptochat/${PROTOCOL_VERSION}/room-id`)

const GENESIS_SECRET_LABEL = new TextEncoder().encode(`cryptochat/${PROTOCOL_VERSION}/genesis-secret`)

/** What a room id commits to of the epoch-0 secret: SHA-256 of a label and the secret. */
export function genesisCommitment (secret: Uint8Array): Uint8Array {
  return hash(concatBytes(GENESIS_SECRET_LABEL, secret))
}

/**
 * A room's id, bound to its creator and its first secret: the first 16 bytes of SHA-256
 * over a label, the creator's identity key, the creation time, a random nonce and the
 * commitment to the epoch-0 secret ({@link genesisCommitment}). Whoever holds the id
 * (typed with `join`) can check who created the room, so an invite cannot make someone
 * else the root of its membership log, nor hand over a secret of its own making.
 */
export function roomIdOf (creator: Uint8Array, createdAt: number, nonce: Uint8Array, secretCommitment: Uint8Array): Uint8Array {
  const t = new Uint8Array(8)
  new DataView(t.buffer).setBigUint64(0, BigInt(createdAt))
  return hash(concatBytes(GENESIS_LABEL, creator, t, nonce, secretCommitment)).subarray(0, 16)
}

/** Context a wrapped epoch secret is bound to: the room and the epoch. */
export function epochWrapContext (roomId: Uint8Array, epoch: number): Uint8Array {
  const e = new Uint8Array(4)
  new DataView(e.buffer).setUint32(0, epoch)
  return concatBytes(new TextEncoder().encode(`cryptochat/${PROTOCOL_VERSION}/epoch-secret|`), roomId, e)
}

/** What an EPOCH operation commits its secret to: SHA-256 of label, room, epoch and secret. */
export function epochCommitment (roomId: Uint8Array, epoch: number, secret: Uint8Array): Uint8Array {
  return hash(concatBytes(epochWrapContext(roomId, epoch), new TextEncoder().encode('|commitment|'), secret))
}
