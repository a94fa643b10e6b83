import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { seal, open, randomBytes, DecryptionError, KeyLengthError } from '../../src/crypto/index.js'
import { NONCE_BYTES } from '../../src/constants.js'
import { flip, hex, throwsNamed } from '../unit-helpers.js'

const encoder = new TextEncoder()

// draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305).
const A31 = {
  plaintext: encoder.encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."),
  aad: hex('50515253c0c1c2c3c4c5c6c7'),
  key: hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'),
  nonce: hex('404142434445464748494a4b4c4d4e4f5051525354555657'),
  ciphertext: hex(`
    bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
    731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
    2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
    21f9664c97637da9768812f615c68b13b52e`),
  tag: hex('c0875924c1c7987947deafd8780acf49')
}

describe('crypto/aead', () => {
  it('seals and opens a round trip', () => {
    const key = randomBytes(32)
    const aad = encoder.encode('associated')
    const plaintext = encoder.encode('hello, room')
    const { nonce, ciphertext } = seal(key, aad, plaintext)
    assert.equal(nonce.length, NONCE_BYTES)
    assert.equal(ciphertext.length, plaintext.length + 16, 'ciphertext carries a 16-byte tag')
    assert.notDeepEqual(ciphertext.subarray(0, plaintext.length), plaintext)
    assert.deepEqual(open(key, nonce, aad, ciphertext), plaintext)
  })

  it('round-trips an empty plaintext and empty associated data', () => {
    const key = randomBytes(32)
    const { nonce, ciphertext } = seal(key, new Uint8Array(0), new Uint8Array(0))
    assert.equal(ciphertext.length, 16)
    assert.deepEqual(open(key, nonce, new Uint8Array(0), ciphertext), new Uint8Array(0))
  })

  it('uses a fresh random nonce every time', () => {
    const key = randomBytes(32)
    const pt = encoder.encode('same')
    const a = seal(key, new Uint8Array(0), pt)
    const b = seal(key, new Uint8Array(0), pt)
    assert.notDeepEqual(a.nonce, b.nonce)
    assert.notDeepEqual(a.ciphertext, b.ciphertext)
  })

  it('opens the draft-irtf-cfrg-xchacha A.3.1 known-answer vector', () => {
    const sealed = new Uint8Array([...A31.ciphertext, ...A31.tag])
    assert.deepEqual(open(A31.key, A31.nonce, A31.aad, sealed), A31.plaintext)
  })

  it('rejects the A.3.1 vector with any single bit flipped (ciphertext or tag)', () => {
    const sealed = new Uint8Array([...A31.ciphertext, ...A31.tag])
    for (let i = 0; i < sealed.length; i++) {
      for (const mask of [0x01, 0x80]) {
        throwsNamed(() => open(A31.key, A31.nonce, A31.aad, flip(sealed, i, mask)), 'DecryptionError', `byte ${i} mask ${mask}`)
      }
    }
  })

  it('rejects the A.3.1 vector under a wrong key, nonce or associated data', () => {
    const sealed = new Uint8Array([...A31.ciphertext, ...A31.tag])
    throwsNamed(() => open(flip(A31.key, 0), A31.nonce, A31.aad, sealed), 'DecryptionError')
    throwsNamed(() => open(A31.key, flip(A31.nonce, 23), A31.aad, sealed), 'DecryptionError')
    throwsNamed(() => open(A31.key, A31.nonce, flip(A31.aad, 11), sealed), 'DecryptionError')
    throwsNamed(() => open(A31.key, A31.nonce, A31.aad.subarray(1), sealed), 'DecryptionError')
    throwsNamed(() => open(A31.key, A31.nonce, new Uint8Array(0), sealed), 'DecryptionError')
  })

  it('throws DecryptionError (an instance) for truncated or empty ciphertexts', () => {
    const key = randomBytes(32)
    const { nonce, ciphertext } = seal(key, new Uint8Array(0), encoder.encode('abc'))
    for (let len = 0; len < ciphertext.length; len++) {
      assert.throws(() => open(key, nonce, new Uint8Array(0), ciphertext.subarray(0, len)), DecryptionError)
    }
  })

  it('refuses a nonce of the wrong length with DecryptionError', () => {
    const key = randomBytes(32)
    const { nonce, ciphertext } = seal(key, new Uint8Array(0), encoder.encode('abc'))
    throwsNamed(() => open(key, nonce.subarray(0, 12), new Uint8Array(0), ciphertext), 'DecryptionError')
    throwsNamed(() => open(key, new Uint8Array(25), new Uint8Array(0), ciphertext), 'DecryptionError')
  })

  it('refuses keys that are not 32 bytes with KeyLengthError', () => {
    for (const len of [0, 16, 31, 33, 64]) {
      assert.throws(() => seal(new Uint8Array(len), new Uint8Array(0), new Uint8Array(1)), KeyLengthError)
      assert.throws(() => open(new Uint8Array(len), new Uint8Array(NONCE_BYTES), new Uint8Array(0), new Uint8Array(17)), KeyLengthError)
    }
  })
})
