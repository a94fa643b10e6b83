import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Envelope {
  version: number
  epoch: number
  nonce: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace Envelope {
  let _codec: Codec<Envelope>

  export const codec = (): Codec<Envelope> => {
    if (_codec == null) {
      _codec = message<Envelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint32(obj.epoch)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.nonce)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          epoch: 0,
          nonce: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.epoch = reader.uint32()
              break
            }
            case 3: {
              obj.nonce = reader.bytes()
              break
            }
            case 4: {
              obj.ciphertext = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EnvelopeVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface EnvelopeEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface EnvelopeNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Envelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Envelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope {
    return decodeMessage(buf, Envelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeVersionFieldEvent | EnvelopeEpochFieldEvent | EnvelopeNonceFieldEvent | EnvelopeCiphertextFieldEvent> {
    return streamMessage(buf, Envelope.codec(), opts)
  }
}

export interface SignedMessage {
  message: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedMessage {
  let _codec: Codec<SignedMessage>

  export const codec = (): Codec<SignedMessage> => {
    if (_codec == null) {
      _codec = message<SignedMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.message)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          message: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.message = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.message`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedMessageMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedMessageSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedMessage>): SignedMessage {
    return decodeMessage(buf, SignedMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedMessage>): Generator<SignedMessageMessageFieldEvent | SignedMessageSignatureFieldEvent> {
    return streamMessage(buf, SignedMessage.codec(), opts)
  }
}

export enum MessageKind {
  TEXT = 'TEXT',
  ACTION = 'ACTION',
  JOIN = 'JOIN',
  LEAVE = 'LEAVE',
  PRESENCE = 'PRESENCE',
  NICK = 'NICK',
  CONTROL = 'CONTROL'
}

enum __MessageKindValues {
  TEXT = 0,
  ACTION = 1,
  JOIN = 2,
  LEAVE = 3,
  PRESENCE = 4,
  NICK = 5,
  CONTROL = 6
}

export namespace MessageKind {
  export const codec = (): Codec<MessageKind> => {
    return enumeration<MessageKind>(__MessageKindValues)
  }
}

export interface ChatMessage {
  sender: Uint8Array<ArrayBuffer>
  seq: bigint
  timestamp: bigint
  kind: MessageKind
  nick: string
  body: string
  peerId: string
  addrs: string[]
  index: bigint
  control: Uint8Array<ArrayBuffer>
}

export namespace ChatMessage {
  let _codec: Codec<ChatMessage>

  export const codec = (): Codec<ChatMessage> => {
    if (_codec == null) {
      _codec = message<ChatMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.sender)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(16)
          w.uint64(obj.seq)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if (obj.kind != null && __MessageKindValues[obj.kind] !== 0) {
          w.uint32(32)
          MessageKind.codec().encode(obj.kind, w)
        }

        if ((obj.nick != null && obj.nick !== '')) {
          w.uint32(42)
          w.string(obj.nick)
        }

        if ((obj.body != null && obj.body !== '')) {
          w.uint32(50)
          w.string(obj.body)
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(58)
          w.string(obj.peerId)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(66)
            w.string(value)
          }
        }

        if ((obj.index != null && obj.index !== 0n)) {
          w.uint32(72)
          w.uint64(obj.index)
        }

        if ((obj.control != null && obj.control.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.control)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sender: uint8ArrayAlloc(0),
          seq: 0n,
          timestamp: 0n,
          kind: MessageKind.TEXT,
          nick: '',
          body: '',
          peerId: '',
          addrs: [],
          index: 0n,
          control: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sender = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            case 4: {
              obj.kind = MessageKind.codec().decode(reader)
              break
            }
            case 5: {
              obj.nick = reader.string()
              break
            }
            case 6: {
              obj.body = reader.string()
              break
            }
            case 7: {
              obj.peerId = reader.string()
              break
            }
            case 8: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.string())
              break
            }
            case 9: {
              obj.index = reader.uint64()
              break
            }
            case 10: {
              obj.control = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kind`,
                value: MessageKind.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.nick`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.body`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 8: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.string()
              }

              obj.addrs++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.control`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChatMessageSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChatMessageSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface ChatMessageTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ChatMessageKindFieldEvent {
    field: '$.kind'
    value: MessageKind
  }

  export interface ChatMessageNickFieldEvent {
    field: '$.nick'
    value: string
  }

  export interface ChatMessageBodyFieldEvent {
    field: '$.body'
    value: string
  }

  export interface ChatMessagePeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface ChatMessageAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: string
  }

  export interface ChatMessageIndexFieldEvent {
    field: '$.index'
    value: bigint
  }

  export interface ChatMessageControlFieldEvent {
    field: '$.control'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ChatMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChatMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChatMessage>): ChatMessage {
    return decodeMessage(buf, ChatMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChatMessage>): Generator<ChatMessageSenderFieldEvent | ChatMessageSeqFieldEvent | ChatMessageTimestampFieldEvent | ChatMessageKindFieldEvent | ChatMessageNickFieldEvent | ChatMessageBodyFieldEvent | ChatMessagePeerIdFieldEvent | ChatMessageAddrsFieldEvent | ChatMessageIndexFieldEvent | ChatMessageControlFieldEvent> {
    return streamMessage(buf, ChatMessage.codec(), opts)
  }
}

export interface SignedControl {
  op: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedControl {
  let _codec: Codec<SignedControl>

  export const codec = (): Codec<SignedControl> => {
    if (_codec == null) {
      _codec = message<SignedControl>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.op != null && obj.op.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.op)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          op: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.op = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.op`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedControlOpFieldEvent {
    field: '$.op'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedControlSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedControl>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedControl.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedControl>): SignedControl {
    return decodeMessage(buf, SignedControl.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedControl>): Generator<SignedControlOpFieldEvent | SignedControlSignatureFieldEvent> {
    return streamMessage(buf, SignedControl.codec(), opts)
  }
}

export enum ControlType {
  JOIN = 'JOIN',
  LEAVE = 'LEAVE',
  REMOVE = 'REMOVE',
  PROMOTE = 'PROMOTE',
  RENAME = 'RENAME',
  INVITE = 'INVITE',
  REVOKE = 'REVOKE',
  POLICY = 'POLICY',
  EPOCH = 'EPOCH',
  KEYS = 'KEYS',
  ADMIT = 'ADMIT'
}

enum __ControlTypeValues {
  JOIN = 0,
  LEAVE = 1,
  REMOVE = 2,
  PROMOTE = 3,
  RENAME = 4,
  INVITE = 5,
  REVOKE = 6,
  POLICY = 7,
  EPOCH = 8,
  KEYS = 9,
  ADMIT = 10
}

export namespace ControlType {
  export const codec = (): Codec<ControlType> => {
    return enumeration<ControlType>(__ControlTypeValues)
  }
}

export interface ControlOp {
  roomId: Uint8Array<ArrayBuffer>
  author: Uint8Array<ArrayBuffer>
  index: bigint
  timestamp: bigint
  type: ControlType
  member: Uint8Array<ArrayBuffer>
  inviteId: Uint8Array<ArrayBuffer>
  grant?: InviteGrant
  grantSignature: Uint8Array<ArrayBuffer>
  name: string
  ownersInvite: boolean
  expiresAt: bigint
  maxUses: number
  honored: Uint8Array<ArrayBuffer>[]
  epoch: number
  ephemeral: Uint8Array<ArrayBuffer>
  keys: WrappedKey[]
  upto: bigint
  uptoMessage: bigint
  commitment: Uint8Array<ArrayBuffer>
  uptoId: Uint8Array<ArrayBuffer>
  prev: Uint8Array<ArrayBuffer>
  heads: Uint8Array<ArrayBuffer>[]
  inviteProof: Uint8Array<ArrayBuffer>
  joinId: Uint8Array<ArrayBuffer>
  readmit: boolean
}

export namespace ControlOp {
  let _codec: Codec<ControlOp>

  export const codec = (): Codec<ControlOp> => {
    if (_codec == null) {
      _codec = message<ControlOp>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.author)
        }

        if ((obj.index != null && obj.index !== 0n)) {
          w.uint32(24)
          w.uint64(obj.index)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if (obj.type != null && __ControlTypeValues[obj.type] !== 0) {
          w.uint32(40)
          ControlType.codec().encode(obj.type, w)
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.member)
        }

        if ((obj.inviteId != null && obj.inviteId.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.inviteId)
        }

        if (obj.grant != null) {
          w.uint32(66)
          InviteGrant.codec().encode(obj.grant, w)
        }

        if ((obj.grantSignature != null && obj.grantSignature.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.grantSignature)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(82)
          w.string(obj.name)
        }

        if ((obj.ownersInvite != null && obj.ownersInvite !== false)) {
          w.uint32(88)
          w.bool(obj.ownersInvite)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(96)
          w.uint64(obj.expiresAt)
        }

        if ((obj.maxUses != null && obj.maxUses !== 0)) {
          w.uint32(104)
          w.uint32(obj.maxUses)
        }

        if (obj.honored != null && obj.honored.length > 0) {
          for (const value of obj.honored) {
            w.uint32(114)
            w.bytes(value)
          }
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(120)
          w.uint32(obj.epoch)
        }

        if ((obj.ephemeral != null && obj.ephemeral.byteLength > 0)) {
          w.uint32(130)
          w.bytes(obj.ephemeral)
        }

        if (obj.keys != null && obj.keys.length > 0) {
          for (const value of obj.keys) {
            w.uint32(138)
            WrappedKey.codec().encode(value, w)
          }
        }

        if ((obj.upto != null && obj.upto !== 0n)) {
          w.uint32(144)
          w.uint64(obj.upto)
        }

        if ((obj.uptoMessage != null && obj.uptoMessage !== 0n)) {
          w.uint32(152)
          w.uint64(obj.uptoMessage)
        }

        if ((obj.commitment != null && obj.commitment.byteLength > 0)) {
          w.uint32(162)
          w.bytes(obj.commitment)
        }

        if ((obj.uptoId != null && obj.uptoId.byteLength > 0)) {
          w.uint32(170)
          w.bytes(obj.uptoId)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(178)
          w.bytes(obj.prev)
        }

        if (obj.heads != null && obj.heads.length > 0) {
          for (const value of obj.heads) {
            w.uint32(186)
            w.bytes(value)
          }
        }

        if ((obj.inviteProof != null && obj.inviteProof.byteLength > 0)) {
          w.uint32(194)
          w.bytes(obj.inviteProof)
        }

        if ((obj.joinId != null && obj.joinId.byteLength > 0)) {
          w.uint32(202)
          w.bytes(obj.joinId)
        }

        if ((obj.readmit != null && obj.readmit !== false)) {
          w.uint32(208)
          w.bool(obj.readmit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roomId: uint8ArrayAlloc(0),
          author: uint8ArrayAlloc(0),
          index: 0n,
          timestamp: 0n,
          type: ControlType.JOIN,
          member: uint8ArrayAlloc(0),
          inviteId: uint8ArrayAlloc(0),
          grantSignature: uint8ArrayAlloc(0),
          name: '',
          ownersInvite: false,
          expiresAt: 0n,
          maxUses: 0,
          honored: [],
          epoch: 0,
          ephemeral: uint8ArrayAlloc(0),
          keys: [],
          upto: 0n,
          uptoMessage: 0n,
          commitment: uint8ArrayAlloc(0),
          uptoId: uint8ArrayAlloc(0),
          prev: uint8ArrayAlloc(0),
          heads: [],
          inviteProof: uint8ArrayAlloc(0),
          joinId: uint8ArrayAlloc(0),
          readmit: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.author = reader.bytes()
              break
            }
            case 3: {
              obj.index = reader.uint64()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.type = ControlType.codec().decode(reader)
              break
            }
            case 6: {
              obj.member = reader.bytes()
              break
            }
            case 7: {
              obj.inviteId = reader.bytes()
              break
            }
            case 8: {
              obj.grant = InviteGrant.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grant
              })
              break
            }
            case 9: {
              obj.grantSignature = reader.bytes()
              break
            }
            case 10: {
              obj.name = reader.string()
              break
            }
            case 11: {
              obj.ownersInvite = reader.bool()
              break
            }
            case 12: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 13: {
              obj.maxUses = reader.uint32()
              break
            }
            case 14: {
              if (opts.limits?.honored != null && obj.honored.length === opts.limits.honored) {
                throw new MaxLengthError('Decode error - repeated field "honored" had too many elements')
              }

              obj.honored.push(reader.bytes())
              break
            }
            case 15: {
              obj.epoch = reader.uint32()
              break
            }
            case 16: {
              obj.ephemeral = reader.bytes()
              break
            }
            case 17: {
              if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements')
              }

              obj.keys.push(WrappedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.keys$
              }))
              break
            }
            case 18: {
              obj.upto = reader.uint64()
              break
            }
            case 19: {
              obj.uptoMessage = reader.uint64()
              break
            }
            case 20: {
              obj.commitment = reader.bytes()
              break
            }
            case 21: {
              obj.uptoId = reader.bytes()
              break
            }
            case 22: {
              obj.prev = reader.bytes()
              break
            }
            case 23: {
              if (opts.limits?.heads != null && obj.heads.length === opts.limits.heads) {
                throw new MaxLengthError('Decode error - repeated field "heads" had too many elements')
              }

              obj.heads.push(reader.bytes())
              break
            }
            case 24: {
              obj.inviteProof = reader.bytes()
              break
            }
            case 25: {
              obj.joinId = reader.bytes()
              break
            }
            case 26: {
              obj.readmit = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          honored: 0,
          keys: 0,
          heads: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.type`,
                value: ControlType.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.inviteId`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield * InviteGrant.codec().stream(reader, reader.uint32(), `${prefix}.grant`, {
                limits: opts.limits?.grant
              })

              break
            }
            case 9: {
              yield {
                field: `${prefix}.grantSignature`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.ownersInvite`,
                value: reader.bool()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.maxUses`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              if (opts.limits?.honored != null && obj.honored === opts.limits.honored) {
                throw new MaxLengthError('Streaming decode error - repeated field "honored" had too many elements')
              }

              yield {
                field: `${prefix}.honored[]`,
                index: obj.honored,
                value: reader.bytes()
              }

              obj.honored++

              break
            }
            case 15: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 16: {
              yield {
                field: `${prefix}.ephemeral`,
                value: reader.bytes()
              }
              break
            }
            case 17: {
              if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements')
              }

              for (const evt of WrappedKey.codec().stream(reader, reader.uint32(), `${prefix}.keys[]`, {
                limits: opts.limits?.keys$
              })) {
                yield {
                  ...evt,
                  index: obj.keys
                }
              }

              obj.keys++

              break
            }
            case 18: {
              yield {
                field: `${prefix}.upto`,
                value: reader.uint64()
              }
              break
            }
            case 19: {
              yield {
                field: `${prefix}.uptoMessage`,
                value: reader.uint64()
              }
              break
            }
            case 20: {
              yield {
                field: `${prefix}.commitment`,
                value: reader.bytes()
              }
              break
            }
            case 21: {
              yield {
                field: `${prefix}.uptoId`,
                value: reader.bytes()
              }
              break
            }
            case 22: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 23: {
              if (opts.limits?.heads != null && obj.heads === opts.limits.heads) {
                throw new MaxLengthError('Streaming decode error - repeated field "heads" had too many elements')
              }

              yield {
                field: `${prefix}.heads[]`,
                index: obj.heads,
                value: reader.bytes()
              }

              obj.heads++

              break
            }
            case 24: {
              yield {
                field: `${prefix}.inviteProof`,
                value: reader.bytes()
              }
              break
            }
            case 25: {
              yield {
                field: `${prefix}.joinId`,
                value: reader.bytes()
              }
              break
            }
            case 26: {
              yield {
                field: `${prefix}.readmit`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ControlOpRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpIndexFieldEvent {
    field: '$.index'
    value: bigint
  }

  export interface ControlOpTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ControlOpTypeFieldEvent {
    field: '$.type'
    value: ControlType
  }

  export interface ControlOpMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpInviteIdFieldEvent {
    field: '$.inviteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpGrantRoomIdFieldEvent {
    field: '$.grant.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpGrantInviteIdFieldEvent {
    field: '$.grant.inviteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpGrantIssuerFieldEvent {
    field: '$.grant.issuer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpGrantIssuedAtFieldEvent {
    field: '$.grant.issuedAt'
    value: bigint
  }

  export interface ControlOpGrantExpiresAtFieldEvent {
    field: '$.grant.expiresAt'
    value: bigint
  }

  export interface ControlOpGrantMaxUsesFieldEvent {
    field: '$.grant.maxUses'
    value: number
  }

  export interface ControlOpGrantEpochFieldEvent {
    field: '$.grant.epoch'
    value: number
  }

  export interface ControlOpGrantInviteKeyFieldEvent {
    field: '$.grant.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpGrantSignatureFieldEvent {
    field: '$.grantSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ControlOpOwnersInviteFieldEvent {
    field: '$.ownersInvite'
    value: boolean
  }

  export interface ControlOpExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface ControlOpMaxUsesFieldEvent {
    field: '$.maxUses'
    value: number
  }

  export interface ControlOpHonoredFieldEvent {
    field: '$.honored[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface ControlOpEphemeralFieldEvent {
    field: '$.ephemeral'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpKeysRecipientFieldEvent {
    field: '$.keys[].recipient'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ControlOpKeysWrappedFieldEvent {
    field: '$.keys[].wrapped'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ControlOpUptoFieldEvent {
    field: '$.upto'
    value: bigint
  }

  export interface ControlOpUptoMessageFieldEvent {
    field: '$.uptoMessage'
    value: bigint
  }

  export interface ControlOpCommitmentFieldEvent {
    field: '$.commitment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpUptoIdFieldEvent {
    field: '$.uptoId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpHeadsFieldEvent {
    field: '$.heads[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpInviteProofFieldEvent {
    field: '$.inviteProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpJoinIdFieldEvent {
    field: '$.joinId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ControlOpReadmitFieldEvent {
    field: '$.readmit'
    value: boolean
  }

  export function encode (obj: Partial<ControlOp>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ControlOp.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ControlOp>): ControlOp {
    return decodeMessage(buf, ControlOp.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ControlOp>): Generator<ControlOpRoomIdFieldEvent | ControlOpAuthorFieldEvent | ControlOpIndexFieldEvent | ControlOpTimestampFieldEvent | ControlOpTypeFieldEvent | ControlOpMemberFieldEvent | ControlOpInviteIdFieldEvent | ControlOpGrantRoomIdFieldEvent | ControlOpGrantInviteIdFieldEvent | ControlOpGrantIssuerFieldEvent | ControlOpGrantIssuedAtFieldEvent | ControlOpGrantExpiresAtFieldEvent | ControlOpGrantMaxUsesFieldEvent | ControlOpGrantEpochFieldEvent | ControlOpGrantInviteKeyFieldEvent | ControlOpGrantSignatureFieldEvent | ControlOpNameFieldEvent | ControlOpOwnersInviteFieldEvent | ControlOpExpiresAtFieldEvent | ControlOpMaxUsesFieldEvent | ControlOpHonoredFieldEvent | ControlOpEpochFieldEvent | ControlOpEphemeralFieldEvent | ControlOpKeysRecipientFieldEvent | ControlOpKeysWrappedFieldEvent | ControlOpUptoFieldEvent | ControlOpUptoMessageFieldEvent | ControlOpCommitmentFieldEvent | ControlOpUptoIdFieldEvent | ControlOpPrevFieldEvent | ControlOpHeadsFieldEvent | ControlOpInviteProofFieldEvent | ControlOpJoinIdFieldEvent | ControlOpReadmitFieldEvent> {
    return streamMessage(buf, ControlOp.codec(), opts)
  }
}

export interface WrappedKey {
  recipient: Uint8Array<ArrayBuffer>
  wrapped: Uint8Array<ArrayBuffer>
}

export namespace WrappedKey {
  let _codec: Codec<WrappedKey>

  export const codec = (): Codec<WrappedKey> => {
    if (_codec == null) {
      _codec = message<WrappedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.recipient != null && obj.recipient.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.recipient)
        }

        if ((obj.wrapped != null && obj.wrapped.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.wrapped)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          recipient: uint8ArrayAlloc(0),
          wrapped: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.recipient = reader.bytes()
              break
            }
            case 2: {
              obj.wrapped = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.wrapped`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface WrappedKeyRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WrappedKeyWrappedFieldEvent {
    field: '$.wrapped'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<WrappedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WrappedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WrappedKey>): WrappedKey {
    return decodeMessage(buf, WrappedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WrappedKey>): Generator<WrappedKeyRecipientFieldEvent | WrappedKeyWrappedFieldEvent> {
    return streamMessage(buf, WrappedKey.codec(), opts)
  }
}

export interface InviteGrant {
  roomId: Uint8Array<ArrayBuffer>
  inviteId: Uint8Array<ArrayBuffer>
  issuer: Uint8Array<ArrayBuffer>
  issuedAt: bigint
  expiresAt: bigint
  maxUses: number
  epoch: number
  inviteKey: Uint8Array<ArrayBuffer>
}

export namespace InviteGrant {
  let _codec: Codec<InviteGrant>

  export const codec = (): Codec<InviteGrant> => {
    if (_codec == null) {
      _codec = message<InviteGrant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.roomId)
        }

        if ((obj.inviteId != null && obj.inviteId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.inviteId)
        }

        if ((obj.issuer != null && obj.issuer.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.issuer)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.expiresAt)
        }

        if ((obj.maxUses != null && obj.maxUses !== 0)) {
          w.uint32(48)
          w.uint32(obj.maxUses)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(56)
          w.uint32(obj.epoch)
        }

        if ((obj.inviteKey != null && obj.inviteKey.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.inviteKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roomId: uint8ArrayAlloc(0),
          inviteId: uint8ArrayAlloc(0),
          issuer: uint8ArrayAlloc(0),
          issuedAt: 0n,
          expiresAt: 0n,
          maxUses: 0,
          epoch: 0,
          inviteKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.roomId = reader.bytes()
              break
            }
            case 2: {
              obj.inviteId = reader.bytes()
              break
            }
            case 3: {
              obj.issuer = reader.bytes()
              break
            }
            case 4: {
              obj.issuedAt = reader.uint64()
              break
            }
            case 5: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 6: {
              obj.maxUses = reader.uint32()
              break
            }
            case 7: {
              obj.epoch = reader.uint32()
              break
            }
            case 8: {
              obj.inviteKey = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.inviteId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.issuer`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.maxUses`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.inviteKey`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InviteGrantRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteGrantInviteIdFieldEvent {
    field: '$.inviteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteGrantIssuerFieldEvent {
    field: '$.issuer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteGrantIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: bigint
  }

  export interface InviteGrantExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface InviteGrantMaxUsesFieldEvent {
    field: '$.maxUses'
    value: number
  }

  export interface InviteGrantEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface InviteGrantInviteKeyFieldEvent {
    field: '$.inviteKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<InviteGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InviteGrant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InviteGrant>): InviteGrant {
    return decodeMessage(buf, InviteGrant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InviteGrant>): Generator<InviteGrantRoomIdFieldEvent | InviteGrantInviteIdFieldEvent | InviteGrantIssuerFieldEvent | InviteGrantIssuedAtFieldEvent | InviteGrantExpiresAtFieldEvent | InviteGrantMaxUsesFieldEvent | InviteGrantEpochFieldEvent | InviteGrantInviteKeyFieldEvent> {
    return streamMessage(buf, InviteGrant.codec(), opts)
  }
}

export interface InviteBody {
  version: number
  roomId: Uint8Array<ArrayBuffer>
  roomName: string
  epoch: number
  roomSecret: Uint8Array<ArrayBuffer>
  relays: string[]
  inviter: Uint8Array<ArrayBuffer>
  issuedAt: bigint
  expiresAt: bigint
  inviteId: Uint8Array<ArrayBuffer>
  maxUses: number
  creator: Uint8Array<ArrayBuffer>
  createdAt: bigint
  grantSignature: Uint8Array<ArrayBuffer>
  genesisNonce: Uint8Array<ArrayBuffer>
  inviteSeed: Uint8Array<ArrayBuffer>
  genesisCommitment: Uint8Array<ArrayBuffer>
  epochRecord: Uint8Array<ArrayBuffer>
}

export namespace InviteBody {
  let _codec: Codec<InviteBody>

  export const codec = (): Codec<InviteBody> => {
    if (_codec == null) {
      _codec = message<InviteBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.roomId != null && obj.roomId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.roomId)
        }

        if ((obj.roomName != null && obj.roomName !== '')) {
          w.uint32(26)
          w.string(obj.roomName)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(32)
          w.uint32(obj.epoch)
        }

        if ((obj.roomSecret != null && obj.roomSecret.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.roomSecret)
        }

        if (obj.relays != null && obj.relays.length > 0) {
          for (const value of obj.relays) {
            w.uint32(50)
            w.string(value)
          }
        }

        if ((obj.inviter != null && obj.inviter.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.inviter)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
          w.uint32(64)
          w.uint64(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(72)
          w.uint64(obj.expiresAt)
        }

        if ((obj.inviteId != null && obj.inviteId.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.inviteId)
        }

        if ((obj.maxUses != null && obj.maxUses !== 0)) {
          w.uint32(88)
          w.uint32(obj.maxUses)
        }

        if ((obj.creator != null && obj.creator.byteLength > 0)) {
          w.uint32(98)
          w.bytes(obj.creator)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(104)
          w.uint64(obj.createdAt)
        }

        if ((obj.grantSignature != null && obj.grantSignature.byteLength > 0)) {
          w.uint32(114)
          w.bytes(obj.grantSignature)
        }

        if ((obj.genesisNonce != null && obj.genesisNonce.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.genesisNonce)
        }

        if ((obj.inviteSeed != null && obj.inviteSeed.byteLength > 0)) {
          w.uint32(130)
          w.bytes(obj.inviteSeed)
        }

        if ((obj.genesisCommitment != null && obj.genesisCommitment.byteLength > 0)) {
          w.uint32(138)
          w.bytes(obj.genesisCommitment)
        }

        if ((obj.epochRecord != null && obj.epochRecord.byteLength > 0)) {
          w.uint32(146)
          w.bytes(obj.epochRecord)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          roomId: uint8ArrayAlloc(0),
          roomName: '',
          epoch: 0,
          roomSecret: uint8ArrayAlloc(0),
          relays: [],
          inviter: uint8ArrayAlloc(0),
          issuedAt: 0n,
          expiresAt: 0n,
          inviteId: uint8ArrayAlloc(0),
          maxUses: 0,
          creator: uint8ArrayAlloc(0),
          createdAt: 0n,
          grantSignature: uint8ArrayAlloc(0),
          genesisNonce: uint8ArrayAlloc(0),
          inviteSeed: uint8ArrayAlloc(0),
          genesisCommitment: uint8ArrayAlloc(0),
          epochRecord: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.roomId = reader.bytes()
              break
            }
            case 3: {
              obj.roomName = reader.string()
              break
            }
            case 4: {
              obj.epoch = reader.uint32()
              break
            }
            case 5: {
              obj.roomSecret = reader.bytes()
              break
            }
            case 6: {
              if (opts.limits?.relays != null && obj.relays.length === opts.limits.relays) {
                throw new MaxLengthError('Decode error - repeated field "relays" had too many elements')
              }

              obj.relays.push(reader.string())
              break
            }
            case 7: {
              obj.inviter = reader.bytes()
              break
            }
            case 8: {
              obj.issuedAt = reader.uint64()
              break
            }
            case 9: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 10: {
              obj.inviteId = reader.bytes()
              break
            }
            case 11: {
              obj.maxUses = reader.uint32()
              break
            }
            case 12: {
              obj.creator = reader.bytes()
              break
            }
            case 13: {
              obj.createdAt = reader.uint64()
              break
            }
            case 14: {
              obj.grantSignature = reader.bytes()
              break
            }
            case 15: {
              obj.genesisNonce = reader.bytes()
              break
            }
            case 16: {
              obj.inviteSeed = reader.bytes()
              break
            }
            case 17: {
              obj.genesisCommitment = reader.bytes()
              break
            }
            case 18: {
              obj.epochRecord = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          relays: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.roomId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.roomName`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.roomSecret`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              if (opts.limits?.relays != null && obj.relays === opts.limits.relays) {
                throw new MaxLengthError('Streaming decode error - repeated field "relays" had too many elements')
              }

              yield {
                field: `${prefix}.relays[]`,
                index: obj.relays,
                value: reader.string()
              }

              obj.relays++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.inviter`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.inviteId`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.maxUses`,
                value: reader.uint32()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.creator`,
                value: reader.bytes()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.grantSignature`,
                value: reader.bytes()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.genesisNonce`,
                value: reader.bytes()
              }
              break
            }
            case 16: {
              yield {
                field: `${prefix}.inviteSeed`,
                value: reader.bytes()
              }
              break
            }
            case 17: {
              yield {
                field: `${prefix}.genesisCommitment`,
                value: reader.bytes()
              }
              break
            }
            case 18: {
              yield {
                field: `${prefix}.epochRecord`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InviteBodyVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface InviteBodyRoomIdFieldEvent {
    field: '$.roomId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyRoomNameFieldEvent {
    field: '$.roomName'
    value: string
  }

  export interface InviteBodyEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface InviteBodyRoomSecretFieldEvent {
    field: '$.roomSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyRelaysFieldEvent {
    field: '$.relays[]'
    index: number
    value: string
  }

  export interface InviteBodyInviterFieldEvent {
    field: '$.inviter'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: bigint
  }

  export interface InviteBodyExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface InviteBodyInviteIdFieldEvent {
    field: '$.inviteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyMaxUsesFieldEvent {
    field: '$.maxUses'
    value: number
  }

  export interface InviteBodyCreatorFieldEvent {
    field: '$.creator'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface InviteBodyGrantSignatureFieldEvent {
    field: '$.grantSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyGenesisNonceFieldEvent {
    field: '$.genesisNonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyInviteSeedFieldEvent {
    field: '$.inviteSeed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyGenesisCommitmentFieldEvent {
    field: '$.genesisCommitment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteBodyEpochRecordFieldEvent {
    field: '$.epochRecord'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<InviteBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InviteBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InviteBody>): InviteBody {
    return decodeMessage(buf, InviteBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InviteBody>): Generator<InviteBodyVersionFieldEvent | InviteBodyRoomIdFieldEvent | InviteBodyRoomNameFieldEvent | InviteBodyEpochFieldEvent | InviteBodyRoomSecretFieldEvent | InviteBodyRelaysFieldEvent | InviteBodyInviterFieldEvent | InviteBodyIssuedAtFieldEvent | InviteBodyExpiresAtFieldEvent | InviteBodyInviteIdFieldEvent | InviteBodyMaxUsesFieldEvent | InviteBodyCreatorFieldEvent | InviteBodyCreatedAtFieldEvent | InviteBodyGrantSignatureFieldEvent | InviteBodyGenesisNonceFieldEvent | InviteBodyInviteSeedFieldEvent | InviteBodyGenesisCommitmentFieldEvent | InviteBodyEpochRecordFieldEvent> {
    return streamMessage(buf, InviteBody.codec(), opts)
  }
}

export interface SignedInvite {
  version: number
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedInvite {
  let _codec: Codec<SignedInvite>

  export const codec = (): Codec<SignedInvite> => {
    if (_codec == null) {
      _codec = message<SignedInvite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.body = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedInviteVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SignedInviteBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedInviteSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedInvite>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedInvite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedInvite>): SignedInvite {
    return decodeMessage(buf, SignedInvite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedInvite>): Generator<SignedInviteVersionFieldEvent | SignedInviteBodyFieldEvent | SignedInviteSignatureFieldEvent> {
    return streamMessage(buf, SignedInvite.codec(), opts)
  }
}

export interface SyncRequest {
  topicKey: Uint8Array<ArrayBuffer>
  timestamp: bigint
  proof: Uint8Array<ArrayBuffer>
  have: Uint8Array<ArrayBuffer>[]
  after: bigint
  since: bigint
  known: SyncKnown[]
  want: SyncRange[]
  limit: number
  fetch: boolean
  put: Uint8Array<ArrayBuffer>[]
  log: boolean
  logHave: Uint8Array<ArrayBuffer>[]
  identity: Uint8Array<ArrayBuffer>
  identityProof: Uint8Array<ArrayBuffer>
}

export namespace SyncRequest {
  let _codec: Codec<SyncRequest>

  export const codec = (): Codec<SyncRequest> => {
    if (_codec == null) {
      _codec = message<SyncRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.topicKey != null && obj.topicKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.topicKey)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(16)
          w.uint64(obj.timestamp)
        }

        if ((obj.proof != null && obj.proof.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.proof)
        }

        if (obj.have != null && obj.have.length > 0) {
          for (const value of obj.have) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if ((obj.after != null && obj.after !== 0n)) {
          w.uint32(40)
          w.uint64(obj.after)
        }

        if ((obj.since != null && obj.since !== 0n)) {
          w.uint32(48)
          w.uint64(obj.since)
        }

        if (obj.known != null && obj.known.length > 0) {
          for (const value of obj.known) {
            w.uint32(58)
            SyncKnown.codec().encode(value, w)
          }
        }

        if (obj.want != null && obj.want.length > 0) {
          for (const value of obj.want) {
            w.uint32(66)
            SyncRange.codec().encode(value, w)
          }
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(72)
          w.uint32(obj.limit)
        }

        if ((obj.fetch != null && obj.fetch !== false)) {
          w.uint32(80)
          w.bool(obj.fetch)
        }

        if (obj.put != null && obj.put.length > 0) {
          for (const value of obj.put) {
            w.uint32(90)
            w.bytes(value)
          }
        }

        if ((obj.log != null && obj.log !== false)) {
          w.uint32(96)
          w.bool(obj.log)
        }

        if (obj.logHave != null && obj.logHave.length > 0) {
          for (const value of obj.logHave) {
            w.uint32(106)
            w.bytes(value)
          }
        }

        if ((obj.identity != null && obj.identity.byteLength > 0)) {
          w.uint32(114)
          w.bytes(obj.identity)
        }

        if ((obj.identityProof != null && obj.identityProof.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.identityProof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topicKey: uint8ArrayAlloc(0),
          timestamp: 0n,
          proof: uint8ArrayAlloc(0),
          have: [],
          after: 0n,
          since: 0n,
          known: [],
          want: [],
          limit: 0,
          fetch: false,
          put: [],
          log: false,
          logHave: [],
          identity: uint8ArrayAlloc(0),
          identityProof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.topicKey = reader.bytes()
              break
            }
            case 2: {
              obj.timestamp = reader.uint64()
              break
            }
            case 3: {
              obj.proof = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.have != null && obj.have.length === opts.limits.have) {
                throw new MaxLengthError('Decode error - repeated field "have" had too many elements')
              }

              obj.have.push(reader.bytes())
              break
            }
            case 5: {
              obj.after = reader.uint64()
              break
            }
            case 6: {
              obj.since = reader.uint64()
              break
            }
            case 7: {
              if (opts.limits?.known != null && obj.known.length === opts.limits.known) {
                throw new MaxLengthError('Decode error - repeated field "known" had too many elements')
              }

              obj.known.push(SyncKnown.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.known$
              }))
              break
            }
            case 8: {
              if (opts.limits?.want != null && obj.want.length === opts.limits.want) {
                throw new MaxLengthError('Decode error - repeated field "want" had too many elements')
              }

              obj.want.push(SyncRange.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.want$
              }))
              break
            }
            case 9: {
              obj.limit = reader.uint32()
              break
            }
            case 10: {
              obj.fetch = reader.bool()
              break
            }
            case 11: {
              if (opts.limits?.put != null && obj.put.length === opts.limits.put) {
                throw new MaxLengthError('Decode error - repeated field "put" had too many elements')
              }

              obj.put.push(reader.bytes())
              break
            }
            case 12: {
              obj.log = reader.bool()
              break
            }
            case 13: {
              if (opts.limits?.logHave != null && obj.logHave.length === opts.limits.logHave) {
                throw new MaxLengthError('Decode error - repeated field "logHave" had too many elements')
              }

              obj.logHave.push(reader.bytes())
              break
            }
            case 14: {
              obj.identity = reader.bytes()
              break
            }
            case 15: {
              obj.identityProof = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          have: 0,
          known: 0,
          want: 0,
          put: 0,
          logHave: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.topicKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.proof`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.have != null && obj.have === opts.limits.have) {
                throw new MaxLengthError('Streaming decode error - repeated field "have" had too many elements')
              }

              yield {
                field: `${prefix}.have[]`,
                index: obj.have,
                value: reader.bytes()
              }

              obj.have++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.after`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.since`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              if (opts.limits?.known != null && obj.known === opts.limits.known) {
                throw new MaxLengthError('Streaming decode error - repeated field "known" had too many elements')
              }

              for (const evt of SyncKnown.codec().stream(reader, reader.uint32(), `${prefix}.known[]`, {
                limits: opts.limits?.known$
              })) {
                yield {
                  ...evt,
                  index: obj.known
                }
              }

              obj.known++

              break
            }
            case 8: {
              if (opts.limits?.want != null && obj.want === opts.limits.want) {
                throw new MaxLengthError('Streaming decode error - repeated field "want" had too many elements')
              }

              for (const evt of SyncRange.codec().stream(reader, reader.uint32(), `${prefix}.want[]`, {
                limits: opts.limits?.want$
              })) {
                yield {
                  ...evt,
                  index: obj.want
                }
              }

              obj.want++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.fetch`,
                value: reader.bool()
              }
              break
            }
            case 11: {
              if (opts.limits?.put != null && obj.put === opts.limits.put) {
                throw new MaxLengthError('Streaming decode error - repeated field "put" had too many elements')
              }

              yield {
                field: `${prefix}.put[]`,
                index: obj.put,
                value: reader.bytes()
              }

              obj.put++

              break
            }
            case 12: {
              yield {
                field: `${prefix}.log`,
                value: reader.bool()
              }
              break
            }
            case 13: {
              if (opts.limits?.logHave != null && obj.logHave === opts.limits.logHave) {
                throw new MaxLengthError('Streaming decode error - repeated field "logHave" had too many elements')
              }

              yield {
                field: `${prefix}.logHave[]`,
                index: obj.logHave,
                value: reader.bytes()
              }

              obj.logHave++

              break
            }
            case 14: {
              yield {
                field: `${prefix}.identity`,
                value: reader.bytes()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.identityProof`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncRequestTopicKeyFieldEvent {
    field: '$.topicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface SyncRequestProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestHaveFieldEvent {
    field: '$.have[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestAfterFieldEvent {
    field: '$.after'
    value: bigint
  }

  export interface SyncRequestSinceFieldEvent {
    field: '$.since'
    value: bigint
  }

  export interface SyncRequestKnownSenderFieldEvent {
    field: '$.known[].sender'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncRequestKnownUptoFieldEvent {
    field: '$.known[].upto'
    value: bigint
    index: number
  }

  export interface SyncRequestWantSenderFieldEvent {
    field: '$.want[].sender'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncRequestWantFirstFieldEvent {
    field: '$.want[].first'
    value: bigint
    index: number
  }

  export interface SyncRequestWantLastFieldEvent {
    field: '$.want[].last'
    value: bigint
    index: number
  }

  export interface SyncRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export interface SyncRequestFetchFieldEvent {
    field: '$.fetch'
    value: boolean
  }

  export interface SyncRequestPutFieldEvent {
    field: '$.put[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestLogFieldEvent {
    field: '$.log'
    value: boolean
  }

  export interface SyncRequestLogHaveFieldEvent {
    field: '$.logHave[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestIdentityFieldEvent {
    field: '$.identity'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRequestIdentityProofFieldEvent {
    field: '$.identityProof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): SyncRequest {
    return decodeMessage(buf, SyncRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): Generator<SyncRequestTopicKeyFieldEvent | SyncRequestTimestampFieldEvent | SyncRequestProofFieldEvent | SyncRequestHaveFieldEvent | SyncRequestAfterFieldEvent | SyncRequestSinceFieldEvent | SyncRequestKnownSenderFieldEvent | SyncRequestKnownUptoFieldEvent | SyncRequestWantSenderFieldEvent | SyncRequestWantFirstFieldEvent | SyncRequestWantLastFieldEvent | SyncRequestLimitFieldEvent | SyncRequestFetchFieldEvent | SyncRequestPutFieldEvent | SyncRequestLogFieldEvent | SyncRequestLogHaveFieldEvent | SyncRequestIdentityFieldEvent | SyncRequestIdentityProofFieldEvent> {
    return streamMessage(buf, SyncRequest.codec(), opts)
  }
}

export interface SyncKnown {
  sender: Uint8Array<ArrayBuffer>
  upto: bigint
}

export namespace SyncKnown {
  let _codec: Codec<SyncKnown>

  export const codec = (): Codec<SyncKnown> => {
    if (_codec == null) {
      _codec = message<SyncKnown>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.sender)
        }

        if ((obj.upto != null && obj.upto !== 0n)) {
          w.uint32(16)
          w.uint64(obj.upto)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sender: uint8ArrayAlloc(0),
          upto: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sender = reader.bytes()
              break
            }
            case 2: {
              obj.upto = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.upto`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncKnownSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncKnownUptoFieldEvent {
    field: '$.upto'
    value: bigint
  }

  export function encode (obj: Partial<SyncKnown>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncKnown.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncKnown>): SyncKnown {
    return decodeMessage(buf, SyncKnown.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncKnown>): Generator<SyncKnownSenderFieldEvent | SyncKnownUptoFieldEvent> {
    return streamMessage(buf, SyncKnown.codec(), opts)
  }
}

export interface SyncRange {
  sender: Uint8Array<ArrayBuffer>
  first: bigint
  last: bigint
}

export namespace SyncRange {
  let _codec: Codec<SyncRange>

  export const codec = (): Codec<SyncRange> => {
    if (_codec == null) {
      _codec = message<SyncRange>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.sender)
        }

        if ((obj.first != null && obj.first !== 0n)) {
          w.uint32(16)
          w.uint64(obj.first)
        }

        if ((obj.last != null && obj.last !== 0n)) {
          w.uint32(24)
          w.uint64(obj.last)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sender: uint8ArrayAlloc(0),
          first: 0n,
          last: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sender = reader.bytes()
              break
            }
            case 2: {
              obj.first = reader.uint64()
              break
            }
            case 3: {
              obj.last = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.first`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.last`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncRangeSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncRangeFirstFieldEvent {
    field: '$.first'
    value: bigint
  }

  export interface SyncRangeLastFieldEvent {
    field: '$.last'
    value: bigint
  }

  export function encode (obj: Partial<SyncRange>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncRange.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRange>): SyncRange {
    return decodeMessage(buf, SyncRange.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRange>): Generator<SyncRangeSenderFieldEvent | SyncRangeFirstFieldEvent | SyncRangeLastFieldEvent> {
    return streamMessage(buf, SyncRange.codec(), opts)
  }
}

export interface SyncResponse {
  status: SyncResponse.Status
  envelopes: Uint8Array<ArrayBuffer>[]
  have: Uint8Array<ArrayBuffer>
  cursor: bigint
  done: boolean
  log: Uint8Array<ArrayBuffer>[]
  identity: Uint8Array<ArrayBuffer>
  identityProof: Uint8Array<ArrayBuffer>
}

export namespace SyncResponse {
  export enum Status {
    OK = 'OK',
    DENIED = 'DENIED',
    UNKNOWN = 'UNKNOWN',
    BUSY = 'BUSY'
  }

  enum __StatusValues {
    OK = 0,
    DENIED = 1,
    UNKNOWN = 2,
    BUSY = 3
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<SyncResponse>

  export const codec = (): Codec<SyncResponse> => {
    if (_codec == null) {
      _codec = message<SyncResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          SyncResponse.Status.codec().encode(obj.status, w)
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if ((obj.have != null && obj.have.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.have)
        }

        if ((obj.cursor != null && obj.cursor !== 0n)) {
          w.uint32(32)
          w.uint64(obj.cursor)
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(40)
          w.bool(obj.done)
        }

        if (obj.log != null && obj.log.length > 0) {
          for (const value of obj.log) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if ((obj.identity != null && obj.identity.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.identity)
        }

        if ((obj.identityProof != null && obj.identityProof.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.identityProof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          envelopes: [],
          have: uint8ArrayAlloc(0),
          cursor: 0n,
          done: false,
          log: [],
          identity: uint8ArrayAlloc(0),
          identityProof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = SyncResponse.Status.codec().decode(reader)
              break
            }
            case 2: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(reader.bytes())
              break
            }
            case 3: {
              obj.have = reader.bytes()
              break
            }
            case 4: {
              obj.cursor = reader.uint64()
              break
            }
            case 5: {
              obj.done = reader.bool()
              break
            }
            case 6: {
              if (opts.limits?.log != null && obj.log.length === opts.limits.log) {
                throw new MaxLengthError('Decode error - repeated field "log" had too many elements')
              }

              obj.log.push(reader.bytes())
              break
            }
            case 7: {
              obj.identity = reader.bytes()
              break
            }
            case 8: {
              obj.identityProof = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          envelopes: 0,
          log: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.status`,
                value: SyncResponse.Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              yield {
                field: `${prefix}.envelopes[]`,
                index: obj.envelopes,
                value: reader.bytes()
              }

              obj.envelopes++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.have`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              if (opts.limits?.log != null && obj.log === opts.limits.log) {
                throw new MaxLengthError('Streaming decode error - repeated field "log" had too many elements')
              }

              yield {
                field: `${prefix}.log[]`,
                index: obj.log,
                value: reader.bytes()
              }

              obj.log++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.identity`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.identityProof`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncResponseStatusFieldEvent {
    field: '$.status'
    value: SyncResponse.Status
  }

  export interface SyncResponseEnvelopesFieldEvent {
    field: '$.envelopes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseHaveFieldEvent {
    field: '$.have'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseCursorFieldEvent {
    field: '$.cursor'
    value: bigint
  }

  export interface SyncResponseDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export interface SyncResponseLogFieldEvent {
    field: '$.log[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseIdentityFieldEvent {
    field: '$.identity'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncResponseIdentityProofFieldEvent {
    field: '$.identityProof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncResponse>): SyncResponse {
    return decodeMessage(buf, SyncResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncResponse>): Generator<SyncResponseStatusFieldEvent | SyncResponseEnvelopesFieldEvent | SyncResponseHaveFieldEvent | SyncResponseCursorFieldEvent | SyncResponseDoneFieldEvent | SyncResponseLogFieldEvent | SyncResponseIdentityFieldEvent | SyncResponseIdentityProofFieldEvent> {
    return streamMessage(buf, SyncResponse.codec(), opts)
  }
}
