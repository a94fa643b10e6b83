import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { displayWidth, graphemes, truncate, wrap } from '../../src/tui/width.js'

const WORD_SEPARATOR = /[ \t\n\v\f\r]+/

/** Check that the pieces on `lines` put back together give exactly `words`, in order. */
function assertRejoins (lines: string[], text: string, cols: number): void {
  const words = text.split(WORD_SEPARATOR).filter((w) => w !== '')
  const pieces = lines.flatMap((line) => (line === '' ? [] : line.split(' ')))
  let p = 0
  for (const word of words) {
    let built = ''
    while (built.length < word.length && p < pieces.length) built += pieces[p++]
    assert.equal(built, word, `cols=${cols} lines=${JSON.stringify(lines)}`)
  }
  assert.equal(p, pieces.length, 'extra pieces')
  assert.ok(pieces.every((piece) => piece !== ''), 'empty piece (double or edge space)')
  // a word that fits on a line is never broken
  if (words.every((w) => displayWidth(w) <= cols)) assert.deepEqual(pieces, words)
}

describe('displayWidth', () => {
  it('counts emoji and CJK as two columns', () => {
    assert.equal(displayWidth('abc'), 3)
    assert.equal(displayWidth('👩‍👩‍👧'), 2)
    assert.equal(displayWidth('👩‍👩‍👧 family'), 9)
    assert.equal(displayWidth('🇫🇷'), 2)
    assert.equal(displayWidth('漢字テスト'), 10)
    assert.equal(displayWidth('e\u0301'), 1)
    assert.equal(displayWidth(''), 0)
  })

  it('is the sum of the widths of the graphemes (wrap and truncate rely on it)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
      assert.equal(displayWidth(s), graphemes(s).reduce((sum, g) => sum + displayWidth(g), 0))
    }), { numRuns: 500 })
  })
})

describe('truncate', () => {
  it('leaves text that fits alone', () => {
    assert.equal(truncate('hello', 5), 'hello')
    assert.equal(truncate('漢字', 4), '漢字')
  })

  it('cuts by display width, with an ellipsis by default', () => {
    assert.equal(truncate('hello world', 8), 'hello w…')
    assert.equal(truncate('hello world', 8, ''), 'hello wo')
    assert.equal(truncate('漢字テスト', 5), '漢字…')
    assert.equal(truncate('漢字テスト', 4, ''), '漢字')
    assert.equal(truncate('漢字テスト', 3, ''), '漢')
    assert.equal(truncate('abc', 0), '')
    assert.equal(truncate('abc', -3), '')
    assert.equal(truncate('abcdef', 2, '...'), 'ab')
  })

  it('never splits a grapheme or surrogate pair', () => {
    assert.equal(truncate('👩‍👩‍👧👩‍👩‍👧', 3, ''), '👩‍👩‍👧')
    assert.equal(truncate('🇫🇷🇫🇷', 3, ''), '🇫🇷')
    assert.equal(truncate('a🇫🇷', 2, ''), 'a')
    assert.equal(truncate('e\u0301e\u0301', 1, ''), 'e\u0301')
  })

  it('fuzz: fits, is a grapheme prefix (+ ellipsis)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (s, cols) => {
      const out = truncate(s, cols)
      assert.ok(displayWidth(out) <= cols)
      const body = out === s ? s : out.replace(/…$/u, '')
      assert.ok(s.startsWith(body))
      assert.equal(graphemes(s).slice(0, graphemes(body).length).join(''), body)
    }), { numRuns: 500 })
  })
})

describe('wrap', () => {
  it('wraps words by width', () => {
    assert.deepEqual(wrap('the quick brown fox', 10), ['the quick', 'brown fox'])
    assert.deepEqual(wrap('  spaced   out  ', 20), ['spaced out'])
    assert.deepEqual(wrap('', 10), [''])
    assert.deepEqual(wrap('   ', 10), [''])
    assert.deepEqual(wrap('a\nb', 10), ['a b'])
  })

  it('breaks long words by grapheme, on a line of their own', () => {
    assert.deepEqual(wrap('hi abcdefghij', 4), ['hi', 'abcd', 'efgh', 'ij'])
    assert.deepEqual(wrap('漢字テスト', 4), ['漢字', 'テス', 'ト'])
    assert.deepEqual(wrap('漢字テスト', 5), ['漢字', 'テス', 'ト'])
    assert.deepEqual(wrap('👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧 family', 4), ['👩‍👩‍👧👩‍👩‍👧', '👩‍👩‍👧', 'fami', 'ly'])
    assert.deepEqual(wrap('👩‍👩‍👧 family', 9), ['👩‍👩‍👧 family'])
    assert.deepEqual(wrap('👩‍👩‍👧 family', 8), ['👩‍👩‍👧', 'family'])
    assert.deepEqual(wrap('🇫🇷🇫🇷🇫🇷', 5), ['🇫🇷🇫🇷', '🇫🇷'])
  })

  it('terminates for tiny widths; a too-wide grapheme gets its own line', () => {
    assert.deepEqual(wrap('abc', 1), ['a', 'b', 'c'])
    assert.deepEqual(wrap('abc', 0), ['a', 'b', 'c'])
    assert.deepEqual(wrap('ab', -5), ['a', 'b'])
    assert.deepEqual(wrap('ab', Number.NaN), ['a', 'b'])
    assert.deepEqual(wrap('漢字', 1), ['漢', '字'])
  })

  it('fuzz: no line wider than cols (bar a lone too-wide grapheme), words rejoin', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '  ', '漢', '👩‍👩‍👧', '🇫🇷', 'e\u0301', '\t', '\n'), maxLength: 60 }),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 })
    )
    fc.assert(fc.property(text, fc.integer({ min: -2, max: 30 }), (s, cols) => {
      const lines = wrap(s, cols)
      assert.ok(lines.length >= 1)
      const max = Math.max(1, cols)
      for (const line of lines) {
        assert.ok(displayWidth(line) <= max || graphemes(line).length === 1,
          `line ${JSON.stringify(line)} is ${displayWidth(line)} wide, cols=${cols}`)
        assert.ok(!line.startsWith(' ') && !line.endsWith(' '))
      }
      assertRejoins(lines, s, max)
    }), { numRuns: 1000 })
  })

  it('fuzz: with cols >= 2 and ordinary graphemes, lines never exceed cols', () => {
    const unit = fc.constantFrom('a', 'Z', ' ', '漢', 'テ', '👩‍👩‍👧', '🇫🇷', '❤️', 'e\u0301', '{', '…')
    fc.assert(fc.property(fc.string({ unit, maxLength: 80 }), fc.integer({ min: 2, max: 30 }), (s, cols) => {
      for (const line of wrap(s, cols)) assert.ok(displayWidth(line) <= cols)
    }), { numRuns: 1000 })
  })
})
