import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { equalBytes } from '../../src/crypto/index.js'

describe('crypto/bytes equalBytes', () => {
  it('compares contents and lengths', () => {
    assert.equal(equalBytes(new Uint8Array(0), new Uint8Array(0)), true)
    assert.equal(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3)), true)
    assert.equal(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4)), false)
    assert.equal(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2)), false)
    assert.equal(equalBytes(Uint8Array.of(0), new Uint8Array(0)), false)
  })

  it('agrees with a naive comparison on arbitrary inputs', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
      const naive = a.length === b.length && a.every((v, i) => v === b[i])
      assert.equal(equalBytes(a, b), naive)
      assert.equal(equalBytes(a, Uint8Array.from(a)), true)
    }), { numRuns: 500 })
  })
})
