import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { InputLine, MAX_HISTORY } from '../../src/tui/input-line.js'

const THUMBS = '👍' // U+1F44D: two UTF-16 code units
const CJK = '𠀀' // U+20000, CJK Extension B: two UTF-16 code units
const FISH = '𩸽' // U+29E3D

/** An input line holding `text`, cursor at `cursor` (default: the end). */
function line (text: string, cursor = text.length): InputLine {
  const input = new InputLine()
  input.set(text)
  input.cursor = cursor
  return input
}

/** Is `index` on a code point boundary of `text` (not between two halves of a pair)? */
function onBoundary (text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return true
  const before = text.charCodeAt(index - 1)
  const after = text.charCodeAt(index)
  return !(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff)
}

/** Text with `|` at the cursor, for readable assertions. */
const show = (input: InputLine): string => input.text.slice(0, input.cursor) + '|' + input.text.slice(input.cursor)

describe('InputLine editing', () => {
  it('starts empty', () => {
    const input = new InputLine()
    assert.equal(show(input), '|')
  })

  it('insert at the cursor, which moves past the inserted text', () => {
    const input = new InputLine()
    input.insert('hello')
    assert.equal(show(input), 'hello|')
    input.home()
    input.insert('> ')
    assert.equal(show(input), '> |hello')
    input.right()
    input.insert(THUMBS)
    assert.equal(show(input), `> h${THUMBS}|ello`)
    input.insert('')
    assert.equal(show(input), `> h${THUMBS}|ello`)
  })

  it('left and right step over whole code points', () => {
    const input = line(`a${THUMBS}${CJK}b`)
    const positions: number[] = [input.cursor]
    for (let i = 0; i < 5; i++) { input.left(); positions.push(input.cursor) }
    assert.deepEqual(positions, [6, 5, 3, 1, 0, 0])
    positions.length = 0
    for (let i = 0; i < 5; i++) { input.right(); positions.push(input.cursor) }
    assert.deepEqual(positions, [1, 3, 5, 6, 6])
  })

  it('backspace deletes the whole code point before the cursor', () => {
    const input = line(`a${THUMBS}${FISH}`)
    input.backspace()
    assert.equal(show(input), `a${THUMBS}|`)
    input.backspace()
    assert.equal(show(input), 'a|')
    input.backspace()
    assert.equal(show(input), '|')
    input.backspace()
    assert.equal(show(input), '|')
  })

  it('backspace in the middle keeps the text after the cursor', () => {
    const input = line(`x${CJK}y`, 3)
    input.backspace()
    assert.equal(show(input), 'x|y')
  })

  it('deleteForward deletes the whole code point under the cursor', () => {
    const input = line(`${THUMBS}${CJK}z`, 0)
    input.deleteForward()
    assert.equal(show(input), `|${CJK}z`)
    input.deleteForward()
    assert.equal(show(input), '|z')
    input.deleteForward()
    assert.equal(show(input), '|')
    input.deleteForward()
    assert.equal(show(input), '|')
  })

  it('deleteForward at the end does nothing', () => {
    const input = line(`ab${THUMBS}`)
    input.deleteForward()
    assert.equal(show(input), `ab${THUMBS}|`)
  })

  it('home and end', () => {
    const input = line(`ab${THUMBS}cd`, 2)
    input.end()
    assert.equal(input.cursor, input.text.length)
    input.home()
    assert.equal(input.cursor, 0)
    assert.equal(input.text, `ab${THUMBS}cd`)
  })

  it('killToStart deletes everything before the cursor', () => {
    const input = line(`hello ${THUMBS} world`, 8)
    input.killToStart()
    assert.equal(show(input), '| world')
    input.end()
    input.killToStart()
    assert.equal(show(input), '|')
  })

  it('killWord deletes the word (and the spaces after it) before the cursor', () => {
    const input = line('say hello  world')
    input.killWord()
    assert.equal(show(input), 'say hello  |')
    input.killWord()
    assert.equal(show(input), 'say |')
    input.killWord()
    assert.equal(show(input), '|')
    input.killWord()
    assert.equal(show(input), '|')
  })

  it('killWord in the middle keeps the text after the cursor, and handles astral words', () => {
    const input = line(`one ${CJK}${THUMBS} three`, 8)
    assert.equal(show(input), `one ${CJK}${THUMBS}| three`)
    input.killWord()
    assert.equal(show(input), 'one | three')
  })

  it('set replaces the line, cursor at the end', () => {
    const input = line('old', 1)
    input.set(`new ${THUMBS}`)
    assert.equal(show(input), `new ${THUMBS}|`)
  })
})

describe('InputLine history', () => {
  it('take returns the line and clears it', () => {
    const input = line('hello', 2)
    assert.equal(input.take(), 'hello')
    assert.equal(show(input), '|')
  })

  it('take returns blank lines too, but does not remember them', () => {
    const input = new InputLine()
    input.set('first')
    input.take()
    input.set('   ')
    assert.equal(input.take(), '   ')
    assert.equal(input.take(), '')
    input.historyUp()
    assert.equal(input.text, 'first')
    input.historyUp()
    assert.equal(input.text, 'first')
  })

  it('take skips consecutive duplicates but keeps repeats further apart', () => {
    const input = new InputLine()
    for (const t of ['a', 'a', 'b', 'a', 'a']) { input.set(t); input.take() }
    const walked: string[] = []
    for (let i = 0; i < 5; i++) { input.historyUp(); walked.push(input.text) }
    assert.deepEqual(walked, ['a', 'b', 'a', 'a', 'a'])
  })

  it('Up and Down walk the history and restore the draft being typed', () => {
    const input = new InputLine()
    for (const t of ['one', 'two', 'three']) { input.set(t); input.take() }
    input.insert('dra')
    input.left()
    const walk: string[] = []
    const step = (dir: 'up' | 'down'): void => {
      if (dir === 'up') input.historyUp()
      else input.historyDown()
      assert.equal(input.cursor, input.text.length, 'cursor at the end after a history step')
      walk.push(input.text)
    }
    step('up'); step('up'); step('up'); step('up')
    assert.deepEqual(walk, ['three', 'two', 'one', 'one'])
    walk.length = 0
    step('down'); step('down'); step('down'); step('down')
    assert.deepEqual(walk, ['two', 'three', 'dra', 'dra'])
  })

  it('Down with nothing browsed keeps the line', () => {
    const input = new InputLine()
    input.set('x')
    input.take()
    input.insert('typing')
    input.historyDown()
    assert.equal(show(input), 'typing|')
  })

  it('Up with an empty history keeps the line', () => {
    const input = line('typing')
    input.historyUp()
    assert.equal(show(input), 'typing|')
  })

  it('sending a recalled line starts the next walk from the newest entry again', () => {
    const input = new InputLine()
    for (const t of ['one', 'two']) { input.set(t); input.take() }
    input.historyUp()
    input.historyUp()
    assert.equal(input.take(), 'one')
    input.historyUp()
    assert.equal(input.text, 'one')
    input.historyUp()
    assert.equal(input.text, 'two')
    input.historyDown()
    input.historyDown()
    assert.equal(input.text, '')
  })

  it(`keeps at most MAX_HISTORY (${MAX_HISTORY}) entries, the newest`, () => {
    const input = new InputLine()
    const total = MAX_HISTORY + 7
    for (let i = 0; i < total; i++) { input.set(`line ${i}`); input.take() }
    let steps = 0
    let previous = ''
    for (;;) {
      input.historyUp()
      if (input.text === previous) break
      previous = input.text
      steps++
      assert.ok(steps <= total)
    }
    assert.equal(steps, MAX_HISTORY)
    assert.equal(input.text, `line ${total - MAX_HISTORY}`)
  })
})

type Op =
  | { op: 'insert', text: string }
  | { op: 'backspace' | 'deleteForward' | 'left' | 'right' | 'home' | 'end' | 'killToStart' | 'killWord' | 'take' | 'historyUp' | 'historyDown' }

const editOps = ['backspace', 'deleteForward', 'left', 'right', 'home', 'end', 'killToStart', 'killWord'] as const
/** Well-formed text, rich in astral code points and spaces. */
const textArb = fc.array(fc.oneof(
  fc.constantFrom('a', 'Z', ' ', '\t', THUMBS, CJK, FISH, 'é', '中', '\u0301', '👍🏽'),
  fc.string({ unit: 'binary', maxLength: 3 })
), { maxLength: 4 }).map((parts) => parts.join(''))
const editOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: textArb.map((text) => ({ op: 'insert' as const, text })) },
  { weight: 5, arbitrary: fc.constantFrom(...editOps).map((op) => ({ op })) }
)
const anyOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: editOpArb },
  { weight: 1, arbitrary: fc.constantFrom('take', 'historyUp', 'historyDown').map((op) => ({ op: op as 'take' })) }
)

function apply (input: InputLine, o: Op): void {
  if (o.op === 'insert') input.insert(o.text)
  else input[o.op]()
}

/** A reference implementation over code points, for the editing operations. */
class Reference {
  chars: string[] = []
  at = 0
  apply (o: Op): void {
    switch (o.op) {
      case 'insert': { const cs = Array.from(o.text); this.chars.splice(this.at, 0, ...cs); this.at += cs.length; break }
      case 'backspace': if (this.at > 0) { this.chars.splice(this.at - 1, 1); this.at-- } break
      case 'deleteForward': this.chars.splice(this.at, 1); break
      case 'left': this.at = Math.max(0, this.at - 1); break
      case 'right': this.at = Math.min(this.chars.length, this.at + 1); break
      case 'home': this.at = 0; break
      case 'end': this.at = this.chars.length; break
      case 'killToStart': this.chars.splice(0, this.at); this.at = 0; break
      case 'killWord': {
        const space = (c: string | undefined): boolean => c != null && /\s/u.test(c)
        let start = this.at
        while (start > 0 && space(this.chars[start - 1])) start--
        if (start === 0) break // only spaces before the cursor: nothing to kill
        while (start > 0 && !space(this.chars[start - 1])) start--
        this.chars.splice(start, this.at - start)
        this.at = start
        break
      }
      default: throw new Error(`not an editing op: ${o.op}`)
    }
  }
}

describe('InputLine properties', () => {
  it('any sequence of operations keeps the cursor in range and on a code point boundary', () => {
    fc.assert(fc.property(fc.array(anyOpArb, { maxLength: 60 }), (ops) => {
      const input = new InputLine()
      for (const o of ops) {
        apply(input, o)
        assert.ok(input.cursor >= 0 && input.cursor <= input.text.length, `cursor ${input.cursor} of ${input.text.length} after ${o.op}`)
        assert.ok(Number.isInteger(input.cursor))
        assert.ok(onBoundary(input.text, input.cursor), `cursor splits a surrogate pair after ${o.op}: ${JSON.stringify(input.text)} @${input.cursor}`)
        assert.ok(!/\p{Cs}/u.test(input.text), `lone surrogate after ${o.op}`)
      }
    }), { numRuns: 1000 })
  })

  it('editing matches a code-point reference implementation', () => {
    fc.assert(fc.property(fc.array(editOpArb, { maxLength: 50 }), (ops) => {
      const input = new InputLine()
      const ref = new Reference()
      for (const o of ops) {
        apply(input, o)
        ref.apply(o)
        assert.equal(input.text, ref.chars.join(''), `text after ${o.op}`)
        assert.equal(input.cursor, ref.chars.slice(0, ref.at).join('').length, `cursor after ${o.op}`)
      }
    }), { numRuns: 1000 })
  })

  it('history never holds blank lines or consecutive duplicates', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', ' ', '', 'a '), { maxLength: 30 }), (sent) => {
      const input = new InputLine()
      for (const t of sent) { input.set(t); assert.equal(input.take(), t) }
      const expected: string[] = []
      for (const t of sent) if (t.trim() !== '' && expected[expected.length - 1] !== t) expected.push(t)
      const walked: string[] = []
      for (let i = 0; i < expected.length; i++) { input.historyUp(); walked.unshift(input.text) }
      assert.deepEqual(walked, expected)
      // One more Up stays on the oldest entry.
      const oldest = input.text
      input.historyUp()
      assert.equal(input.text, oldest)
    }), { numRuns: 300 })
  })
})
