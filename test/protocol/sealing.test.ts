import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, concatBytes } from '../../src/crypto/index.js'
import {
  MessageKind, SignedMessage, decodeEnvelope, encodeEnvelope, openMessage, sealMessage, envelopeAad,
  ForgedMessageError, UnknownEpochError, MalformedEnvelopeError, UnsupportedVersionError, MalformedMessageError
} from '../../src/protocol/index.js'
import { PROTOCOL_VERSION } from '../../src/constants.js'
import { flip, throwsNamed } from '../unit-helpers.js'
import { ctxFor, generateSigningKeyPair, handSeal, makeRoom, textMessage } from './forge.js'

/** Every error openMessage is documented to throw. */
const OPEN_ERRORS = [
  'MalformedEnvelopeError', 'UnsupportedVersionError', 'UnknownEpochError', 'MalformedMessageError', 'ForgedMessageError'
]

describe('protocol/sealing', () => {
  const room = makeRoom()
  const alice = generateSigningKeyPair()
  const bob = generateSigningKeyPair()
  const keyFor = (epoch: number): Uint8Array | undefined => epoch === 0 ? room.key : undefined

  it('seals and opens a round trip with every field intact', () => {
    const out = {
      seq: 42n, timestamp: 1_712_345_678_901n, kind: MessageKind.ACTION, nick: 'alice ✨', body: 'waves 👋 at everyone\nsecond line', index: 7n
    }
    const bytes = sealMessage(ctxFor(room, alice), out)
    const opened = openMessage(room.roomId, keyFor, bytes)
    assert.equal(opened.seq, 42n)
    assert.equal(opened.timestamp, 1_712_345_678_901n)
    assert.equal(opened.kind, MessageKind.ACTION)
    assert.equal(opened.nick, 'alice ✨')
    assert.equal(opened.body, out.body)
    assert.equal(opened.epoch, 0)
    assert.deepEqual(opened.sender, alice.publicKey)
  })

  it('round-trips every message kind and an empty body, at a later epoch', () => {
    const key1 = randomBytes(32)
    const lookup = (epoch: number): Uint8Array | undefined => epoch === 7 ? key1 : undefined
    for (const kind of [MessageKind.TEXT, MessageKind.ACTION, MessageKind.JOIN, MessageKind.LEAVE]) {
      const bytes = sealMessage(ctxFor(room, bob, 7, key1), { ...textMessage(3n, ''), kind })
      const opened = openMessage(room.roomId, lookup, bytes)
      assert.equal(opened.kind, kind)
      assert.equal(opened.body, '')
      assert.equal(opened.epoch, 7)
      assert.deepEqual(opened.sender, bob.publicKey)
    }
  })

  it('envelopes carry only version, epoch, nonce and ciphertext; plaintext never shows', () => {
    const bytes = sealMessage(ctxFor(room, alice), textMessage(1n, 'top secret body', 'nick-in-clear?'))
    const env = decodeEnvelope(bytes)
    assert.equal(env.version, PROTOCOL_VERSION)
    assert.equal(env.epoch, 0)
    assert.equal(env.nonce.length, 24)
    const text = Buffer.from(bytes).toString('latin1')
    assert.ok(!text.includes('top secret body'))
    assert.ok(!text.includes('nick-in-clear?'))
    assert.ok(!Buffer.from(bytes).includes(Buffer.from(alice.publicKey)), 'sender key is not visible')
    assert.ok(!Buffer.from(bytes).includes(Buffer.from(room.roomId)), 'room id is not visible')
  })

  it('sealing the same message twice gives different bytes (fresh nonce)', () => {
    const a = sealMessage(ctxFor(room, alice), textMessage(1n))
    const b = sealMessage(ctxFor(room, alice), textMessage(1n))
    assert.notDeepEqual(a, b)
  })

  it('tampering any bit of any byte of a sealed envelope makes openMessage throw a typed error', () => {
    const bytes = sealMessage(ctxFor(room, alice), textMessage(5n, 'do not touch'))
    openMessage(room.roomId, keyFor, bytes) // the untouched envelope opens
    // A lookup that has a key for every epoch, so a changed epoch field reaches the AEAD.
    const anyEpoch = (): Uint8Array => room.key
    let checked = 0
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const tampered = flip(bytes, i, 1 << bit)
        throwsNamed(() => openMessage(room.roomId, keyFor, tampered), OPEN_ERRORS, `byte ${i} bit ${bit}`)
        throwsNamed(() => openMessage(room.roomId, anyEpoch, tampered), OPEN_ERRORS, `byte ${i} bit ${bit}, any epoch`)
        checked++
      }
    }
    assert.equal(checked, bytes.length * 8)
  })

  it('truncating or extending a sealed envelope makes openMessage throw a typed error', () => {
    const bytes = sealMessage(ctxFor(room, alice), textMessage(6n))
    for (let len = 0; len < bytes.length; len++) {
      throwsNamed(() => openMessage(room.roomId, keyFor, bytes.subarray(0, len)), OPEN_ERRORS, `length ${len}`)
    }
    // Trailing garbage, and an unknown field appended (which would give a new gossipsub
    // message id for the same message).
    throwsNamed(() => openMessage(room.roomId, keyFor, concatBytes(bytes, Uint8Array.of(0))), OPEN_ERRORS)
    throwsNamed(() => openMessage(room.roomId, keyFor, concatBytes(bytes, Uint8Array.of(0x28, 0x01))), OPEN_ERRORS, 'unknown field 5')
    throwsNamed(() => openMessage(room.roomId, keyFor, concatBytes(bytes, Uint8Array.of(0x08, 0x01))), OPEN_ERRORS, 'repeated version field')
  })

  it('fails for a different room id (AAD binds the room)', () => {
    const bytes = sealMessage(ctxFor(room, alice), textMessage(1n))
    const err = throwsNamed(() => openMessage(flip(room.roomId, 0), keyFor, bytes), 'MalformedEnvelopeError')
    assert.ok(err instanceof MalformedEnvelopeError)
    throwsNamed(() => openMessage(randomBytes(16), keyFor, bytes), 'MalformedEnvelopeError')
  })

  it('fails for a wrong epoch in the AAD, even when the key is right', () => {
    // Same key under epochs 0 and 1: only the AAD differs.
    const both = (epoch: number): Uint8Array | undefined => epoch <= 1 ? room.key : undefined
    const bytes = sealMessage(ctxFor(room, alice, 0), textMessage(1n))
    const env = decodeEnvelope(bytes)
    const moved = encodeEnvelope({ ...env, epoch: 1 })
    throwsNamed(() => openMessage(room.roomId, both, moved), 'MalformedEnvelopeError')
    // An envelope sealed with the AAD of epoch 1 but labelled epoch 0 (signature made for epoch 0).
    const mislabelled = handSeal({ room, sender: alice.publicKey, signer: alice.secretKey, epoch: 0, aadEpoch: 1 })
    throwsNamed(() => openMessage(room.roomId, both, mislabelled), 'MalformedEnvelopeError')
    // Control: the same construction with the matching AAD opens.
    const control = handSeal({ room, sender: alice.publicKey, signer: alice.secretKey, epoch: 0, aadEpoch: 0 })
    assert.equal(openMessage(room.roomId, both, control).epoch, 0)
  })

  it('fails under the wrong key', () => {
    const bytes = sealMessage(ctxFor(room, alice), textMessage(1n))
    throwsNamed(() => openMessage(room.roomId, () => randomBytes(32), bytes), 'MalformedEnvelopeError')
    const other = makeRoom()
    throwsNamed(() => openMessage(room.roomId, () => other.key, bytes), 'MalformedEnvelopeError')
  })

  it('an unknown epoch gives UnknownEpochError carrying the epoch', () => {
    const bytes = sealMessage(ctxFor(room, alice, 3, randomBytes(32)), textMessage(1n))
    const err = throwsNamed(() => openMessage(room.roomId, keyFor, bytes), 'UnknownEpochError')
    assert.ok(err instanceof UnknownEpochError)
    assert.equal(err.epoch, 3)
    // Epoch 0 too, when we hold no key at all.
    const zero = sealMessage(ctxFor(room, alice), textMessage(1n))
    assert.equal((throwsNamed(() => openMessage(room.roomId, () => undefined, zero), 'UnknownEpochError') as UnknownEpochError).epoch, 0)
  })

  it('a hand-built message signed by its claimed sender opens (control for the forgeries below)', () => {
    const bytes = handSeal({ room, sender: bob.publicKey, signer: bob.secretKey })
    const opened = openMessage(room.roomId, keyFor, bytes)
    assert.deepEqual(opened.sender, bob.publicKey)
    assert.equal(opened.body, 'hand made')
  })

  it('a member holding the room key cannot speak as another member (ForgedMessageError)', () => {
    // Alice claims to be Bob: sender field is Bob's key, signature by Alice's secret key.
    const forged = handSeal({ room, sender: bob.publicKey, signer: alice.secretKey })
    const err = throwsNamed(() => openMessage(room.roomId, keyFor, forged), 'ForgedMessageError')
    assert.ok(err instanceof ForgedMessageError)
  })

  it('a signature is bound to room id and epoch, not only to the message bytes', () => {
    // Bob signed it for another room / epoch; Alice re-seals it into this room.
    const elsewhere = handSeal({ room, sender: bob.publicKey, signer: bob.secretKey, signedRoomId: randomBytes(16) })
    throwsNamed(() => openMessage(room.roomId, keyFor, elsewhere), 'ForgedMessageError')
    const otherEpoch = handSeal({ room, sender: bob.publicKey, signer: bob.secretKey, signedEpoch: 1 })
    throwsNamed(() => openMessage(room.roomId, keyFor, otherEpoch), 'ForgedMessageError')
  })

  it('a signature over different message bytes, or a zeroed signature, is forged', () => {
    const swapped = handSeal({
      room,
      sender: bob.publicKey,
      signer: bob.secretKey,
      signedMessage: (inner, signature) => {
        const changed = Uint8Array.from(inner)
        const last = Buffer.from(inner).indexOf('hand made') + 'hand made'.length - 1 // last body char
        changed[last] = (changed[last] as number) ^ 1
        return SignedMessage.encode({ message: changed as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
      }
    })
    throwsNamed(() => openMessage(room.roomId, keyFor, swapped), 'ForgedMessageError')
    const zeroed = handSeal({
      room,
      sender: bob.publicKey,
      signer: bob.secretKey,
      signedMessage: (inner) => SignedMessage.encode({ message: inner as Uint8Array<ArrayBuffer>, signature: new Uint8Array(64) })
    })
    throwsNamed(() => openMessage(room.roomId, keyFor, zeroed), 'ForgedMessageError')
  })

  it('well-authenticated but malformed payloads give MalformedMessageError', () => {
    const cases: Array<[string, Parameters<typeof handSeal>[0]]> = [
      ['sequence number 0', { room, sender: bob.publicKey, signer: bob.secretKey, message: { seq: 0n } }],
      ['short sender key', { room, sender: bob.publicKey.subarray(0, 31), signer: bob.secretKey }],
      ['body too long', { room, sender: bob.publicKey, signer: bob.secretKey, message: { body: 'x'.repeat(4097) } }],
      ['nick too long', { room, sender: bob.publicKey, signer: bob.secretKey, message: { nick: 'é'.repeat(17) } }],
      ['short signature', {
        room, sender: bob.publicKey, signer: bob.secretKey,
        signedMessage: (inner, sig) => SignedMessage.encode({ message: inner as Uint8Array<ArrayBuffer>, signature: sig.subarray(0, 63) as Uint8Array<ArrayBuffer> })
      }],
      ['no message', {
        room, sender: bob.publicKey, signer: bob.secretKey,
        signedMessage: (_inner, sig) => SignedMessage.encode({ signature: sig as Uint8Array<ArrayBuffer> })
      }],
      ['payload not protobuf', { room, sender: bob.publicKey, signer: bob.secretKey, signedMessage: () => Uint8Array.of(0xff, 0xff, 0xff) }]
    ]
    for (const [what, opts] of cases) {
      assert.ok(throwsNamed(() => openMessage(room.roomId, keyFor, handSeal(opts)), 'MalformedMessageError', what) instanceof MalformedMessageError)
    }
  })

  it('an envelope of another protocol version gives UnsupportedVersionError', () => {
    const v2 = handSeal({ room, sender: alice.publicKey, signer: alice.secretKey, version: 2 })
    assert.ok(throwsNamed(() => openMessage(room.roomId, keyFor, v2), 'UnsupportedVersionError') instanceof UnsupportedVersionError)
    const v0 = handSeal({ room, sender: alice.publicKey, signer: alice.secretKey, version: 0 })
    throwsNamed(() => openMessage(room.roomId, keyFor, v0), 'UnsupportedVersionError')
  })

  it('envelopeAad binds version, room id and epoch', () => {
    const id = randomBytes(16)
    const a = envelopeAad(id, 0)
    assert.deepEqual(envelopeAad(id, 0), a)
    assert.notDeepEqual(envelopeAad(id, 1), a)
    assert.notDeepEqual(envelopeAad(flip(id, 15), 0), a)
    assert.notDeepEqual(envelopeAad(id, 256), envelopeAad(id, 1))
    assert.ok(Buffer.from(a).includes(Buffer.from(id)))
  })
})
