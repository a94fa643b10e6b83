import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { deriveKey, hash, bytesToHex } from '../../src/crypto/index.js'
import { hex } from '../unit-helpers.js'

const encoder = new TextEncoder()

describe('crypto/kdf', () => {
  // RFC 5869 test case 3 (SHA-256, zero-length salt and info): the one case whose info
  // can be given as a text label.
  it('matches RFC 5869 test case 3 (HKDF-SHA256, empty salt and info)', () => {
    const ikm = new Uint8Array(22).fill(0x0b)
    const okm = deriveKey(ikm, new Uint8Array(0), '', 42)
    assert.equal(bytesToHex(okm),
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8')
  })

  it('defaults to 32 bytes, and a shorter output is a prefix of a longer one', () => {
    const ikm = new Uint8Array(22).fill(0x0b)
    const k32 = deriveKey(ikm, new Uint8Array(0), '')
    assert.equal(k32.length, 32)
    assert.deepEqual(k32, hex('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d'))
    assert.deepEqual(deriveKey(ikm, new Uint8Array(0), '', 16), k32.subarray(0, 16))
  })

  it('is deterministic and separates by info label, salt and input key', () => {
    const ikm = encoder.encode('room secret room secret room sec')
    const salt = encoder.encode('room id 0123456')
    const a = deriveKey(ikm, salt, 'cryptochat/1/topic')
    assert.deepEqual(deriveKey(ikm, salt, 'cryptochat/1/topic'), a)
    const others = [
      deriveKey(ikm, salt, 'cryptochat/1/epoch-key/0'),
      deriveKey(ikm, salt, 'cryptochat/1/topic '),
      deriveKey(ikm, encoder.encode('room id 0123457'), 'cryptochat/1/topic'),
      deriveKey(encoder.encode('room secret room secret room seC'), salt, 'cryptochat/1/topic')
    ]
    for (const other of others) assert.notDeepEqual(other, a)
    assert.equal(new Set([a, ...others].map(bytesToHex)).size, 5)
  })

  it('hash is SHA-256 (FIPS 180-2 "abc" and empty-string vectors)', () => {
    assert.equal(bytesToHex(hash(encoder.encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    assert.equal(bytesToHex(hash(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })
})
