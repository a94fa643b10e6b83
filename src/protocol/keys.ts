import { MEET_TOPIC_PREFIX, TOPIC_PREFIX, PROTOCOL_VERSION } from '../constants.js'
import { bytesToHex, deriveKey } from '../crypto/index.js'

/**
 * The gossipsub topic of a room: HKDF of the room secret, so neither the room id nor its
 * name ever appears on the wire, and only holders of the secret can name the topic.
 */
export function topicForRoom (roomSecret: Uint8Array, roomId: Uint8Array): string {
  return TOPIC_PREFIX + bytesToHex(deriveKey(roomSecret, roomId, `cryptochat/${PROTOCOL_VERSION}/topic`))
}

/** The epoch-0 message key of a room, derived from its secret (later epochs are random keys). */
export function epochZeroKey (roomSecret: Uint8Array, roomId: Uint8Array): Uint8Array {
  return deriveKey(roomSecret, roomId, `cryptochat/${PROTOCOL_VERSION}/epoch-key/0`)
}

/**
 * The room's discovery topic, where members announce (sealed) how to reach them. Derived
 * separately, so it cannot be linked to the room topic without the secret.
 */
export function meetTopicForRoom (roomSecret: Uint8Array, roomId: Uint8Array): string {
  return MEET_TOPIC_PREFIX + bytesToHex(deriveKey(roomSecret, roomId, `cryptochat/${PROTOCOL_VERSION}/meet`))
}
