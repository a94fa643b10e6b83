import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ReplayWindow } from '../../src/room/index.js'
import { MAX_TRACKED_SENDERS, MESSAGE_MAX_AGE_MS, REPLAY_WINDOW } from '../../src/constants.js'

const W = BigInt(REPLAY_WINDOW)
const alice = 'a'.repeat(64)
const bob = 'b'.repeat(64)
const hexSender = (i: number): string => i.toString(16).padStart(64, '0')

/** Reference model: accept a (sender, seq) once, if positive and within the window of the newest. */
class Model {
  private readonly seen = new Map<string, Set<bigint>>()
  private readonly top = new Map<string, bigint>()
  accept (sender: string, seq: bigint): boolean {
    if (seq < 1n) return false
    const top = this.top.get(sender) ?? 0n
    const seen = this.seen.get(sender) ?? new Set<bigint>()
    if (seen.has(seq) || (top > 0n && seq <= top - W)) return false
    seen.add(seq)
    this.seen.set(sender, seen)
    if (seq > top) this.top.set(sender, seq)
    return true
  }
}

describe('room/replay-window', () => {
  it('accepts each (sender, seq) once', () => {
    const rw = new ReplayWindow()
    assert.equal(rw.accept(alice, 1n), true)
    assert.equal(rw.accept(alice, 1n), false)
    assert.equal(rw.accept(alice, 2n), true)
    assert.equal(rw.accept(alice, 2n), false)
    assert.equal(rw.accept(alice, 1n), false)
    // Sequence numbers are per sender.
    assert.equal(rw.accept(bob, 1n), true)
    assert.equal(rw.accept(bob, 2n), true)
    assert.equal(rw.accept(bob, 1n), false)
    assert.equal(rw.highest(alice), 2n)
    assert.equal(rw.highest(bob), 2n)
    assert.equal(rw.highest('c'.repeat(64)), 0n)
  })

  it('refuses sequence number 0 and negative ones, and records nothing for them', () => {
    const rw = new ReplayWindow()
    assert.equal(rw.check(alice, 0n), false)
    assert.equal(rw.accept(alice, 0n), false)
    assert.equal(rw.accept(alice, -1n), false)
    assert.equal(rw.highest(alice), 0n)
    assert.deepEqual(rw.toJSON(), {})
  })

  it('check does not record', () => {
    const rw = new ReplayWindow()
    assert.equal(rw.check(alice, 5n), true)
    assert.equal(rw.check(alice, 5n), true)
    assert.equal(rw.accept(alice, 5n), true)
    assert.equal(rw.check(alice, 5n), false)
  })

  it('tolerates reordering within the window, once each', () => {
    const rw = new ReplayWindow()
    const order = [10n, 3n, 7n, 1n, 9n, 2n, 8n, 4n, 6n, 5n]
    for (const seq of order) assert.equal(rw.accept(alice, seq), true, `first ${seq}`)
    for (const seq of order) assert.equal(rw.accept(alice, seq), false, `replayed ${seq}`)
    assert.equal(rw.highest(alice), 10n)
  })

  it('refuses anything older than the window, accepts the oldest still inside it', () => {
    const rw = new ReplayWindow()
    const top = 5000n
    assert.equal(rw.accept(alice, top), true)
    assert.equal(rw.accept(alice, top - W), false, 'exactly one window behind')
    assert.equal(rw.accept(alice, top - W - 1n), false)
    assert.equal(rw.accept(alice, 1n), false)
    assert.equal(rw.accept(alice, top - W + 1n), true, 'the oldest inside the window')
    assert.equal(rw.accept(alice, top - W + 1n), false)
  })

  it('slides forward: a large jump forgets what is now out of the window', () => {
    const rw = new ReplayWindow()
    for (let s = 1n; s <= 20n; s++) rw.accept(alice, s)
    assert.equal(rw.accept(alice, 20n + W + 5n), true)
    for (let s = 1n; s <= 20n; s++) assert.equal(rw.accept(alice, s), false, `old ${s}`)
    assert.equal(rw.accept(alice, 20n + 6n), true, 'first inside the new window')
    assert.equal(rw.accept(alice, 20n + 5n), false, 'last outside the new window')
    // A slide by less than the window keeps the bits that are still inside.
    const rw2 = new ReplayWindow()
    rw2.accept(alice, 100n)
    rw2.accept(alice, 100n + W - 1n)
    assert.equal(rw2.accept(alice, 100n), false, 'still inside, and already seen')
    assert.equal(rw2.accept(alice, 101n), true)
  })

  it('handles sequence numbers beyond 64 bits', () => {
    const rw = new ReplayWindow()
    const big = 2n ** 80n
    assert.equal(rw.accept(alice, big), true)
    assert.equal(rw.accept(alice, big), false)
    assert.equal(rw.accept(alice, big - 1n), true)
  })

  it('survives toJSON / fromJSON (through a JSON string) with the same decisions', () => {
    const rw = new ReplayWindow()
    for (const seq of [1n, 2n, 5n, 1030n, 1031n, 1029n]) rw.accept(alice, seq)
    rw.accept(bob, 77n)
    const back = ReplayWindow.fromJSON(JSON.parse(JSON.stringify(rw.toJSON())))
    assert.deepEqual(back.toJSON(), rw.toJSON())
    assert.equal(back.highest(alice), 1031n)
    for (const seq of [1n, 2n, 5n, 1030n, 1031n, 1029n, 6n]) assert.equal(back.check(alice, seq), rw.check(alice, seq), `seq ${seq}`)
    assert.equal(back.accept(alice, 1029n), false)
    assert.equal(back.accept(alice, 7n), false, 'behind the window')
    assert.equal(back.accept(alice, 1028n), true)
    assert.equal(back.accept(bob, 77n), false)
    assert.equal(back.accept(bob, 76n), true)
  })

  it('behaves like the reference model, including across save/restore (property)', () => {
    const senders = [alice, bob]
    const op = fc.tuple(
      fc.constantFrom(...senders),
      fc.oneof(fc.bigInt({ min: -2n, max: 40n }), fc.bigInt({ min: 1n, max: 3000n })),
      fc.boolean()
    )
    fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      let rw = new ReplayWindow()
      const model = new Model()
      for (const [sender, seq, restore] of ops) {
        if (restore) rw = ReplayWindow.fromJSON(JSON.parse(JSON.stringify(rw.toJSON())))
        const expected = model.accept(sender, seq)
        assert.equal(rw.check(sender, seq), expected, `check ${sender.slice(0, 1)} ${seq}`)
        assert.equal(rw.accept(sender, seq), expected, `accept ${sender.slice(0, 1)} ${seq}`)
      }
    }), { numRuns: 500 })
  })

  it(`tracks at most ${MAX_TRACKED_SENDERS} senders, forgetting only one silent for longer than the message age limit`, () => {
    let now = 10 * MESSAGE_MAX_AGE_MS
    const rw = new ReplayWindow({ now: () => now })
    for (let i = 0; i < MAX_TRACKED_SENDERS; i++) assert.equal(rw.admit(hexSender(i), 1n, now - MESSAGE_MAX_AGE_MS + 1000 + i), 'accepted')
    // Everyone is recent: forgetting any of them would re-open their messages to replay.
    assert.equal(rw.admit(hexSender(MAX_TRACKED_SENDERS), 1n, now), 'full')
    assert.equal(rw.size, MAX_TRACKED_SENDERS)
    rw.accept(hexSender(0), 2n, now) // sender 0 speaks again: sender 1 is now the least recent
    now += 2000 // sender 1's newest message is now older than the age limit
    assert.equal(rw.admit(hexSender(MAX_TRACKED_SENDERS), 1n, now), 'accepted')
    const json = rw.toJSON()
    assert.equal(Object.keys(json).length, MAX_TRACKED_SENDERS)
    assert.ok(hexSender(0) in json)
    assert.ok(!(hexSender(1) in json))
    assert.ok(hexSender(2) in json)
    assert.equal(rw.highest(hexSender(0)), 2n)
  })

  it('a small window evicts by age and survives toJSON/fromJSON with timestamps', () => {
    let now = 1_000_000_000
    const rw = new ReplayWindow({ capacity: 2, maxAgeMs: 1000, now: () => now })
    assert.ok(rw.accept(alice, 1n, now - 5000))
    assert.ok(rw.accept(bob, 1n, now))
    assert.equal(rw.admit('c'.repeat(64), 1n, now), 'accepted', 'alice is silent for longer than maxAge and is forgotten')
    assert.equal(rw.admit('d'.repeat(64), 1n, now), 'full')
    const back = ReplayWindow.fromJSON(rw.toJSON(), { capacity: 2, maxAgeMs: 1000, now: () => now })
    assert.equal(back.accept(bob, 1n, now), false)
    now += 5000
    assert.equal(back.admit('d'.repeat(64), 1n, now), 'accepted')
  })

  it('fromJSON drops malformed entries and does not trust them', () => {
    const good = { top: '10', bits: '1' }
    const rw = ReplayWindow.fromJSON({
      [alice]: good,
      ['A'.repeat(64)]: good, // upper case: not a sender key as written by toJSON
      short: good,
      [bob]: { top: '0', bits: '1' },
      ['c'.repeat(64)]: { top: 'x', bits: '1' },
      ['d'.repeat(64)]: { top: '5', bits: 'zz' },
      ['e'.repeat(64)]: null,
      ['f'.repeat(64)]: { top: 5 },
      ['1'.repeat(64)]: { top: '-3', bits: '1' },
      ['2'.repeat(64)]: { top: '7', bits: 'f'.repeat(1000) }
    })
    assert.deepEqual(Object.keys(rw.toJSON()).sort(), ['2'.repeat(64), alice].sort())
    assert.equal(rw.highest(alice), 10n)
    assert.equal(rw.accept(alice, 10n), false)
    assert.equal(rw.accept(alice, 9n), true)
    // Oversized bitmaps are cut down to the window.
    assert.ok(BigInt('0x' + (rw.toJSON()['2'.repeat(64)]?.bits ?? '')) < 1n << W)
    for (const junk of [null, undefined, 42, 'text', true, [], [good], { [alice]: 'x' }]) {
      assert.deepEqual(ReplayWindow.fromJSON(junk).toJSON(), {})
    }
  })

  it('fromJSON never lets the newest accepted sequence number through again', () => {
    // A damaged entry whose bitmap lost the bit for `top` itself.
    const rw = ReplayWindow.fromJSON({ [alice]: { top: '10', bits: '0' } })
    assert.equal(rw.accept(alice, 10n), false)
  })
})
