import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  generateSigningKeyPair, publicKeyOf, sign, verify, concatBytes, bytesToHex,
  PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, SIGNATURE_BYTES
} from '../../src/crypto/index.js'
import { flip, hex } from '../unit-helpers.js'

const encoder = new TextEncoder()

describe('crypto/sign', () => {
  it('derives the RFC 8032 test 1 public key from its secret seed', () => {
    const secret = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
    assert.equal(bytesToHex(publicKeyOf(secret)), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
  })

  it('generates key pairs of the documented sizes whose halves match', () => {
    const kp = generateSigningKeyPair()
    assert.equal(kp.secretKey.length, SECRET_KEY_BYTES)
    assert.equal(kp.publicKey.length, PUBLIC_KEY_BYTES)
    assert.deepEqual(publicKeyOf(kp.secretKey), kp.publicKey)
    assert.notDeepEqual(generateSigningKeyPair().secretKey, kp.secretKey)
  })

  it('signs and verifies a round trip', () => {
    const kp = generateSigningKeyPair()
    const msg = encoder.encode('a message')
    const sig = sign(kp.secretKey, 'cryptochat/1/message', msg)
    assert.equal(sig.length, SIGNATURE_BYTES)
    assert.equal(verify(kp.publicKey, 'cryptochat/1/message', msg, sig), true)
  })

  it('is plain Ed25519 over domain | 0x00 | message (deterministic, as documented)', () => {
    const secret = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
    const msg = encoder.encode('payload')
    const sig = sign(secret, 'cryptochat/1/invite', msg)
    const input = concatBytes(encoder.encode('cryptochat/1/invite'), new Uint8Array([0]), msg)
    assert.deepEqual(sig, ed25519.sign(input, secret))
    assert.equal(ed25519.verify(sig, input, publicKeyOf(secret)), true)
    // Not a signature over the bare message.
    assert.equal(ed25519.verify(sig, msg, publicKeyOf(secret)), false)
  })

  it('separates domains: a signature for one domain does not verify for another', () => {
    const kp = generateSigningKeyPair()
    const msg = encoder.encode('same bytes')
    const forInvite = sign(kp.secretKey, 'cryptochat/1/invite', msg)
    const forMessage = sign(kp.secretKey, 'cryptochat/1/message', msg)
    assert.notDeepEqual(forInvite, forMessage)
    assert.equal(verify(kp.publicKey, 'cryptochat/1/invite', msg, forInvite), true)
    assert.equal(verify(kp.publicKey, 'cryptochat/1/message', msg, forInvite), false)
    assert.equal(verify(kp.publicKey, 'cryptochat/1/invite', msg, forMessage), false)
    assert.equal(verify(kp.publicKey, 'cryptochat/1/invit', msg, forInvite), false)
    assert.equal(verify(kp.publicKey, '', msg, forInvite), false)
  })

  it('rejects a tampered message or signature and another key', () => {
    const kp = generateSigningKeyPair()
    const other = generateSigningKeyPair()
    const msg = encoder.encode('tamper me')
    const sig = sign(kp.secretKey, 'd', msg)
    for (let i = 0; i < msg.length; i++) assert.equal(verify(kp.publicKey, 'd', flip(msg, i), sig), false)
    for (let i = 0; i < sig.length; i++) assert.equal(verify(kp.publicKey, 'd', msg, flip(sig, i)), false, `sig byte ${i}`)
    assert.equal(verify(other.publicKey, 'd', msg, sig), false)
  })

  it('verify never throws: malformed keys and signatures are false', () => {
    const kp = generateSigningKeyPair()
    const msg = encoder.encode('x')
    const sig = sign(kp.secretKey, 'd', msg)
    assert.equal(verify(kp.publicKey.subarray(1), 'd', msg, sig), false)
    assert.equal(verify(new Uint8Array(0), 'd', msg, sig), false)
    assert.equal(verify(kp.publicKey, 'd', msg, sig.subarray(1)), false)
    assert.equal(verify(kp.publicKey, 'd', msg, new Uint8Array(0)), false)
    assert.equal(verify(new Uint8Array(32).fill(0xff), 'd', msg, sig), false)
    assert.equal(verify(kp.publicKey, 'd', msg, new Uint8Array(64).fill(0xff)), false)
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 20 }),
      (pub, signature, message, domain) => {
        assert.equal(verify(pub, domain, message, signature), false)
      }), { numRuns: 300 })
  })
})

describe('crypto/sign interoperability', () => {
  it('signatures are plain RFC 8032 Ed25519: an independent implementation verifies ours, and ours verifies its', async () => {
    const { ed25519 } = await import('@noble/curves/ed25519.js')
    const { generateSigningKeyPair: gen, sign: ours, verify: ourVerify } = await import('../../src/crypto/index.js')
    const { secretKey, publicKey } = gen()
    const message = new TextEncoder().encode('interop')
    const input = new Uint8Array([...new TextEncoder().encode('d'), 0, ...message])
    assert.equal(ed25519.verify(ours(secretKey, 'd', message), input, publicKey), true)
    assert.equal(ourVerify(publicKey, 'd', message, ed25519.sign(input, secretKey)), true)
    // A key that is not a curve point is refused, not thrown on.
    assert.equal(ourVerify(new Uint8Array(32).fill(0xff), 'd', message, new Uint8Array(64)), false)
  })
})
