import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { needsRekey, replayMembership, standing, type MembershipState, type SignedOp } from '../../src/membership/index.js'

const OWNER = 'aa'.repeat(32)
const BOB = 'bb'.repeat(32)
const CAROL = 'cc'.repeat(32)
const DAVE = 'dd'.repeat(32)
const genesis = { creator: OWNER, name: 'team', createdAt: 1000 }

/** A comparable summary of a state (maps as sorted entries). */
function summary (s: MembershipState): unknown {
  return {
    name: s.name,
    ownersInvite: s.ownersInvite,
    members: [...s.members].sort(([a], [b]) => a.localeCompare(b)),
    invites: [...s.invites].sort(([a], [b]) => a.localeCompare(b)),
    applied: s.applied.map((o) => `${o.author}:${o.index}`)
  }
}

/** A realistic log: invites, joins, a promotion, two concurrent removals, a revocation. */
function sampleLog (): SignedOp[] {
  return [
    { author: OWNER, index: 1, ts: 2000, op: { type: 'invite', inviteId: 'i1', expiresAt: 99_000, maxUses: 0 } },
    { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'i1' } },
    { author: CAROL, index: 1, ts: 3100, op: { type: 'join', inviteId: 'i1' } },
    { author: DAVE, index: 1, ts: 3200, op: { type: 'join', inviteId: 'i1' } },
    { author: OWNER, index: 2, ts: 4000, op: { type: 'promote', member: BOB } },
    // Two owners remove different members at the same moment.
    { author: OWNER, index: 3, ts: 5000, op: { type: 'remove', member: CAROL } },
    { author: BOB, index: 2, ts: 5000, op: { type: 'remove', member: DAVE } },
    { author: OWNER, index: 4, ts: 6000, op: { type: 'invite', inviteId: 'i2', expiresAt: 99_000, maxUses: 1 } },
    { author: OWNER, index: 5, ts: 6500, op: { type: 'rename', name: 'core team' } }
  ]
}

describe('membership/replayMembership', () => {
  it('replays a log: roles, who added whom, concurrent removals by two owners both apply', () => {
    const s = replayMembership(genesis, sampleLog())
    assert.deepEqual([...s.members.keys()].sort(), [OWNER, BOB].sort())
    assert.equal(s.members.get(BOB)?.role, 'owner')
    assert.equal(s.members.get(BOB)?.addedBy, OWNER)
    assert.equal(s.name, 'core team')
    assert.equal(s.refused.length, 0)
  })

  it('any order of delivery of the same operations (duplicates too) gives the same state', () => {
    const log = sampleLog()
    const expected = summary(replayMembership(genesis, log))
    fc.assert(fc.property(fc.shuffledSubarray(log, { minLength: log.length, maxLength: log.length }), fc.array(fc.integer({ min: 0, max: log.length - 1 }), { maxLength: 5 }), (order, dups) => {
      const delivered = [...order, ...dups.map((i) => log[i] as SignedOp)]
      assert.deepEqual(summary(replayMembership(genesis, delivered)), expected)
    }), { numRuns: 300 })
  })

  it('refuses what a non-owner or a non-member signs, and changes nothing', () => {
    const log = sampleLog()
    const before = summary(replayMembership(genesis, log))
    for (const forged of [
      { author: CAROL, index: 9, ts: 7000, op: { type: 'remove', member: OWNER } },
      { author: 'ee'.repeat(32), index: 1, ts: 7000, op: { type: 'promote', member: 'ee'.repeat(32) } },
      { author: CAROL, index: 7, ts: 3000, op: { type: 'rename', name: 'hijacked' } }
    ] as SignedOp[]) {
      const s = replayMembership(genesis, [...log, forged])
      const { applied: _a, ...rest } = summary(s) as Record<string, unknown>
      const { applied: _b, ...restBefore } = before as Record<string, unknown>
      assert.deepEqual(rest, restBefore, `${forged.author.slice(0, 4)} ${forged.op.type} changed the state`)
    }
  })

  it('refuses joins with a revoked, used-up or expired invite, or one from a removed inviter', () => {
    const base = sampleLog()
    const revoke: SignedOp = { author: OWNER, index: 6, ts: 7000, op: { type: 'revoke', inviteId: 'i1' } }
    const late: SignedOp = { author: 'ee'.repeat(32), index: 1, ts: 8000, op: { type: 'join', inviteId: 'i1' } }
    assert.equal(replayMembership(genesis, [...base, revoke, late]).refused.at(-1)?.reason, 'invite revoked')
    const once1: SignedOp = { author: 'ee'.repeat(32), index: 1, ts: 8000, op: { type: 'join', inviteId: 'i2' } }
    const once2: SignedOp = { author: 'ff'.repeat(32), index: 1, ts: 8100, op: { type: 'join', inviteId: 'i2' } }
    const s = replayMembership(genesis, [...base, once1, once2])
    assert.ok(s.members.has('ee'.repeat(32)))
    assert.equal(s.refused.at(-1)?.reason, 'invite used up')
    const expired: SignedOp = { author: 'ee'.repeat(32), index: 1, ts: 100_000, op: { type: 'join', inviteId: 'i1' } }
    assert.equal(replayMembership(genesis, [...base, expired]).refused.at(-1)?.reason, 'invite expired')
    const byDave: SignedOp = { author: DAVE, index: 2, ts: 4500, op: { type: 'invite', inviteId: 'd1', expiresAt: 99_000, maxUses: 0 } }
    const viaDave: SignedOp = { author: 'ee'.repeat(32), index: 1, ts: 8000, op: { type: 'join', inviteId: 'd1' } }
    assert.equal(replayMembership(genesis, [...base, byDave, viaDave]).refused.at(-1)?.reason, 'inviter is no longer a member')
  })

  it('two owners removing each other at once: the total order decides, the same everywhere', () => {
    const log = sampleLog().slice(0, 5)
    const mutual: SignedOp[] = [
      { author: OWNER, index: 3, ts: 5000, op: { type: 'remove', member: BOB } },
      { author: BOB, index: 2, ts: 5000, op: { type: 'remove', member: OWNER } }
    ]
    const a = replayMembership(genesis, [...log, ...mutual])
    const b = replayMembership(genesis, [...mutual.reverse(), ...log])
    assert.deepEqual(summary(a), summary(b))
    assert.equal(a.members.has(OWNER) !== a.members.has(BOB), true, 'exactly one of them remains')
  })
})

describe('membership/replayMembership: grants, revocation lists, epochs', () => {
  const EVE = 'ee'.repeat(32)
  const grant = (over: Partial<{ issuer: string, issuedAt: number, expiresAt: number, maxUses: number, epoch: number }> = {}) =>
    ({ issuer: OWNER, issuedAt: 1500, expiresAt: 99_000, maxUses: 0, epoch: 0, ...over })

  it('a join carrying its signed grant needs no earlier invite announcement', () => {
    const s = replayMembership(genesis, [{ author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() } }])
    assert.equal(s.members.get(BOB)?.addedBy, OWNER)
    assert.ok(s.holders.has(BOB), 'an invite of the current epoch carries its key')
  })

  it('a revocation keeps the joins its author had seen and refuses every other, even one dated before it', () => {
    const ops: SignedOp[] = [
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() } },
      { author: OWNER, index: 1, ts: 5000, op: { type: 'revoke', inviteId: 'g1', honored: [BOB] } },
      // Carol dates her join before the revocation: it is refused all the same.
      { author: CAROL, index: 1, ts: 4000, op: { type: 'join', inviteId: 'g1', grant: grant() } }
    ]
    const s = replayMembership(genesis, ops)
    assert.ok(s.members.has(BOB))
    assert.ok(!s.members.has(CAROL))
    assert.equal(s.refusedJoins.get(CAROL), 'invite revoked')
    assert.equal(standing(s, CAROL, 6000), 'refused')
    assert.equal(standing(s, BOB, 6000), 'member')
    assert.equal(standing(s, DAVE, 6000), 'unknown')
  })

  it('a used-up invite lets in only the first joiner in the order', () => {
    const ops: SignedOp[] = [
      { author: CAROL, index: 1, ts: 3100, op: { type: 'join', inviteId: 'g1', grant: grant({ maxUses: 1 }) } },
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant({ maxUses: 1 }) } }
    ]
    const s = replayMembership(genesis, ops)
    assert.ok(s.members.has(BOB))
    assert.equal(s.refusedJoins.get(CAROL), 'invite used up')
  })

  it('removal: needs a rekey until a new epoch leaves the removed member out; messages after it are refused', () => {
    const base: SignedOp[] = [
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() } },
      { author: CAROL, index: 1, ts: 3100, op: { type: 'join', inviteId: 'g1', grant: grant() } },
      { author: OWNER, index: 1, ts: 4000, op: { type: 'remove', member: CAROL, upto: 1, uptoMessage: 7 } }
    ]
    const removed = replayMembership(genesis, base)
    assert.ok(needsRekey(removed))
    // Her messages count up to the number the remover had seen, whatever their dates.
    assert.equal(standing(removed, CAROL, 9_999, 7), 'former')
    assert.equal(standing(removed, CAROL, 10, 8), 'gone')
    assert.equal(standing(removed, CAROL, 10), 'gone', 'presence from a removed member means nothing')
    const rekeyed = replayMembership(genesis, [...base, { author: OWNER, index: 2, ts: 4001, op: { type: 'epoch', epoch: 1, recipients: [BOB] } }])
    assert.equal(rekeyed.epoch, 1)
    assert.ok(!rekeyed.holders.has(CAROL), 'the new key was not wrapped for her')
    assert.ok(!needsRekey(rekeyed))
    // She cannot come back with the old, unlimited invite; a newer one works.
    const back = replayMembership(genesis, [...base, { author: CAROL, index: 2, ts: 4500, op: { type: 'join', inviteId: 'g1', grant: grant() } }])
    assert.equal(back.refusedJoins.get(CAROL), 'signed after its author was removed')
    const newer = replayMembership(genesis, [...base, { author: CAROL, index: 2, ts: 4500, op: { type: 'join', inviteId: 'g2', grant: grant({ issuedAt: 4200 }) } }])
    assert.ok(newer.members.has(CAROL))
  })

  it('two owners starting the same epoch: the first in the order wins; keys go only from holders to members', () => {
    const base: SignedOp[] = [
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() } },
      { author: CAROL, index: 1, ts: 3100, op: { type: 'join', inviteId: 'g1', grant: grant() } },
      { author: DAVE, index: 1, ts: 3200, op: { type: 'join', inviteId: 'g1', grant: grant() } },
      { author: OWNER, index: 1, ts: 3500, op: { type: 'promote', member: BOB } },
      { author: OWNER, index: 2, ts: 5000, op: { type: 'remove', member: CAROL } },
      { author: BOB, index: 2, ts: 5000, op: { type: 'remove', member: DAVE } },
      { author: OWNER, index: 3, ts: 5001, op: { type: 'epoch', epoch: 1, recipients: [BOB, DAVE] } },
      { author: BOB, index: 3, ts: 5001, op: { type: 'epoch', epoch: 1, recipients: [OWNER, CAROL] } }
    ]
    const s = replayMembership(genesis, base)
    assert.equal(s.epochAuthor, OWNER)
    assert.deepEqual([...s.members.keys()].sort(), [OWNER, BOB].sort())
    // Bob's removal of Dave crossed the owner's epoch: Dave got its key, so another epoch is due.
    assert.ok(needsRekey(s), 'Dave holds the winning key')
    const again: SignedOp = { author: BOB, index: 4, ts: 5500, op: { type: 'epoch', epoch: 2, recipients: [OWNER] } }
    const fixed = replayMembership(genesis, [...base, again])
    assert.equal(fixed.epoch, 2)
    assert.ok(!needsRekey(fixed))
    const share = replayMembership(genesis, [...base, again,
      { author: EVE, index: 1, ts: 6000, op: { type: 'join', inviteId: 'g1', grant: grant() } },
      { author: DAVE, index: 3, ts: 6100, op: { type: 'keys', epoch: 2, recipients: [DAVE] } },
      { author: BOB, index: 5, ts: 6200, op: { type: 'keys', epoch: 2, recipients: [EVE] } }])
    assert.ok(share.holders.has(EVE))
    assert.ok(!share.holders.has(CAROL) && !share.holders.has(DAVE))
    assert.equal(share.refused.find((r) => r.op.author === DAVE && r.op.op.type === 'keys')?.reason, 'author is not a member')
  })
})

describe('membership/replayMembership: a removed member cannot date its way back', () => {
  const EVE = 'ee'.repeat(32)
  const grant = (over: Partial<{ issuer: string, issuedAt: number, expiresAt: number, maxUses: number, epoch: number }> = {}) =>
    ({ issuer: OWNER, issuedAt: 1500, expiresAt: 99_000, maxUses: 0, epoch: 0, ...over })
  const base: SignedOp[] = [
    { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() } },
    { author: OWNER, index: 1, ts: 3500, op: { type: 'promote', member: BOB } },
    { author: CAROL, index: 1, ts: 3600, op: { type: 'join', inviteId: 'g1', grant: grant() } },
    // The owner removes bob, having seen his first operation only.
    { author: OWNER, index: 2, ts: 5000, op: { type: 'remove', member: BOB, upto: 1, uptoMessage: 0 } }
  ]

  it('operations a removed owner signs later, dated before its removal, are refused', () => {
    const s = replayMembership(genesis, [...base,
      { author: BOB, index: 2, ts: 4000, op: { type: 'remove', member: OWNER } },
      { author: BOB, index: 3, ts: 4100, op: { type: 'remove', member: CAROL } }])
    assert.ok(s.members.has(OWNER) && s.members.has(CAROL) && !s.members.has(BOB))
    assert.equal(s.refused.find((r) => r.op.author === BOB && r.op.index === 3)?.reason, 'signed after its author was removed')
    assert.ok(s.refused.some((r) => r.op.author === BOB && r.op.index === 2), 'the removal of the creator')
  })

  it('joins with a removed member\'s invites are refused unless its remover had seen them', () => {
    const puppet: SignedOp = { author: EVE, index: 1, ts: 4200, op: { type: 'join', inviteId: 'gb', grant: grant({ issuer: BOB, issuedAt: 4100 }) } }
    const s = replayMembership(genesis, [...base, puppet])
    assert.equal(s.refusedJoins.get(EVE), 'inviter was removed')
    const seen = replayMembership(genesis, [...base.slice(0, 3),
      { author: OWNER, index: 2, ts: 5000, op: { type: 'remove', member: BOB, upto: 1, uptoMessage: 0, honored: [EVE] } }, puppet])
    assert.ok(seen.members.has(EVE), 'a join the remover had seen stays')
  })

  it('a join dated before its invite was made is refused; a removed member comes back only with a newer invite from someone else', () => {
    const early = replayMembership(genesis, [...base, { author: EVE, index: 1, ts: 100, op: { type: 'join', inviteId: 'g2', grant: grant({ issuedAt: 1_000_000 }) } }])
    assert.equal(early.refusedJoins.get(EVE), 'dated before its invite')
    const back = replayMembership(genesis, [...base,
      { author: BOB, index: 2, ts: 6000, op: { type: 'join', inviteId: 'g3', grant: grant({ issuedAt: 5500 }) } },
      { author: BOB, index: 3, ts: 6100, op: { type: 'rename', name: 'ok' } }])
    assert.ok(back.members.has(BOB), 'bob is back with a newer invite')
    assert.equal(back.members.get(BOB)?.role, 'member', 'and no longer an owner')
    assert.equal(back.refused.find((r) => r.op.author === BOB && r.op.index === 3)?.reason, 'only owners may rename')
  })
})

describe('membership/replayMembership: forks and settled verdicts', () => {
  const grant = (over: Partial<{ issuer: string, issuedAt: number, expiresAt: number, maxUses: number, epoch: number }> = {}) =>
    ({ issuer: OWNER, issuedAt: 1500, expiresAt: 99_000, maxUses: 0, epoch: 0, ...over })

  it('two different operations under one counter of a member are both void (it can only undo its own)', () => {
    const ops: SignedOp[] = [
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() }, id: 'b1' },
      { author: OWNER, index: 1, ts: 3500, op: { type: 'promote', member: BOB }, id: 'o1', prev: undefined },
      { author: BOB, index: 2, ts: 4000, op: { type: 'rename', name: 'one' }, id: 'b2a', prev: 'b1' },
      { author: BOB, index: 2, ts: 4001, op: { type: 'rename', name: 'two' }, id: 'b2b', prev: 'b1' }
    ]
    const s = replayMembership(genesis, ops)
    assert.equal(s.name, 'team')
    assert.ok(s.members.has(BOB))
  })

  it('a removed owner cannot swap an operation its remover saw, nor have a refused operation hand down a verdict', () => {
    const base: SignedOp[] = [
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() }, id: 'b1' },
      { author: OWNER, index: 1, ts: 3500, op: { type: 'promote', member: BOB }, id: 'o1' },
      { author: CAROL, index: 1, ts: 3600, op: { type: 'join', inviteId: 'g1', grant: grant() }, id: 'c1' },
      { author: BOB, index: 2, ts: 3700, op: { type: 'rename', name: 'bob was here' }, id: 'b2', prev: 'b1' },
      { author: OWNER, index: 2, ts: 5000, op: { type: 'remove', member: BOB, upto: 2, uptoId: 'b2', uptoMessage: 0 }, id: 'o2', prev: 'o1' }
    ]
    // Bob signs another #2 (a removal of carol, dated early) and a revocation with no joins kept.
    const swap: SignedOp = { author: BOB, index: 2, ts: 3650, op: { type: 'remove', member: CAROL }, id: 'b2x', prev: 'b1' }
    const revoke: SignedOp = { author: BOB, index: 3, ts: 3660, op: { type: 'revoke', inviteId: 'g1', honored: [] }, id: 'b3', prev: 'b2x' }
    const s = replayMembership(genesis, [...base, swap, revoke])
    assert.ok(s.members.has(CAROL), 'carol stays')
    assert.equal(s.name, 'bob was here', 'the operation the remover saw is the one that counts')
    assert.ok(!s.members.has(BOB))
  })

  it('an invite a removed member signs lets nobody in, whatever its dates', () => {
    const ops: SignedOp[] = [
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() }, id: 'b1' },
      { author: OWNER, index: 1, ts: 5000, op: { type: 'remove', member: BOB, upto: 1, uptoId: 'b1', uptoMessage: 0 }, id: 'o1' },
      { author: DAVE, index: 1, ts: 4999, op: { type: 'join', inviteId: 'gb', grant: grant({ issuer: BOB, issuedAt: 5001 }) }, id: 'd1' }
    ]
    const s = replayMembership(genesis, ops)
    assert.ok(!s.members.has(DAVE))
  })

  it('an issuer who is not an owner stops its invite but cannot drop whom it let in', () => {
    const ops: SignedOp[] = [
      { author: BOB, index: 1, ts: 3000, op: { type: 'join', inviteId: 'g1', grant: grant() }, id: 'b1' },
      { author: CAROL, index: 1, ts: 3100, op: { type: 'join', inviteId: 'gb', grant: grant({ issuer: BOB, issuedAt: 3050 }) }, id: 'c1' },
      { author: BOB, index: 2, ts: 3200, op: { type: 'revoke', inviteId: 'gb', honored: [] }, id: 'b2', prev: 'b1' },
      { author: DAVE, index: 1, ts: 3300, op: { type: 'join', inviteId: 'gb', grant: grant({ issuer: BOB, issuedAt: 3050 }) }, id: 'd1' }
    ]
    const s = replayMembership(genesis, ops)
    assert.ok(s.members.has(CAROL), 'carol stays')
    assert.equal(s.refusedJoins.get(DAVE), 'invite revoked')
  })
})
