import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { KEY_BINDINGS, actionFor, keyHelp, type KeyAction } from '../../src/tui/keys.js'

describe('KEY_BINDINGS', () => {
  it('every action is reachable by actionFor through each of its keys', () => {
    for (const binding of KEY_BINDINGS) {
      assert.ok(binding.keys.length > 0, `${binding.action} has no key`)
      for (const key of binding.keys) assert.equal(actionFor(key), binding.action, key)
    }
  })

  it('no key is bound twice, and no action has two rows', () => {
    const keys = KEY_BINDINGS.flatMap((b) => b.keys)
    const dupKeys = keys.filter((k, i) => keys.indexOf(k) !== i)
    assert.deepEqual(dupKeys, [])
    const actions = KEY_BINDINGS.map((b) => b.action)
    assert.deepEqual(actions.filter((a, i) => actions.indexOf(a) !== i), [])
  })

  it('every binding has help text', () => {
    for (const binding of KEY_BINDINGS) assert.ok(binding.help.trim().length > 0, binding.action)
  })

  it('M-1 .. M-9 switch to rooms 1 .. 9', () => {
    for (let n = 1; n <= 9; n++) assert.equal(actionFor(`M-${n}`), `room${n}`)
    assert.equal(actionFor('M-0'), undefined)
  })

  it('the documented keys', () => {
    const expected: Array<[string, KeyAction]> = [
      ['enter', 'send'], ['return', 'send'],
      ['tab', 'complete'],
      ['C-c', 'quit'],
      ['C-n', 'nextRoom'], ['C-p', 'prevRoom'], ['M-a', 'nextActive'],
      ['pageup', 'pageUp'], ['pagedown', 'pageDown'],
      ['up', 'historyUp'], ['down', 'historyDown'],
      ['left', 'left'], ['right', 'right'], ['home', 'home'], ['end', 'end'],
      ['C-a', 'home'], ['C-e', 'end'], ['C-b', 'left'], ['C-f', 'right'],
      ['backspace', 'backspace'], ['delete', 'deleteForward'],
      ['C-u', 'killToStart'], ['C-w', 'killWord']
    ]
    for (const [key, action] of expected) assert.equal(actionFor(key), action, key)
  })

  it('unbound keys have no action', () => {
    for (const key of ['a', 'C-z', 'M-b', 'f1', 'escape', '', 'Enter', 'C-N', 'constructor', 'toString']) {
      assert.equal(actionFor(key), undefined, key)
    }
  })
})

describe('keyHelp', () => {
  const rows = keyHelp()

  it('lists every non-room binding once, in table order, with its keys and help', () => {
    const plain = KEY_BINDINGS.filter((b) => !/^room\d$/.test(b.action))
    const withoutRooms = rows.filter((r) => !r.includes('M-1 .. M-9'))
    assert.equal(withoutRooms.length, plain.length)
    plain.forEach((b, i) => {
      const row = withoutRooms[i] ?? ''
      assert.ok(row.includes(b.keys.join(' / ')), `${row} lacks keys of ${b.action}`)
      assert.ok(row.endsWith(b.help), `${row} lacks help of ${b.action}`)
      assert.equal(rows.filter((r) => r.endsWith(` ${b.help}`)).length, 1, `help of ${b.action} listed once`)
    })
  })

  it('has one row for M-1 .. M-9, where room 1 is, and no row per room', () => {
    const roomRows = rows.filter((r) => /M-\d/.test(r))
    assert.equal(roomRows.length, 1)
    assert.match(roomRows[0] ?? '', /^\s+M-1 \.\. M-9\s+switch to room 1 \.\. 9$/)
    assert.equal(rows.length, KEY_BINDINGS.length - 8)
    const firstRoom = KEY_BINDINGS.findIndex((b) => b.action === 'room1')
    assert.equal(rows.indexOf(roomRows[0] ?? ''), firstRoom)
  })

  it('rows are indented and the help column lines up', () => {
    const column = (rows[0] ?? '').indexOf(KEY_BINDINGS[0]?.help ?? '?')
    assert.ok(column > 2)
    for (const row of rows) {
      assert.ok(row.startsWith('  '), row)
      const keysPart = row.slice(0, column)
      // Keys longer than the padding push the help right; none do today.
      assert.ok(/\s$/.test(keysPart), `help column misaligned in ${JSON.stringify(row)}`)
    }
  })
})
