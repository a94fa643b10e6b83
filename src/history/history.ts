import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum HistoryVia {
  LIVE = 'LIVE',
  SELF = 'SELF',
  REPAIR = 'REPAIR',
  CATCHUP = 'CATCHUP'
}

enum __HistoryViaValues {
  LIVE = 0,
  SELF = 1,
  REPAIR = 2,
  CATCHUP = 3
}

export namespace HistoryVia {
  export const codec = (): Codec<HistoryVia> => {
    return enumeration<HistoryVia>(__HistoryViaValues)
  }
}

export interface HistoryRecord {
  envelope: Uint8Array<ArrayBuffer>
  message: Uint8Array<ArrayBuffer>
  epoch: number
  receivedAt: bigint
  via: HistoryVia
  acked: bigint[]
  marks: HistoryMark[]
}

export namespace HistoryRecord {
  let _codec: Codec<HistoryRecord>

  export const codec = (): Codec<HistoryRecord> => {
    if (_codec == null) {
      _codec = message<HistoryRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.envelope)
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.message)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(24)
          w.uint32(obj.epoch)
        }

        if ((obj.receivedAt != null && obj.receivedAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.receivedAt)
        }

        if (obj.via != null && __HistoryViaValues[obj.via] !== 0) {
          w.uint32(40)
          HistoryVia.codec().encode(obj.via, w)
        }

        if (obj.acked != null && obj.acked.length > 0) {
          for (const value of obj.acked) {
            w.uint32(48)
            w.uint64(value)
          }
        }

        if (obj.marks != null && obj.marks.length > 0) {
          for (const value of obj.marks) {
            w.uint32(58)
            HistoryMark.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          envelope: uint8ArrayAlloc(0),
          message: uint8ArrayAlloc(0),
          epoch: 0,
          receivedAt: 0n,
          via: HistoryVia.LIVE,
          acked: [],
          marks: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.envelope = reader.bytes()
              break
            }
            case 2: {
              obj.message = reader.bytes()
              break
            }
            case 3: {
              obj.epoch = reader.uint32()
              break
            }
            case 4: {
              obj.receivedAt = reader.uint64()
              break
            }
            case 5: {
              obj.via = HistoryVia.codec().decode(reader)
              break
            }
            case 6: {
              if (opts.limits?.acked != null && obj.acked.length === opts.limits.acked) {
                throw new MaxLengthError('Decode error - repeated field "acked" had too many elements')
              }

              obj.acked.push(reader.uint64())
              break
            }
            case 7: {
              if (opts.limits?.marks != null && obj.marks.length === opts.limits.marks) {
                throw new MaxLengthError('Decode error - repeated field "marks" had too many elements')
              }

              obj.marks.push(HistoryMark.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.marks$
              }))
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
          acked: 0,
          marks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.receivedAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.via`,
                value: HistoryVia.codec().decode(reader)
              }
              break
            }
            case 6: {
              if (opts.limits?.acked != null && obj.acked === opts.limits.acked) {
                throw new MaxLengthError('Streaming decode error - repeated field "acked" had too many elements')
              }

              yield {
                field: `${prefix}.acked[]`,
                index: obj.acked,
                value: reader.uint64()
              }

              obj.acked++

              break
            }
            case 7: {
              if (opts.limits?.marks != null && obj.marks === opts.limits.marks) {
                throw new MaxLengthError('Streaming decode error - repeated field "marks" had too many elements')
              }

              for (const evt of HistoryMark.codec().stream(reader, reader.uint32(), `${prefix}.marks[]`, {
                limits: opts.limits?.marks$
              })) {
                yield {
                  ...evt,
                  index: obj.marks
                }
              }

              obj.marks++

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

  export interface HistoryRecordEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryRecordMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryRecordEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface HistoryRecordReceivedAtFieldEvent {
    field: '$.receivedAt'
    value: bigint
  }

  export interface HistoryRecordViaFieldEvent {
    field: '$.via'
    value: HistoryVia
  }

  export interface HistoryRecordAckedFieldEvent {
    field: '$.acked[]'
    index: number
    value: bigint
  }

  export interface HistoryRecordMarksSenderFieldEvent {
    field: '$.marks[].sender'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryRecordMarksUptoFieldEvent {
    field: '$.marks[].upto'
    value: bigint
    index: number
  }

  export function encode (obj: Partial<HistoryRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRecord>): HistoryRecord {
    return decodeMessage(buf, HistoryRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRecord>): Generator<HistoryRecordEnvelopeFieldEvent | HistoryRecordMessageFieldEvent | HistoryRecordEpochFieldEvent | HistoryRecordReceivedAtFieldEvent | HistoryRecordViaFieldEvent | HistoryRecordAckedFieldEvent | HistoryRecordMarksSenderFieldEvent | HistoryRecordMarksUptoFieldEvent> {
    return streamMessage(buf, HistoryRecord.codec(), opts)
  }
}

export interface HistoryMark {
  sender: Uint8Array<ArrayBuffer>
  upto: bigint
}

export namespace HistoryMark {
  let _codec: Codec<HistoryMark>

  export const codec = (): Codec<HistoryMark> => {
    if (_codec == null) {
      _codec = message<HistoryMark>((obj, w, opts = {}) => {
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

  export interface HistoryMarkSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryMarkUptoFieldEvent {
    field: '$.upto'
    value: bigint
  }

  export function encode (obj: Partial<HistoryMark>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryMark.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryMark>): HistoryMark {
    return decodeMessage(buf, HistoryMark.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryMark>): Generator<HistoryMarkSenderFieldEvent | HistoryMarkUptoFieldEvent> {
    return streamMessage(buf, HistoryMark.codec(), opts)
  }
}
