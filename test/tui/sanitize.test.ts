import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { sanitizeText, sanitizeNick, visibleText, escapeTags, NICK_COLUMNS } from '../../src/tui/sanitize.js'
import { displayWidth } from '../../src/tui/width.js'
import { assertNoControls, assertNoRawBraces, blessedParse } from './tags.js'

const HOSTILE = [
  '\x1b[2J', '\x1b]0;title\x07', '\x07', '\r', '\b', '\0', '\x7f', '\x9b31m', '\x85',
  '{red-fg}x{/red-fg}', '{bold}', '{/}', '{escape}{red-fg}{/escape}', '{open}', '}{',
  'abc\u202Edef', '\u2066x\u2069', '\u200e\u200f', '\ufeffbom', '\ud800 lone', 'x\udfff',
  'mixed \x1b[31m{bold}red\x1b[0m\r\n\u202E{/bold}\x08\x08'
]

describe('sanitizeText', () => {
  it('removes every control character and tag from hostile strings', () => {
    for (const input of HOSTILE) {
      const out = sanitizeText(input)
      assertNoControls(out, `from ${JSON.stringify(input)}`)
      assertNoRawBraces(out, `from ${JSON.stringify(input)}`)
    }
  })

  it('shows controls in visible forms', () => {
    assert.equal(sanitizeText('\x1b[2J'), '^[[2J')
    assert.equal(sanitizeText('\x1b]0;title\x07'), '^[]0;title^G')
    assert.equal(sanitizeText('a\bb'), 'a^Hb')
    assert.equal(sanitizeText('a\rb'), 'a^Mb')
    assert.equal(sanitizeText('\0\x7f'), '^@^?')
    assert.equal(sanitizeText('\x9b'), '<U+009B>')
    assert.equal(sanitizeText('abc\u202Edef'), 'abc<U+202E>def')
    assert.equal(sanitizeText('\u2066x\u2069'), '<U+2066>x<U+2069>')
    assert.equal(sanitizeText('\ud800'), '<U+D800>')
  })

  it('escapes blessed tags as blessed does', () => {
    assert.equal(sanitizeText('{red-fg}x{/red-fg}'), '{open}red-fg{close}x{open}/red-fg{close}')
    assert.equal(sanitizeText('{bold}'), '{open}bold{close}')
    assert.equal(escapeTags('}{'), '{close}{open}')
  })

  it('blessed draws the hostile strings literally, with no style', () => {
    for (const input of HOSTILE) {
      const { drawn, styles } = blessedParse(sanitizeText(input))
      assert.deepEqual(styles, [], `blessed applied styles for ${JSON.stringify(input)}`)
      assert.equal(drawn, visibleText(input))
    }
  })

  it('makes one line: newlines and tabs become one space', () => {
    assert.equal(sanitizeText('a\nb\tc'), 'a b c')
    assert.equal(sanitizeText('a\r\n\r\nb'), 'a b')
    assert.equal(sanitizeText('a\u2028b\u2029c'), 'a b c')
    assert.equal(sanitizeText('a\n\t\nb'), 'a b')
  })

  it('keeps emoji sequences, CJK and ordinary text intact', () => {
    for (const ok of ['👩‍👩‍👧 family', '🇫🇷', '漢字テスト', '❤️ ☺︎', 'café naïve', '🏴󠁧󠁢󠁳󠁣󠁴󠁿 scotland', 'plain text, (parens) [brackets] <angles>']) {
      assert.equal(sanitizeText(ok), ok)
    }
  })

  it('shows tag characters outside emoji flags (hidden-text smuggling)', () => {
    assert.equal(sanitizeText('hi\u{E0041}'), 'hi<U+E0041>')
  })

  it('fuzz: no control characters, no raw braces, one line, blessed draws it literally', () => {
    fc.assert(fc.property(fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('{', '}', '/', 'red-fg', 'bold', 'open', 'escape', '\x1b', '[', '\n', '\r', '\u202e', 'a'), maxLength: 30 })
    ), (input) => {
      const out = sanitizeText(input)
      assertNoControls(out)
      assertNoRawBraces(out)
      assert.ok(!out.includes('\n'))
      const { drawn, styles } = blessedParse(out)
      assert.deepEqual(styles, [])
      assert.equal(drawn, visibleText(input))
    }), { numRuns: 500 })
  })
})

describe('sanitizeNick', () => {
  it('sanitizes like sanitizeText', () => {
    assert.equal(sanitizeNick('{bold}bob\x1b[2J'), '{open}bold{close}bob^[[2J')
  })

  it(`cuts at ${NICK_COLUMNS} columns with an ellipsis, measuring what is seen`, () => {
    assert.equal(sanitizeNick('a'.repeat(32)), 'a'.repeat(32))
    assert.equal(sanitizeNick('a'.repeat(33)), 'a'.repeat(31) + '…')
    const wide = sanitizeNick('漢'.repeat(20))
    assert.equal(wide, '漢'.repeat(15) + '…')
    // braces count one column each and the cut never splits an {open}
    const braces = sanitizeNick('{'.repeat(40))
    assert.equal(braces, '{open}'.repeat(31) + '…')
  })

  it('fuzz: at most 32 columns once unescaped, and safe', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (nick) => {
      const out = sanitizeNick(nick)
      assertNoControls(out)
      assertNoRawBraces(out)
      assert.ok(displayWidth(blessedParse(out).drawn) <= NICK_COLUMNS)
    }), { numRuns: 300 })
  })
})
