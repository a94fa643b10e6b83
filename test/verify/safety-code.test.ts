import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { generateSigningKeyPair } from '../../src/crypto/index.js'
import { safetyCode, safetyCodeLines, SAFETY_CODE_DIGITS } from '../../src/identity/index.js'
import { flip, throwsNamed } from '../unit-helpers.js'

const KEY_A = Uint8Array.from({ length: 32 }, (_, i) => i)
const KEY_B = Uint8Array.from({ length: 32 }, (_, i) => i + 32)

describe('safety code', () => {
  it('matches the known-answer vectors (computed independently, with Python hashlib)', () => {
    // SHA-512 over "cryptochat/1/safety" | min | max, then 5199 times over h | min | max;
    // twelve 40-bit big-endian slices mod 100000.
    assert.equal(safetyCode(KEY_A, KEY_B), '302743006296701489534696202769267500470995411897059000174191')
    assert.equal(safetyCode(new Uint8Array(32), new Uint8Array(32).fill(0xff)), '099587053501604484304273414482211780485646678691488322066005')
  })

  it('is the same whichever side computes it', () => {
    assert.equal(safetyCode(KEY_B, KEY_A), safetyCode(KEY_A, KEY_B))
    const a = generateSigningKeyPair().publicKey
    const b = generateSigningKeyPair().publicKey
    assert.equal(safetyCode(a, b), safetyCode(b, a))
  })

  it('is 60 digits, shown as 3 lines of 4 groups of 5', () => {
    const code = safetyCode(KEY_A, KEY_B)
    assert.equal(SAFETY_CODE_DIGITS, 60)
    assert.match(code, /^[0-9]{60}$/)
    assert.deepEqual(safetyCodeLines(code), ['30274 30062 96701 48953', '46962 02769 26750 04709', '95411 89705 90001 74191'])
  })

  it('changes when either key changes, in any byte', () => {
    const base = safetyCode(KEY_A, KEY_B)
    for (const i of [0, 15, 31]) {
      assert.notEqual(safetyCode(flip(KEY_A, i), KEY_B), base, `key A byte ${i}`)
      assert.notEqual(safetyCode(KEY_A, flip(KEY_B, i, 0x80)), base, `key B byte ${i}`)
    }
  })

  it('property: order-independent, and a different pair gives a different code', () => {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 })
    fc.assert(fc.property(key, key, key, (a, b, c) => {
      const ab = safetyCode(a, b)
      assert.equal(safetyCode(b, a), ab)
      if (Buffer.compare(c, a) !== 0 && Buffer.compare(c, b) !== 0) assert.notEqual(safetyCode(a, c), ab)
    }), { numRuns: 15 })
  })

  it('refuses keys of the wrong length', () => {
    throwsNamed(() => safetyCode(KEY_A.slice(1), KEY_B), 'KeyLengthError')
    throwsNamed(() => safetyCode(KEY_A, new Uint8Array(64)), 'KeyLengthError')
  })
})
