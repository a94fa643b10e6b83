/**
 * Builders shared by the protocol tests: a room, members, and envelopes sealed by hand
 * (mirroring src/protocol/sealing.ts) so that tests can forge what sealMessage never would.
 */
import {
  concatBytes, generateSigningKeyPair, randomBytes, seal, sign, type SigningKeyPair
} from '../../src/crypto/index.js'
import {
  ChatMessage, MessageKind, SignedMessage, encodeEnvelope, envelopeAad, epochZeroKey, sealMessage,
  type OutgoingMessage, type SealContext
} from '../../src/protocol/index.js'
import { PROTOCOL_VERSION } from '../../src/constants.js'

export const MESSAGE_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/message`

export interface TestRoom {
  roomId: Uint8Array
  secret: Uint8Array
  key: Uint8Array
}

export function makeRoom (): TestRoom {
  const roomId = randomBytes(16)
  const secret = randomBytes(32)
  return { roomId, secret, key: epochZeroKey(secret, roomId) }
}

export function ctxFor (room: TestRoom, member: SigningKeyPair, epoch = 0, key = room.key): SealContext {
  return { roomId: room.roomId, epoch, key, senderSecretKey: member.secretKey, senderPublicKey: member.publicKey }
}

export function textMessage (seq: bigint, body = 'hello', nick = 'alice'): OutgoingMessage {
  return { seq, timestamp: 1_700_000_000_000n, kind: MessageKind.TEXT, nick, body, index: seq }
}

export function u32be (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

export interface HandSealOptions {
  room: TestRoom
  epoch?: number
  key?: Uint8Array
  /** Who the message claims to be from. */
  sender: Uint8Array
  /** Who actually signs it. */
  signer: Uint8Array
  /** Room id and epoch the signature covers (defaults: the envelope's). */
  signedRoomId?: Uint8Array
  signedEpoch?: number
  /** Room id and epoch the AEAD binds (defaults: the room's and the envelope's). */
  aadRoomId?: Uint8Array
  aadEpoch?: number
  message?: Partial<ChatMessage>
  signedMessage?: (inner: Uint8Array, signature: Uint8Array) => Uint8Array
  version?: number
}

/** Seal an envelope by hand, step by step as sealing.ts does, with every input overridable. */
export function handSeal (o: HandSealOptions): Uint8Array {
  const epoch = o.epoch ?? 0
  const inner = ChatMessage.encode({
    sender: o.sender as Uint8Array<ArrayBuffer>,
    seq: 1n,
    timestamp: 1_700_000_000_000n,
    kind: MessageKind.TEXT,
    nick: 'mallory',
    body: 'hand made',
    index: 1n,
    ...o.message
  })
  const context = concatBytes(o.signedRoomId ?? o.room.roomId, u32be(o.signedEpoch ?? epoch), inner)
  const signature = sign(o.signer, MESSAGE_DOMAIN, context)
  const plaintext = o.signedMessage != null
    ? o.signedMessage(inner, signature)
    : SignedMessage.encode({ message: inner, signature: signature as Uint8Array<ArrayBuffer> })
  const { nonce, ciphertext } = seal(o.key ?? o.room.key, envelopeAad(o.aadRoomId ?? o.room.roomId, o.aadEpoch ?? epoch), plaintext)
  return encodeEnvelope({
    version: o.version ?? PROTOCOL_VERSION,
    epoch,
    nonce: nonce as Uint8Array<ArrayBuffer>,
    ciphertext: ciphertext as Uint8Array<ArrayBuffer>
  })
}

export { generateSigningKeyPair, sealMessage }
