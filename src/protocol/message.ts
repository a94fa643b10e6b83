import { MAX_ANNOUNCED_ADDRS, MAX_BODY_BYTES, MAX_MULTIADDR_CHARS, MAX_NICK_BYTES, MAX_PAYLOAD_BYTES } from '../constants.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../crypto/index.js'
import { ChatMessage, MessageKind, SignedMessage } from './cryptochat.js'
import { MalformedMessageError, MessageTooLargeError } from './errors.js'

export { ChatMessage, MessageKind, SignedMessage }

const encoder = new TextEncoder()

/** UTF-8 length of a string. */
export function utf8Length (text: string): number {
  return encoder.encode(text).length
}

/** Check a message we are about to send against the limits every receiver enforces. */
export function checkOutgoing (nick: string, body: string): void {
  if (utf8Length(body) > MAX_BODY_BYTES) throw new MessageTooLargeError(`message is longer than ${MAX_BODY_BYTES} bytes`)
  if (utf8Length(nick) > MAX_NICK_BYTES) throw new MessageTooLargeError(`nick is longer than ${MAX_NICK_BYTES} bytes`)
}

const KINDS = new Set<string>(Object.values(MessageKind).filter((v) => typeof v === 'string'))

/** Decode the signed wrapper from decrypted bytes. Total: throws only {@link MalformedMessageError}. */
export function decodeSignedMessage (bytes: Uint8Array): SignedMessage {
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new MalformedMessageError('payload too large')
  let signed: SignedMessage
  try {
    signed = SignedMessage.decode(bytes)
  } catch {
    throw new MalformedMessageError('payload is not valid protobuf')
  }
  if (signed.signature.length !== SIGNATURE_BYTES) throw new MalformedMessageError('signature has the wrong length')
  if (signed.message.length === 0) throw new MalformedMessageError('payload has no message')
  return signed
}

/** Decode and check the inner chat message. Total: throws only {@link MalformedMessageError}. */
export function decodeChatMessage (bytes: Uint8Array): ChatMessage {
  let message: ChatMessage
  try {
    message = ChatMessage.decode(bytes, { limits: { addrs: MAX_ANNOUNCED_ADDRS } })
  } catch {
    throw new MalformedMessageError('message is not valid protobuf')
  }
  if (message.sender.length !== PUBLIC_KEY_BYTES) throw new MalformedMessageError('sender key has the wrong length')
  if (message.seq < 1n) throw new MalformedMessageError('sequence number must be positive')
  if (!KINDS.has(message.kind as string)) throw new MalformedMessageError('unknown message kind')
  // History messages are numbered (gap detection): an unnumbered one could never be repaired or acknowledged.
  if ((message.kind === MessageKind.TEXT || message.kind === MessageKind.ACTION) && message.index < 1n) throw new MalformedMessageError('message has no history index')
  if ((message.kind === MessageKind.CONTROL) !== (message.control.length > 0)) throw new MalformedMessageError('a membership operation belongs only in a CONTROL message')
  if (message.index > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedMessageError('history index out of range')
  if (utf8Length(message.body) > MAX_BODY_BYTES) throw new MalformedMessageError('message body too long')
  if (utf8Length(message.nick) > MAX_NICK_BYTES) throw new MalformedMessageError('nick too long')
  if (message.peerId.length > 128 || message.addrs.some((a) => a.length > MAX_MULTIADDR_CHARS)) throw new MalformedMessageError('transport address too long')
  return message
}
