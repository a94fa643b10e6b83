import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { bytesToHex, randomBytes } from '../../src/crypto/index.js'
import { RoomHistory, type HistoryEntry } from '../../src/history/index.js'
import { GapTracker } from '../../src/chat/gaps.js'
import { tempDir } from '../unit-helpers.js'
import { GAP_MAX_SPAN } from '../../src/constants.js'

const self = 'aa'.repeat(32)
const bob = 'bb'.repeat(32)
const roomId = '0123456789abcdef0123456789abcdef'

/** A history entry; the envelope is only stored and served, so any unique bytes do. */
function entry (sender: string, index: number, over: Partial<HistoryEntry> = {}): HistoryEntry {
  const envelope = randomBytes(40)
  return {
    envelope,
    hash: bytesToHex(envelope) + index,
    sender,
    fingerprint: sender.slice(0, 40),
    seq: BigInt(index),
    index,
    ts: 1_700_000_000_000 + index,
    kind: 'text',
    nick: sender === self ? 'me' : 'bob',
    body: `message ${index}`,
    epoch: 0,
    receivedAt: 1_700_000_000_000 + index,
    via: sender === self ? 'self' : 'live',
    ...(sender === self ? { status: 'pending' as const } : {}),
    ...over
  }
}

describe('history/RoomHistory', () => {
  let dir: string
  let cleanup: () => void
  const key = randomBytes(32)
  const open = (maxMessages?: number): RoomHistory => new RoomHistory({ dir, roomId, key, self, ...(maxMessages != null ? { maxMessages } : {}) })
  beforeEach(() => { ({ dir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('keeps our numbering past compaction: dropped indexes stay accounted for, no gap, no refetch', () => {
    const h = open(10)
    for (let i = 1; i <= 12; i++) {
      h.add(entry(self, i))
      h.add(entry(bob, i))
    }
    h.markAcked(Array.from({ length: 12 }, (_, i) => i + 1))
    h.add(entry(bob, 13)) // past 11 (10 * 1.1): compacted to the newest 10
    assert.ok(h.size <= 11, `compacted (${h.size})`)
    h.close()
    const again = open(10)
    assert.equal(again.highest(self), 12, 'our next message is 13, never a reused number')
    assert.equal(again.holds(bob, 1), true, 'a compacted message counts as held (not fetched again)')
    assert.deepEqual(new GapTracker(again).missing(), [], 'compaction opens no gap')
    again.close()
  })

  it('a wipe drops what others said and what we had acked, keeps our unacknowledged messages, and keeps numbering', () => {
    const h = open()
    for (let i = 1; i <= 5; i++) h.add(entry(bob, i))
    for (let i = 1; i <= 3; i++) h.add(entry(self, i))
    h.markAcked([1, 2])
    assert.equal(h.wipe(), 7)
    h.close()
    const again = open()
    assert.deepEqual(again.entries().map((e) => [e.sender === self, e.index]), [[true, 3]], 'only our unacknowledged message is left')
    assert.equal(again.outbox()[0]?.status, 'pending')
    assert.equal(again.highest(self), 3)
    assert.equal(again.contiguous(bob), 5, 'catch-up tells members we hold bob up to 5: nothing comes back')
    assert.equal(again.add(entry(bob, 4)), false, 'a wiped message fetched again is refused')
    assert.equal(again.add(entry(bob, 6)), true)
    again.close()
  })

  it('serves a want range by what it holds, however wide the range', () => {
    const h = open()
    for (let i = 1; i <= 3; i++) h.add(entry(bob, i))
    const started = performance.now()
    const got = h.select({ since: 0, known: new Map(), want: [{ sender: bob, first: 2, last: 2 ** 52 }], limit: 100 })
    assert.deepEqual(got.map((e) => e.index), [2, 3])
    assert.ok(performance.now() - started < 1000, 'does not walk the numbers in between')
    h.close()
  })

  it('keeps what it holds per sender right for any arrival order (checked against a plain count)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }), (order) => {
      const { dir: d, cleanup: done } = tempDir()
      try {
        const h = new RoomHistory({ dir: d, roomId, key, self })
        for (const i of order) h.add(entry(bob, i))
        const held = new Set(order)
        const low = Math.min(...order)
        let contig = low
        while (held.has(contig + 1)) contig++
        assert.equal(h.lowest(bob), low)
        assert.equal(h.contiguous(bob), contig)
        assert.equal(h.highest(bob), Math.max(...order))
        assert.deepEqual(h.heldIndexes(bob), [...held].filter((i) => i > contig).sort((a, b) => a - b))
        h.close()
      } finally {
        done()
      }
    }), { numRuns: 100 })
  })

  it('ignores writes once closed (a request still answering after we left)', () => {
    const h = open()
    h.add(entry(self, 1))
    h.close()
    assert.equal(h.add(entry(bob, 1)), false)
    assert.deepEqual(h.markAcked([1]), [])
  })
})

describe('chat/GapTracker', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('reports holes between held messages and up to an announced number, not before the first', () => {
    const h = new RoomHistory({ dir, roomId, key: randomBytes(32), self })
    for (const i of [5, 6, 9]) h.add(entry(bob, i))
    const gaps = new GapTracker(h)
    assert.deepEqual(gaps.missing(), [{ sender: bob, first: 7, last: 8 }])
    gaps.announce(bob, 11)
    assert.deepEqual(gaps.missing(), [{ sender: bob, first: 7, last: 8 }, { sender: bob, first: 10, last: 11 }])
    h.close()
  })

  it('a message numbered 2^40 is taken, but the jump is not chased (and the check is instant)', () => {
    const h = new RoomHistory({ dir, roomId, key: randomBytes(32), self })
    h.add(entry(bob, 1))
    h.add(entry(bob, 2 ** 40))
    const gaps = new GapTracker(h)
    gaps.saw(bob, 2 ** 40)
    gaps.announce(bob, 2 ** 50)
    const started = performance.now()
    const missing = gaps.missing()
    assert.ok(performance.now() - started < 1000)
    // Nothing between 2 and 2^40 is chased; above it, the signed claim counts only up to
    // GAP_MAX_SPAN past what is held.
    assert.ok(missing.every((g) => g.first > 2 ** 40 && g.last - g.first < GAP_MAX_SPAN), JSON.stringify(missing))
    h.close()
  })
})
