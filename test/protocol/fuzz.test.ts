/**
 * Property-based fuzzing of every protocol decoder: whatever the bytes, only the
 * documented typed errors may escape (DESIGN.md §7: decoders are total).
 */
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { randomBytes } from '../../src/crypto/index.js'
import {
  ChatMessage, MessageKind, SignedMessage, decodeChatMessage, decodeEnvelope, decodeSignedMessage, encodeEnvelope,
  openMessage, parseRelayAddress, sealMessage
} from '../../src/protocol/index.js'
import { PROTOCOL_VERSION } from '../../src/constants.js'
import { onlyTyped } from '../unit-helpers.js'
import { ctxFor, generateSigningKeyPair, makeRoom, textMessage } from './forge.js'

const ENVELOPE_ERRORS = new Set(['MalformedEnvelopeError', 'UnsupportedVersionError'])
const MESSAGE_ERRORS = new Set(['MalformedMessageError'])
const OPEN_ERRORS = new Set([
  'MalformedEnvelopeError', 'UnsupportedVersionError', 'UnknownEpochError', 'MalformedMessageError', 'ForgedMessageError'
])
const RELAY_ERRORS = new Set(['InvalidRelayAddressError'])

const RUNS = 1000

/** Protobuf-ish bytes: random field tags of every wire type with random values, to get past the first byte. */
const protobufish = fc.array(fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(([f, v]) => {
    const out = [f << 3]
    let x = v
    do { out.push(Number(x & 0x7fn) | (x > 0x7fn ? 0x80 : 0)); x >>= 7n } while (x > 0n)
    return out
  }),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.uint8Array({ maxLength: 40 })).map(([f, b]) => [(f << 3) | 2, b.length, ...b]),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 6 })).map(([t, b]) => [t, ...b])
), { maxLength: 8 }).map((parts) => Uint8Array.from(parts.flat()))

const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), protobufish)

/** A valid input with a few random edits: byte changes, insertions, deletions, truncation. */
function mutated (valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.tuple(fc.constant('set' as const), fc.nat(), fc.integer({ min: 0, max: 255 })),
    fc.tuple(fc.constant('xor' as const), fc.nat(), fc.integer({ min: 1, max: 255 })),
    fc.tuple(fc.constant('insert' as const), fc.nat(), fc.integer({ min: 0, max: 255 })),
    fc.tuple(fc.constant('delete' as const), fc.nat(), fc.constant(0)),
    fc.tuple(fc.constant('truncate' as const), fc.nat(), fc.constant(0))
  )
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    const bytes = Array.from(valid)
    for (const [op, pos, value] of edits) {
      const i = bytes.length === 0 ? 0 : pos % bytes.length
      if (op === 'set') bytes[i] = value
      else if (op === 'xor') bytes[i] = (bytes[i] ?? 0) ^ value
      else if (op === 'insert') bytes.splice(i, 0, value)
      else if (op === 'delete') bytes.splice(i, 1)
      else bytes.length = i
    }
    return Uint8Array.from(bytes)
  })
}

describe('protocol decoders under fuzzing', () => {
  const room = makeRoom()
  const alice = generateSigningKeyPair()
  const keyFor = (epoch: number): Uint8Array | undefined => epoch < 4 ? room.key : undefined
  const valid = sealMessage(ctxFor(room, alice), textMessage(1n, 'fuzz me'))

  it('decodeEnvelope throws only its typed errors on arbitrary bytes', () => {
    fc.assert(fc.property(anyBytes, (bytes) => { onlyTyped(() => decodeEnvelope(bytes), ENVELOPE_ERRORS) }), { numRuns: RUNS })
  })

  it('decodeSignedMessage throws only MalformedMessageError on arbitrary bytes', () => {
    fc.assert(fc.property(anyBytes, (bytes) => { onlyTyped(() => decodeSignedMessage(bytes), MESSAGE_ERRORS) }), { numRuns: RUNS })
  })

  it('decodeChatMessage throws only MalformedMessageError on arbitrary bytes', () => {
    fc.assert(fc.property(anyBytes, (bytes) => { onlyTyped(() => decodeChatMessage(bytes), MESSAGE_ERRORS) }), { numRuns: RUNS })
  })

  it('decodeChatMessage accepts exactly what it validates (arbitrary well-formed fields)', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(MessageKind.TEXT, MessageKind.ACTION, MessageKind.JOIN, MessageKind.LEAVE),
      fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      (sender, seq, kind, nick, body, index) => {
        const bytes = ChatMessage.encode({ sender: sender as Uint8Array<ArrayBuffer>, seq, timestamp: 0n, kind, nick, body, index })
        const numbered = kind !== MessageKind.TEXT && kind !== MessageKind.ACTION ? true : index >= 1n
        const shouldPass = sender.length === 32 && seq >= 1n && Buffer.byteLength(nick) <= 32 && Buffer.byteLength(body) <= 4096 &&
          numbered && index <= BigInt(Number.MAX_SAFE_INTEGER)
        let passed = true
        try { decodeChatMessage(bytes) } catch (err) {
          assert.equal((err as Error).name, 'MalformedMessageError')
          passed = false
        }
        assert.equal(passed, shouldPass)
      }), { numRuns: 500 })
  })

  it('openMessage throws only typed errors on arbitrary bytes', () => {
    fc.assert(fc.property(anyBytes, (bytes) => {
      onlyTyped(() => openMessage(room.roomId, keyFor, bytes), OPEN_ERRORS)
    }), { numRuns: RUNS })
  })

  it('openMessage throws only typed errors on well-formed envelopes with random contents', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 6 }), fc.uint8Array({ minLength: 1, maxLength: 200 }), (epoch, ciphertext) => {
      const bytes = encodeEnvelope({
        version: PROTOCOL_VERSION, epoch, nonce: randomBytes(24) as Uint8Array<ArrayBuffer>, ciphertext: ciphertext as Uint8Array<ArrayBuffer>
      })
      onlyTyped(() => openMessage(room.roomId, keyFor, bytes), OPEN_ERRORS)
    }), { numRuns: 500 })
  })

  it('openMessage never accepts a mutated valid envelope, and throws only typed errors', () => {
    openMessage(room.roomId, keyFor, valid)
    fc.assert(fc.property(mutated(valid), (bytes) => {
      fc.pre(Buffer.compare(Buffer.from(bytes), Buffer.from(valid)) !== 0)
      let opened = false
      onlyTyped(() => { openMessage(room.roomId, keyFor, bytes); opened = true }, OPEN_ERRORS)
      assert.equal(opened, false, 'a modified envelope opened')
    }), { numRuns: RUNS })
  })

  it('decodeSignedMessage and decodeChatMessage throw only typed errors on mutated valid payloads', () => {
    const inner = ChatMessage.encode({ sender: alice.publicKey as Uint8Array<ArrayBuffer>, seq: 9n, timestamp: 1n, kind: MessageKind.JOIN, nick: 'n', body: 'body', index: 0n })
    const signed = SignedMessage.encode({ message: inner, signature: randomBytes(64) as Uint8Array<ArrayBuffer> })
    fc.assert(fc.property(mutated(signed), mutated(inner), (s, m) => {
      onlyTyped(() => decodeSignedMessage(s), MESSAGE_ERRORS)
      onlyTyped(() => decodeChatMessage(m), MESSAGE_ERRORS)
    }), { numRuns: RUNS })
  })

  describe('parseRelayAddress', () => {
    let peer = ''
    before(async () => { peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() })

    it('throws only InvalidRelayAddressError on arbitrary strings', () => {
      fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })), (text) => {
        onlyTyped(() => parseRelayAddress(text), RELAY_ERRORS)
      }), { numRuns: RUNS })
    })

    it('throws only InvalidRelayAddressError on multiaddr-shaped strings', () => {
      const segment = fc.oneof(
        fc.constantFrom('ip4', 'ip6', 'tcp', 'udp', 'dns4', 'dns', 'ws', 'wss', 'p2p', 'p2p-circuit', 'quic-v1', 'unix', 'ipcidr', 'sni', 'http-path', 'certhash'),
        fc.constantFrom('127.0.0.1', '::1', '4001', '0', '65536', '-1', 'localhost', peer, peer.slice(1), 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N', 'zQ3', 'uAAAA', '%2F'),
        fc.string({ maxLength: 12 })
      )
      fc.assert(fc.property(fc.array(segment, { maxLength: 10 }), (segments) => {
        onlyTyped(() => parseRelayAddress('/' + segments.join('/')), RELAY_ERRORS)
        onlyTyped(() => parseRelayAddress('/' + segments.join('/') + '/p2p/' + peer), RELAY_ERRORS)
      }), { numRuns: RUNS })
    })

    it('a string it accepts round-trips to itself', () => {
      fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        const addr = `/ip4/${ip}/tcp/${port}/p2p/${peer}`
        const parsed = parseRelayAddress(addr)
        assert.equal(parseRelayAddress(parsed), parsed)
      }), { numRuns: 300 })
    })
  })
})
