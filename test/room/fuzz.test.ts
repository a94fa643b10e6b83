/**
 * Property-based fuzzing of the room decoders: parseRoomId over any text, and
 * ReplayWindow.fromJSON over any JSON (a damaged state file must not crash the client).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseRoomId, ReplayWindow } from '../../src/room/index.js'
import { ROOM_ID_PATTERN } from '../../src/constants.js'
import { onlyTyped } from '../unit-helpers.js'

const RUNS = 1000
const hexKey = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })

describe('room decoders under fuzzing', () => {
  it('parseRoomId throws only InvalidRoomIdError, and what it returns is canonical', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF \t\ng'), minLength: 28, maxLength: 36 })
    )
    fc.assert(fc.property(text, (t) => {
      let id: string | undefined
      onlyTyped(() => { id = parseRoomId(t) }, new Set(['InvalidRoomIdError']))
      if (id != null) {
        assert.match(id, ROOM_ID_PATTERN)
        assert.equal(parseRoomId(id), id)
        assert.equal(id, t.trim().toLowerCase())
      }
    }), { numRuns: RUNS })
  })

  it('ReplayWindow.fromJSON never throws on any value, and what it builds works', () => {
    const entry = fc.oneof(
      fc.record({
        top: fc.oneof(fc.bigInt({ min: -5n, max: 2n ** 70n }).map(String), fc.jsonValue(), fc.string({ maxLength: 10 })),
        bits: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 1100n }).map((b) => b.toString(16)), fc.jsonValue(), fc.string({ maxLength: 10 }))
      }, { requiredKeys: [] }),
      fc.anything()
    )
    const state = fc.oneof(
      fc.anything(),
      fc.jsonValue(),
      fc.dictionary(fc.oneof(hexKey, fc.string({ maxLength: 70 })), entry, { maxKeys: 8 })
    )
    fc.assert(fc.property(state, fc.bigInt({ min: -1n, max: 5000n }), (json, seq) => {
      const rw = ReplayWindow.fromJSON(json)
      const out = rw.toJSON()
      for (const [sender, v] of Object.entries(out)) {
        assert.match(sender, /^[0-9a-f]{64}$/)
        assert.ok(BigInt(v.top) >= 1n)
        // What was loaded decides consistently and survives another round trip.
        assert.equal(rw.accept(sender, BigInt(v.top)), false)
        const first = rw.check(sender, seq)
        assert.equal(rw.accept(sender, seq), first)
        if (first) assert.equal(rw.accept(sender, seq), false)
      }
      assert.deepEqual(ReplayWindow.fromJSON(JSON.parse(JSON.stringify(rw.toJSON()))).toJSON(), rw.toJSON())
    }), { numRuns: RUNS })
  })
})
