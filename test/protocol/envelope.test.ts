import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { concatBytes, randomBytes } from '../../src/crypto/index.js'
import {
  decodeEnvelope, encodeEnvelope, MalformedEnvelopeError, UnsupportedVersionError
} from '../../src/protocol/index.js'
import { MAX_ENVELOPE_BYTES, PROTOCOL_VERSION } from '../../src/constants.js'
import { throwsNamed } from '../unit-helpers.js'

function envelope (over: Partial<Parameters<typeof encodeEnvelope>[0]> = {}): Uint8Array {
  return encodeEnvelope({
    version: PROTOCOL_VERSION,
    epoch: 2,
    nonce: randomBytes(24) as Uint8Array<ArrayBuffer>,
    ciphertext: randomBytes(40) as Uint8Array<ArrayBuffer>,
    ...over
  })
}

describe('protocol/envelope', () => {
  it('encodes and decodes a round trip', () => {
    const nonce = randomBytes(24) as Uint8Array<ArrayBuffer>
    const ciphertext = randomBytes(100) as Uint8Array<ArrayBuffer>
    const env = decodeEnvelope(encodeEnvelope({ version: PROTOCOL_VERSION, epoch: 9, nonce, ciphertext }))
    assert.equal(env.version, PROTOCOL_VERSION)
    assert.equal(env.epoch, 9)
    assert.deepEqual(env.nonce, nonce)
    assert.deepEqual(env.ciphertext, ciphertext)
  })

  it('refuses other versions with UnsupportedVersionError', () => {
    for (const version of [0, 2, 255, 0xffffffff]) {
      assert.throws(() => decodeEnvelope(envelope({ version })), UnsupportedVersionError)
    }
  })

  it('refuses bad nonces, empty ciphertext and non-protobuf with MalformedEnvelopeError', () => {
    for (const len of [0, 12, 23, 25]) {
      assert.throws(() => decodeEnvelope(envelope({ nonce: new Uint8Array(len) })), MalformedEnvelopeError, `nonce ${len}`)
    }
    assert.throws(() => decodeEnvelope(envelope({ ciphertext: new Uint8Array(0) })), MalformedEnvelopeError)
    assert.throws(() => decodeEnvelope(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), MalformedEnvelopeError)
    assert.throws(() => decodeEnvelope(Uint8Array.of(0x22, 0x7f, 0x01)), MalformedEnvelopeError, 'length beyond the end')
    // An empty buffer decodes to all defaults: version 0.
    throwsNamed(() => decodeEnvelope(new Uint8Array(0)), ['UnsupportedVersionError', 'MalformedEnvelopeError'])
  })

  it('refuses anything larger than MAX_ENVELOPE_BYTES before decoding', () => {
    const big = envelope({ ciphertext: new Uint8Array(MAX_ENVELOPE_BYTES) })
    assert.ok(big.length > MAX_ENVELOPE_BYTES)
    assert.throws(() => decodeEnvelope(big), MalformedEnvelopeError)
    // The largest envelope allowed still decodes.
    const overhead = envelope({ ciphertext: new Uint8Array(1) }).length - 1
    const exact = envelope({ ciphertext: new Uint8Array(MAX_ENVELOPE_BYTES - overhead - 1) })
    assert.ok(exact.length <= MAX_ENVELOPE_BYTES)
    assert.equal(decodeEnvelope(exact).ciphertext.length, MAX_ENVELOPE_BYTES - overhead - 1)
  })

  it('accepts only the canonical encoding (no appended, repeated or re-typed fields)', () => {
    const bytes = envelope()
    decodeEnvelope(bytes)
    assert.throws(() => decodeEnvelope(concatBytes(bytes, Uint8Array.of(0x28, 0x00))), MalformedEnvelopeError, 'unknown field')
    assert.throws(() => decodeEnvelope(concatBytes(bytes, Uint8Array.of(0x10, 0x02))), MalformedEnvelopeError, 'repeated epoch')
    assert.throws(() => decodeEnvelope(concatBytes(Uint8Array.of(0x10, 0x05), bytes)), MalformedEnvelopeError, 'field out of order')
    const retyped = Uint8Array.from(bytes)
    assert.equal(retyped[0], 0x08)
    retyped[0] = 0x09 // field 1 with wire type 1: the generated decoder would not notice
    assert.throws(() => decodeEnvelope(retyped), MalformedEnvelopeError, 'wire type')
    // A non-minimal varint for the version.
    const padded = concatBytes(Uint8Array.of(0x08, 0x81, 0x00), bytes.subarray(2))
    assert.throws(() => decodeEnvelope(padded), MalformedEnvelopeError, 'non-minimal varint')
  })
})
