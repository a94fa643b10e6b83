import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { generateSigningKeyPair, randomBytes } from '../../src/crypto/index.js'
import {
  ChatMessage, MessageKind, SignedMessage, checkOutgoing, decodeChatMessage, decodeSignedMessage, utf8Length,
  MalformedMessageError, MessageTooLargeError
} from '../../src/protocol/index.js'
import { MAX_BODY_BYTES, MAX_NICK_BYTES, MAX_PAYLOAD_BYTES } from '../../src/constants.js'

const sender = generateSigningKeyPair().publicKey as Uint8Array<ArrayBuffer>

function chat (over: Partial<ChatMessage> = {}): Uint8Array {
  return ChatMessage.encode({ sender, seq: 1n, timestamp: 5n, kind: MessageKind.TEXT, nick: 'n', body: 'b', index: 1n, ...over })
}

describe('protocol/message', () => {
  it('utf8Length counts bytes, not code units', () => {
    assert.equal(utf8Length(''), 0)
    assert.equal(utf8Length('abc'), 3)
    assert.equal(utf8Length('é'), 2)
    assert.equal(utf8Length('😀'), 4)
  })

  it('checkOutgoing enforces body and nick limits in UTF-8 bytes', () => {
    checkOutgoing('a'.repeat(MAX_NICK_BYTES), 'b'.repeat(MAX_BODY_BYTES))
    assert.throws(() => checkOutgoing('n', 'b'.repeat(MAX_BODY_BYTES + 1)), MessageTooLargeError)
    assert.throws(() => checkOutgoing('a'.repeat(MAX_NICK_BYTES + 1), 'b'), MessageTooLargeError)
    assert.throws(() => checkOutgoing('n', '😀'.repeat(MAX_BODY_BYTES / 4 + 1)), MessageTooLargeError)
    assert.throws(() => checkOutgoing('é'.repeat(MAX_NICK_BYTES / 2 + 1), 'b'), MessageTooLargeError)
  })

  it('decodeChatMessage round-trips a message and its limits', () => {
    const m = decodeChatMessage(chat({ seq: 2n ** 64n - 1n, kind: MessageKind.LEAVE, nick: 'a'.repeat(MAX_NICK_BYTES), body: 'b'.repeat(MAX_BODY_BYTES) }))
    assert.equal(m.seq, 2n ** 64n - 1n)
    assert.equal(m.kind, MessageKind.LEAVE)
    assert.deepEqual(m.sender, sender)
    assert.equal(m.body.length, MAX_BODY_BYTES)
  })

  it('decodeChatMessage refuses what a receiver must not accept', () => {
    const bad: Array<[string, Uint8Array]> = [
      ['no sender', chat({ sender: new Uint8Array(0) })],
      ['short sender', chat({ sender: sender.subarray(0, 31) })],
      ['long sender', chat({ sender: randomBytes(33) as Uint8Array<ArrayBuffer> })],
      ['seq 0', chat({ seq: 0n })],
      ['body too long', chat({ body: 'x'.repeat(MAX_BODY_BYTES + 1) })],
      ['nick too long', chat({ nick: 'x'.repeat(MAX_NICK_BYTES + 1) })],
      ['unknown kind', Uint8Array.from([...chat(), 0x20, 0x09])],
      ['not protobuf', Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f)],
      ['empty', new Uint8Array(0)]
    ]
    for (const [what, bytes] of bad) assert.throws(() => decodeChatMessage(bytes), MalformedMessageError, what)
  })

  it('decodeSignedMessage round-trips and refuses bad signatures, empty messages and oversize payloads', () => {
    const inner = chat() as Uint8Array<ArrayBuffer>
    const signature = randomBytes(64) as Uint8Array<ArrayBuffer>
    const ok = decodeSignedMessage(SignedMessage.encode({ message: inner, signature }))
    assert.deepEqual(ok.message, inner)
    assert.deepEqual(ok.signature, signature)
    assert.throws(() => decodeSignedMessage(SignedMessage.encode({ message: inner, signature: signature.subarray(1) })), MalformedMessageError)
    assert.throws(() => decodeSignedMessage(SignedMessage.encode({ message: inner })), MalformedMessageError)
    assert.throws(() => decodeSignedMessage(SignedMessage.encode({ signature })), MalformedMessageError)
    assert.throws(() => decodeSignedMessage(Uint8Array.of(0x0a, 0x05, 0x01)), MalformedMessageError)
    const big = SignedMessage.encode({ message: new Uint8Array(MAX_PAYLOAD_BYTES) as Uint8Array<ArrayBuffer>, signature })
    assert.throws(() => decodeSignedMessage(big), MalformedMessageError)
  })
})
