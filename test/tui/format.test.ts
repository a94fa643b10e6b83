import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatTime, shortFp, memberLabel, duplicateNicks, nickKey } from '../../src/tui/format.js'
import { assertNoControls, assertNoRawBraces } from './tags.js'

const FP = 'abcd1234ef567890abcd1234ef567890abcd1234'
const FP2 = '0123456789abcdef0123456789abcdef01234567'

describe('formatTime', () => {
  it('is [HH:MM] in local time, zero padded', () => {
    assert.equal(formatTime(new Date(2024, 0, 2, 3, 4, 59).getTime()), '[03:04]')
    assert.equal(formatTime(new Date(2024, 11, 31, 23, 59).getTime()), '[23:59]')
    assert.equal(formatTime(new Date(2024, 5, 1, 0, 0).getTime()), '[00:00]')
  })
  it('shows a placeholder for a timestamp that is not a date', () => {
    assert.equal(formatTime(Number.NaN), '[--:--]')
    assert.equal(formatTime(Infinity), '[--:--]')
  })
})

describe('member labels', () => {
  it('shortFp is the first 8 characters', () => {
    assert.equal(shortFp(FP), 'abcd1234')
  })

  it('a unique nick is shown alone, a shared one with its short fingerprint', () => {
    assert.equal(memberLabel('alice', FP, new Set()), 'alice')
    const dups = duplicateNicks(['bob', 'alice', 'bob'])
    assert.deepEqual([...dups], ['bob'])
    assert.equal(memberLabel('bob', FP, dups), 'bob~abcd1234')
    assert.equal(memberLabel('bob', FP2, dups), 'bob~01234567')
    assert.equal(memberLabel('alice', FP, dups), 'alice')
  })

  it('nicks that read the same count as duplicates', () => {
    assert.equal(nickKey('Alice'), nickKey('alice'))
    assert.equal(nickKey('ali\u200dce'), nickKey('alice'))
    assert.equal(nickKey('ａｌｉｃｅ'), nickKey('alice'))
    const dups = duplicateNicks(['Alice', 'alice', 'ali\u200dce', 'carol'])
    assert.deepEqual(new Set(dups), new Set(['Alice', 'alice', 'ali\u200dce']))
    assert.equal(memberLabel('Alice', FP, dups), 'Alice~abcd1234')
  })

  it('a nick containing ~ always shows the real fingerprint last', () => {
    assert.equal(memberLabel('bob~01234567', FP, new Set()), 'bob~01234567~abcd1234')
  })

  it('labels are safe to show', () => {
    const out = memberLabel('{red-fg}\x1b[2Jevil\u202e', FP, new Set(['{red-fg}\x1b[2Jevil\u202e']))
    assertNoControls(out)
    assertNoRawBraces(out)
    assert.ok(out.endsWith('~abcd1234'))
  })
})
