import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { colorForFingerprint, NICK_PALETTE, OWN_COLOR } from '../../src/tui/colors.js'

const fingerprint = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 })

describe('nick colours', () => {
  it('the palette has about a dozen readable colours, none black, white or default', () => {
    assert.ok(NICK_PALETTE.length >= 10 && NICK_PALETTE.length <= 16)
    assert.equal(new Set(NICK_PALETTE).size, NICK_PALETTE.length)
    for (const bad of ['black', 'white', 'default', 'blue', 'grey', 'gray', 'light-black', 'normal']) {
      assert.ok(!NICK_PALETTE.includes(bad), bad)
    }
    for (const c of NICK_PALETTE) assert.match(c, /^(?:(?:light-)?(?:red|green|yellow|blue|magenta|cyan)|#[0-9a-f]{6})$/)
    assert.ok(!NICK_PALETTE.includes(OWN_COLOR))
  })

  it('is stable per fingerprint and ignores case', () => {
    fc.assert(fc.property(fingerprint, (fp) => {
      const c = colorForFingerprint(fp)
      assert.ok(NICK_PALETTE.includes(c))
      assert.equal(colorForFingerprint(fp), c)
      assert.equal(colorForFingerprint(fp.toUpperCase()), c)
    }))
    // pinned: a change of hash or palette order recolours everyone between versions
    assert.equal(colorForFingerprint('0'.repeat(40)), 'red')
    assert.equal(colorForFingerprint('abcd1234ef567890abcd1234ef567890abcd1234'), 'yellow')
  })

  it('spreads 200 random fingerprints over most of the palette', () => {
    const fps = fc.sample(fingerprint, { numRuns: 200, seed: 42 })
    const counts = new Map<string, number>()
    for (const fp of fps) counts.set(colorForFingerprint(fp), (counts.get(colorForFingerprint(fp)) ?? 0) + 1)
    assert.ok(counts.size >= NICK_PALETTE.length - 2, `only ${counts.size} colours used`)
    assert.ok(Math.max(...counts.values()) < 50, 'one colour takes a quarter of everyone')
  })

  it('fingerprints one character apart usually differ', () => {
    const base = 'a'.repeat(39)
    const colours = new Set('0123456789abcdef'.split('').map((c) => colorForFingerprint(base + c)))
    assert.ok(colours.size >= 5, `${colours.size} colours for 16 neighbours`)
  })
})
