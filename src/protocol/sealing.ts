import { PROTOCOL_VERSION } from '../constants.js'
import { concatBytes, open, seal, sign, verify, DecryptionError } from '../crypto/index.js'
import { decodeEnvelope, encodeEnvelope } from './envelope.js'
import { wire } from './wire.js'
import { ForgedMessageError, MalformedEnvelopeError, UnknownEpochError } from './errors.js'
import { ChatMessage, MessageKind, SignedMessage, decodeChatMessage, decodeSignedMessage } from './message.js'

const MESSAGE_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/message`
const AAD_LABEL = new TextEncoder().encode(`cryptochat/${PROTOCOL_VERSION}/envelope`)

function u32be (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

/** Associated data of an envelope: binds protocol version, room id and epoch. */
export function envelopeAad (roomId: Uint8Array, epoch: number): Uint8Array {
  return concatBytes(AAD_LABEL, new Uint8Array([PROTOCOL_VERSION]), roomId, u32be(epoch))
}

/** What the sender's signature covers besides the message bytes. */
function signatureContext (roomId: Uint8Array, epoch: number, message: Uint8Array): Uint8Array {
  return concatBytes(roomId, u32be(epoch), message)
}

/** A plaintext message to seal. */
export interface OutgoingMessage {
  seq: bigint
  timestamp: bigint
  kind: MessageKind
  nick: string
  body: string
  /** Transport peer id and addresses (announcements only). */
  peerId?: string
  addrs?: string[]
  /** History index (TEXT, ACTION), or latest index so far (JOIN, PRESENCE). */
  index?: bigint
  /** CONTROL: a SignedControl record. */
  control?: Uint8Array
}

/** The keys and identity a sender seals with. */
export interface SealContext {
  roomId: Uint8Array
  epoch: number
  key: Uint8Array
  senderSecretKey: Uint8Array
  senderPublicKey: Uint8Array
}

/** Sign `message` with the sender's identity and seal it into envelope bytes for the topic. */
export function sealMessage (ctx: SealContext, message: OutgoingMessage): Uint8Array {
  const { control, ...fields } = message
  const inner = ChatMessage.encode({ ...fields, sender: wire(ctx.senderPublicKey), ...(control != null ? { control: wire(control) } : {}) })
  const signature = sign(ctx.senderSecretKey, MESSAGE_DOMAIN, signatureContext(ctx.roomId, ctx.epoch, inner))
  const plaintext = SignedMessage.encode({ message: inner, signature: wire(signature) })
  const { nonce, ciphertext } = seal(ctx.key, envelopeAad(ctx.roomId, ctx.epoch), plaintext)
  return encodeEnvelope({ version: PROTOCOL_VERSION, epoch: ctx.epoch, nonce: wire(nonce), ciphertext: wire(ciphertext) })
}

/** A message that decrypted and whose signature verified. Not yet replay-checked. */
export interface OpenedMessage extends ChatMessage {
  epoch: number
}

/** How to find the key of an epoch; `undefined` when we do not hold it. */
export type EpochKeyLookup = (epoch: number) => Uint8Array | undefined

/**
 * Open envelope bytes from the network: decode (bounded), find the epoch key, AEAD-open,
 * decode the signed message and verify the sender's signature.
 *
 * Throws only typed errors: MalformedEnvelopeError, UnsupportedVersionError,
 * UnknownEpochError, MalformedMessageError or ForgedMessageError.
 */
export function openMessage (roomId: Uint8Array, keyFor: EpochKeyLookup, bytes: Uint8Array): OpenedMessage {
  const envelope = decodeEnvelope(bytes)
  const key = keyFor(envelope.epoch)
  if (key == null) throw new UnknownEpochError(envelope.epoch)
  let plaintext: Uint8Array
  try {
    plaintext = open(key, envelope.nonce, envelopeAad(roomId, envelope.epoch), envelope.ciphertext)
  } catch (err) {
    if (err instanceof DecryptionError) throw new MalformedEnvelopeError('envelope does not authenticate under the room key')
    throw err
  }
  const signed = decodeSignedMessage(plaintext)
  const message = decodeChatMessage(signed.message)
  if (!verify(message.sender, MESSAGE_DOMAIN, signatureContext(roomId, envelope.epoch, signed.message), signed.signature)) {
    throw new ForgedMessageError('sender signature does not verify')
  }
  return { ...message, epoch: envelope.epoch }
}
