import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { UiModel, MAX_LOG_LINES, type LogLine } from '../../src/tui/model.js'

const msg = (text: string, extra: Partial<LogLine> = {}): LogLine => ({ ts: 0, kind: 'message', text, nick: 'bob', ...extra })

/** A model with rooms a, b, c (in that order), looking at `a`. */
function threeRooms (): UiModel {
  const model = new UiModel('alice', 'fp-alice')
  model.addRoom('a', 'Room A')
  model.addRoom('b', 'Room B')
  model.addRoom('c', 'Room C')
  return model
}

/** The ids of the rooms, and the one on screen. */
function ids (model: UiModel): string {
  return model.rooms.map((r) => r.roomId).join(',') + ` @${model.room?.roomId ?? '-'}`
}

describe('UiModel rooms', () => {
  it('starts empty, with no current room', () => {
    const model = new UiModel('alice', 'fp')
    assert.equal(model.rooms.length, 0)
    assert.equal(model.room, undefined)
    assert.equal(model.find('a'), undefined)
  })

  it('addRoom adds a fresh room once; adding it again returns the existing one', () => {
    const model = new UiModel('alice', 'fp')
    const a = model.addRoom('a', 'Room A')
    assert.deepEqual(a, { roomId: 'a', name: 'Room A', lines: [], unread: 0, mention: false, scroll: 0, members: [] })
    model.addLine('a', msg('hi'))
    const again = model.addRoom('a', 'Other name')
    assert.equal(again, a)
    assert.equal(again.name, 'Room A')
    assert.equal(again.lines.length, 1)
    assert.equal(model.rooms.length, 1)
    assert.equal(model.find('a'), a)
    assert.equal(model.room, a)
  })

  it('removeRoom of an unknown id does nothing', () => {
    const model = threeRooms()
    model.switchTo(1)
    model.removeRoom('zzz')
    assert.equal(ids(model), 'a,b,c @b')
  })

  it('removeRoom of the last room, when current, moves to the new last room', () => {
    const model = threeRooms()
    model.switchTo(2)
    model.removeRoom('c')
    assert.equal(ids(model), 'a,b @b')
    assert.equal(model.current, 1)
  })

  it('removeRoom of the current room in the middle shows the next one', () => {
    const model = threeRooms()
    model.switchTo(1)
    model.removeRoom('b')
    assert.equal(ids(model), 'a,c @c')
  })

  it('removeRoom of a room before the current one keeps the current room on screen', () => {
    const model = threeRooms()
    model.switchTo(1)
    model.removeRoom('a')
    assert.equal(ids(model), 'b,c @b')
    assert.equal(model.current, 0)
  })

  it('removeRoom of a room after the current one keeps the current room on screen', () => {
    const model = threeRooms()
    model.switchTo(1)
    model.removeRoom('c')
    assert.equal(ids(model), 'a,b @b')
  })

  it('removing every room leaves current at 0 and no room', () => {
    const model = threeRooms()
    model.switchTo(2)
    for (const id of ['c', 'a', 'b']) model.removeRoom(id)
    assert.equal(model.rooms.length, 0)
    assert.equal(model.current, 0)
    assert.equal(model.room, undefined)
  })

  it('property: after any adds and removes, current is a valid index (or 0 when empty)', () => {
    const id = fc.constantFrom('a', 'b', 'c', 'd')
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ add: id }) },
      { weight: 2, arbitrary: fc.record({ remove: id }) },
      { weight: 2, arbitrary: fc.record({ switchTo: fc.integer({ min: -1, max: 4 }) }) }
    )
    fc.assert(fc.property(fc.array(op, { minLength: 4, maxLength: 40 }), (ops) => {
      const model = new UiModel('me', 'fp')
      for (const o of ops) {
        const before = model.room
        if ('add' in o) model.addRoom(o.add, o.add)
        else if ('remove' in o) {
          model.removeRoom(o.remove)
          // Removing another room never changes what is on screen.
          if (before != null && before.roomId !== o.remove) assert.equal(model.room, before)
        } else model.switchTo(o.switchTo)
        assert.equal(new Set(model.rooms.map((r) => r.roomId)).size, model.rooms.length)
        if (model.rooms.length === 0) assert.equal(model.current, 0)
        else assert.ok(model.current >= 0 && model.current < model.rooms.length)
      }
    }), { numRuns: 300 })
  })
})

describe('UiModel.addLine', () => {
  it('ignores lines for unknown rooms', () => {
    const model = threeRooms()
    model.addLine('nope', msg('hi'))
    assert.ok(model.rooms.every((r) => r.lines.length === 0))
  })

  it('appends in order', () => {
    const model = threeRooms()
    model.addLine('b', msg('one'))
    model.addLine('b', msg('two'))
    assert.deepEqual(model.find('b')?.lines.map((l) => l.text), ['one', 'two'])
  })

  it('counts others\' messages and actions as unread only in rooms not on screen', () => {
    const model = threeRooms()
    model.addLine('a', msg('on screen'))
    model.addLine('a', msg('on screen too', { kind: 'action', mention: true }))
    model.addLine('b', msg('off screen'))
    model.addLine('b', msg('waves', { kind: 'action' }))
    const a = model.find('a')
    const b = model.find('b')
    assert.equal(a?.unread, 0)
    assert.equal(a?.mention, false)
    assert.equal(b?.unread, 2)
    assert.equal(b?.mention, false)
    assert.equal(model.find('c')?.unread, 0)
  })

  it('does not count our own lines, nor system, error or block lines', () => {
    const model = threeRooms()
    model.addLine('b', msg('mine', { self: true, mention: true }))
    model.addLine('b', msg('my action', { kind: 'action', self: true }))
    for (const kind of ['system', 'error', 'block'] as const) model.addLine('b', msg('alice: note', { kind, mention: true }))
    const b = model.find('b')
    assert.equal(b?.lines.length, 5)
    assert.equal(b?.unread, 0)
    assert.equal(b?.mention, false)
  })

  it('sets the mention flag only for mentioning lines by others in rooms not on screen', () => {
    const model = threeRooms()
    model.addLine('b', msg('plain'))
    assert.equal(model.find('b')?.mention, false)
    model.addLine('b', msg('hey alice', { mention: true }))
    assert.equal(model.find('b')?.mention, true)
    model.addLine('c', msg('* bob pokes alice', { kind: 'action', mention: true }))
    assert.equal(model.find('c')?.mention, true)
    // A later plain line does not clear it.
    model.addLine('b', msg('plain again'))
    assert.equal(model.find('b')?.mention, true)
    assert.equal(model.find('b')?.unread, 3)
  })

  it(`keeps at most MAX_LOG_LINES (${MAX_LOG_LINES}) lines, dropping the oldest`, () => {
    const model = threeRooms()
    const total = MAX_LOG_LINES + 25
    for (let i = 0; i < total; i++) model.addLine('b', msg(`line ${i}`))
    const b = model.find('b')
    assert.equal(b?.lines.length, MAX_LOG_LINES)
    assert.equal(b?.lines[0]?.text, 'line 25')
    assert.equal(b?.lines[MAX_LOG_LINES - 1]?.text, `line ${total - 1}`)
    // The unread count still counts every line that arrived.
    assert.equal(b?.unread, total)
  })

  it('a reader scrolled up keeps their place: scroll grows with each new line', () => {
    const model = threeRooms()
    for (let i = 0; i < 50; i++) model.addLine('a', msg(`l${i}`))
    model.scrollBy(10, 20)
    assert.equal(model.room?.scroll, 10)
    model.addLine('a', msg('new 1'))
    model.addLine('a', msg('new 2', { kind: 'system' }))
    assert.equal(model.room?.scroll, 12)
    // The same line (index from the top) is still the first one off the bottom.
    const room = model.room
    assert.ok(room != null)
    assert.equal(room.lines[room.lines.length - 1 - room.scroll]?.text, 'l39')
  })

  it('a reader at the bottom (scroll 0) keeps following', () => {
    const model = threeRooms()
    for (let i = 0; i < 50; i++) model.addLine('a', msg(`l${i}`))
    assert.equal(model.room?.scroll, 0)
    model.addLine('a', msg('new'))
    assert.equal(model.room?.scroll, 0)
  })

  it('scroll position is per room', () => {
    const model = threeRooms()
    for (let i = 0; i < 30; i++) { model.addLine('a', msg(`a${i}`)); model.addLine('b', msg(`b${i}`)) }
    model.scrollBy(5, 10)
    model.addLine('b', msg('more'))
    assert.equal(model.find('a')?.scroll, 5)
    assert.equal(model.find('b')?.scroll, 0)
  })
})

describe('UiModel switching rooms', () => {
  it('switchTo an index out of range returns false and changes nothing', () => {
    const model = threeRooms()
    model.switchTo(1)
    assert.equal(model.switchTo(3), false)
    assert.equal(model.switchTo(-1), false)
    assert.equal(model.current, 1)
  })

  it('switchTo shows the room and clears its unread count and mention', () => {
    const model = threeRooms()
    model.addLine('c', msg('hi'))
    model.addLine('c', msg('alice!', { mention: true }))
    model.addLine('b', msg('other'))
    assert.equal(model.switchTo(2), true)
    assert.equal(model.room?.roomId, 'c')
    assert.equal(model.room?.unread, 0)
    assert.equal(model.room?.mention, false)
    // Only the room switched to is cleared.
    assert.equal(model.find('b')?.unread, 1)
    // Lines for the room on screen no longer count.
    model.addLine('c', msg('while looking', { mention: true }))
    assert.equal(model.room?.unread, 0)
    assert.equal(model.room?.mention, false)
    // The room left behind counts again.
    model.addLine('a', msg('behind'))
    assert.equal(model.find('a')?.unread, 1)
  })

  it('cycle wraps forwards and backwards', () => {
    const model = threeRooms()
    const seen: string[] = []
    for (let i = 0; i < 4; i++) { model.cycle(1); seen.push(model.room?.roomId ?? '-') }
    assert.deepEqual(seen, ['b', 'c', 'a', 'b'])
    seen.length = 0
    for (let i = 0; i < 4; i++) { model.cycle(-1); seen.push(model.room?.roomId ?? '-') }
    assert.deepEqual(seen, ['a', 'c', 'b', 'a'])
  })

  it('cycle clears the unread count of the room it lands on', () => {
    const model = threeRooms()
    model.addLine('c', msg('hi', { mention: true }))
    model.cycle(-1)
    assert.equal(model.room?.roomId, 'c')
    assert.equal(model.room?.unread, 0)
    assert.equal(model.room?.mention, false)
  })

  it('cycle with one room stays, with none does nothing', () => {
    const empty = new UiModel('me', 'fp')
    empty.cycle(1)
    empty.cycle(-1)
    assert.equal(empty.current, 0)
    assert.equal(empty.room, undefined)
    const one = new UiModel('me', 'fp')
    one.addRoom('x', 'X')
    one.cycle(1)
    assert.equal(one.room?.roomId, 'x')
    one.cycle(-1)
    assert.equal(one.room?.roomId, 'x')
  })

  it('nextActive returns false when no other room has activity', () => {
    const model = threeRooms()
    assert.equal(model.nextActive(), false)
    assert.equal(model.room?.roomId, 'a')
    model.addLine('b', msg('mine', { self: true }))
    model.addLine('c', msg('note', { kind: 'system' }))
    assert.equal(model.nextActive(), false)
    assert.equal(model.room?.roomId, 'a')
    assert.equal(new UiModel('me', 'fp').nextActive(), false)
  })

  it('nextActive goes to the next room with unread lines, wrapping around', () => {
    const model = threeRooms()
    model.switchTo(2)
    model.addLine('a', msg('x'))
    model.addLine('b', msg('y'))
    assert.equal(model.nextActive(), true)
    assert.equal(model.room?.roomId, 'a')
    assert.equal(model.room?.unread, 0)
    assert.equal(model.nextActive(), true)
    assert.equal(model.room?.roomId, 'b')
    assert.equal(model.nextActive(), false)
    assert.equal(model.room?.roomId, 'b')
  })

  it('nextActive prefers a mention over nearer unread rooms', () => {
    const model = threeRooms()
    model.addRoom('d', 'Room D')
    model.addLine('b', msg('chatter'))
    model.addLine('c', msg('more chatter'))
    model.addLine('d', msg('alice?', { mention: true }))
    assert.equal(model.nextActive(), true)
    assert.equal(model.room?.roomId, 'd')
    assert.equal(model.room?.mention, false)
    // Then the unread ones, nearest after the current room first (wrapping).
    assert.equal(model.nextActive(), true)
    assert.equal(model.room?.roomId, 'b')
    assert.equal(model.nextActive(), true)
    assert.equal(model.room?.roomId, 'c')
    assert.equal(model.nextActive(), false)
  })

  it('nextActive is not stuck on the current room when it still carries activity', () => {
    const model = threeRooms()
    model.switchTo(1)
    model.addLine('a', msg('hello'))
    model.addLine('c', msg('alice!', { mention: true }))
    // Leaving `b` puts `c` on screen without going through switchTo (its flags stay set);
    // the unread room `a` must still be reachable.
    model.removeRoom('b')
    assert.equal(model.room?.roomId, 'c')
    assert.equal(model.nextActive(), true)
    assert.equal(model.room?.roomId, 'a')
  })
})

describe('UiModel.scrollBy', () => {
  it('clamps to [0, lines - height]', () => {
    const model = threeRooms()
    for (let i = 0; i < 30; i++) model.addLine('a', msg(`l${i}`))
    model.scrollBy(5, 10)
    assert.equal(model.room?.scroll, 5)
    model.scrollBy(100, 10)
    assert.equal(model.room?.scroll, 20)
    model.scrollBy(-3, 10)
    assert.equal(model.room?.scroll, 17)
    model.scrollBy(-100, 10)
    assert.equal(model.room?.scroll, 0)
  })

  it('cannot scroll when the log fits the view', () => {
    const model = threeRooms()
    for (let i = 0; i < 5; i++) model.addLine('a', msg(`l${i}`))
    model.scrollBy(3, 10)
    assert.equal(model.room?.scroll, 0)
  })

  it('with no room does nothing', () => {
    const model = new UiModel('me', 'fp')
    assert.doesNotThrow(() => model.scrollBy(5, 10))
  })

  it('property: scroll always ends in [0, max(0, lines - height)]', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: -100, max: 100 }), { maxLength: 20 }),
      (count, height, steps) => {
        const model = new UiModel('me', 'fp')
        model.addRoom('r', 'R')
        for (let i = 0; i < count; i++) model.addLine('r', msg(`l${i}`))
        for (const step of steps) {
          model.scrollBy(step, height)
          const scroll = model.room?.scroll ?? -1
          assert.ok(scroll >= 0 && scroll <= Math.max(0, count - height), `scroll ${scroll}`)
        }
      }), { numRuns: 300 })
  })
})

describe('UiModel.mentions', () => {
  it('matches the nick as a whole word, case-insensitively', () => {
    const model = new UiModel('alice', 'fp')
    for (const text of ['alice', 'hi alice', 'Alice: ping', 'ALICE!', '@alice', 'hey, alice.', '(alice)', "alice's turn", 'x\nalice']) {
      assert.equal(model.mentions(text), true, text)
    }
    for (const text of ['', 'malice', 'alices', 'alice_', '_alice', 'alice2', 'alic e', 'bob', 'alicé']) {
      assert.equal(model.mentions(text), false, text)
    }
  })

  it('uses the nick of the room (RoomView.nick / nickIn), else the default one', () => {
    const model = new UiModel('alice', 'fp')
    model.addRoom('a', 'A')
    const b = model.addRoom('b', 'B')
    b.nick = 'queen'
    assert.equal(model.nickIn('a'), 'alice')
    assert.equal(model.nickIn('b'), 'queen')
    assert.equal(model.nickIn('unknown'), 'alice')
    assert.equal(model.nickIn(), 'alice')
    assert.equal(model.mentions('hi queen', 'b'), true)
    assert.equal(model.mentions('hi alice', 'b'), false)
    assert.equal(model.mentions('hi alice', 'a'), true)
    assert.equal(model.mentions('hi queen', 'a'), false)
    // Without a room id: the room on screen.
    assert.equal(model.mentions('hi alice'), true)
    model.switchTo(1)
    assert.equal(model.nickIn(), 'queen')
    assert.equal(model.mentions('hi queen'), true)
    assert.equal(model.mentions('hi alice'), false)
    // A changed default nick is used where no room nick is set.
    model.nick = 'al'
    assert.equal(model.mentions('hey al', 'a'), true)
  })

  it('treats regex metacharacters in nicks literally', () => {
    const model = new UiModel('a.b', 'fp')
    assert.equal(model.mentions('hi a.b!'), true)
    assert.equal(model.mentions('hi axb'), false)
    assert.equal(model.mentions('hi ab'), false)
    model.nick = 'c++'
    assert.equal(model.mentions('I like c++ a lot'), true)
    assert.equal(model.mentions('c++'), true)
    assert.equal(model.mentions('I like c a lot'), false)
    assert.equal(model.mentions('cc'), false)
    for (const nick of ['[x]', 'a|b', '(y)', '$z^', 'w\\v', '{q}', 'm?', 'n*', 'a-b', 'a/b']) {
      model.nick = nick
      assert.equal(model.mentions(`hello ${nick} there`), true, nick)
      assert.equal(model.mentions('hello a there'), false, nick)
    }
    model.nick = 'a|b'
    assert.equal(model.mentions('a'), false)
    assert.equal(model.mentions('b'), false)
  })

  it('works with non-ASCII nicks', () => {
    const model = new UiModel('Zoë', 'fp')
    assert.equal(model.mentions('hi zoë'), true)
    assert.equal(model.mentions('hi ZOË!'), true)
    assert.equal(model.mentions('hi Zoëy'), false)
    assert.equal(model.mentions('hi zoe'), false)
    model.nick = 'Ωmega'
    assert.equal(model.mentions('ωmega: hello'), true)
    model.nick = '小明'
    assert.equal(model.mentions('你好 小明'), true)
    assert.equal(model.mentions('小明，你好'), true)
    assert.equal(model.mentions('大小明白'), false)
    model.nick = '𠀀x'
    assert.equal(model.mentions('to 𠀀x'), true)
    assert.equal(model.mentions('to 𠀀xy'), false)
  })

  it('an empty nick mentions nothing', () => {
    const model = new UiModel('', 'fp')
    assert.equal(model.mentions(''), false)
    assert.equal(model.mentions('anything at all'), false)
  })

  it('property: any nick is found between spaces and never throws', () => {
    const model = new UiModel('x', 'fp')
    fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.string({ maxLength: 10 }), (nick, other) => {
      model.nick = nick
      assert.equal(model.mentions(`${other} ${nick} ${other}`), true)
      assert.doesNotThrow(() => model.mentions(other))
    }), { numRuns: 500 })
  })

  it('property: a word-character nick is not found inside a longer word', () => {
    const model = new UiModel('x', 'fp')
    const wordChar = fc.constantFrom(...'abcXYZ019_éß小'.split(''))
    fc.assert(fc.property(fc.array(wordChar, { minLength: 1, maxLength: 8 }).map((a) => a.join('')), wordChar, (nick, extra) => {
      model.nick = nick
      assert.equal(model.mentions(`${extra}${nick}`), false)
      assert.equal(model.mentions(`${nick}${extra}`), false)
    }), { numRuns: 300 })
  })
})
