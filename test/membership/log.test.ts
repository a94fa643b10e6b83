import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { needsRekey, replayMembership, standing, heldEpoch, type InviteGrant, type MembershipOp, type MembershipState, type SignedOp } from '../../src/membership/index.js'

const OWNER = 'aa'.repeat(32)
const BOB = 'bb'.repeat(32)
const CAROL = 'cc'.repeat(32)
const DAVE = 'dd'.repeat(32)
const EVE = 'ee'.repeat(32)
const genesis = { creator: OWNER, name: 'team', createdAt: 1000 }

/**
 * Builds a log as its authors would sign it: per-author counters and chains, and heads
 * (by default every operation seen so far by anyone; `seen` narrows it to model an author
 * who had not yet seen some operations, i.e. concurrency).
 */
class Log {
  readonly ops: SignedOp[] = []
  private readonly counters = new Map<string, number>()
  private readonly last = new Map<string, string>()
  private n = 0

  add (author: string, op: MembershipOp, opts: { ts?: number, seen?: SignedOp[], index?: number } = {}): SignedOp {
    const index = opts.index ?? (this.counters.get(author) ?? 0) + 1
    this.counters.set(author, Math.max(index, this.counters.get(author) ?? 0))
    const seen = opts.seen ?? this.ops
    const referenced = new Set(seen.flatMap((o) => [...(o.heads ?? []), ...(o.prev != null ? [o.prev] : [])]))
    const prev = this.last.get(author)
    const heads = seen.map((o) => o.id).filter((id) => !referenced.has(id) && id !== prev).sort()
    const id = (++this.n).toString(16).padStart(8, '0') + author.slice(0, 8)
    const s: SignedOp = { author, index, ts: opts.ts ?? 1000 + this.n * 100, op, id, ...(prev != null && index > 1 ? { prev } : {}), heads }
    this.last.set(author, id)
    this.ops.push(s)
    return s
  }

  grant (issuer: string, maxUses = 0, expiresAt = 1e12, epoch = 0): InviteGrant {
    return { issuer, issuedAt: 1000, expiresAt, maxUses, epoch }
  }

  /** `who` asks to join with `issuer`'s invite `inviteId`, and `admitter` (default the issuer) admits them. */
  joinVia (who: string, issuer: string, inviteId: string, opts: { maxUses?: number, admitter?: string, readmit?: boolean } = {}): { join: SignedOp, admit: SignedOp } {
    const join = this.add(who, { type: 'join', inviteId, grant: this.grant(issuer, opts.maxUses ?? 0) })
    const admit = this.add(opts.admitter ?? issuer, { type: 'admit', member: who, joinId: join.id, readmit: opts.readmit ?? false })
    return { join, admit }
  }
}

/** A comparable summary of a state (maps as sorted entries). */
function summary (s: MembershipState): unknown {
  return {
    name: s.name,
    ownersInvite: s.ownersInvite,
    epoch: s.epoch,
    members: [...s.members].sort(([a], [b]) => a.localeCompare(b)),
    invites: [...s.invites].sort(([a], [b]) => a.localeCompare(b)),
    holders: [...s.holders].sort(),
    refusedJoins: [...s.refusedJoins].sort(),
    applied: s.applied.map((o) => o.id)
  }
}

/** A realistic log: joins admitted, a promotion, two concurrent removals, a rename. */
function sampleLog (): Log {
  const log = new Log()
  log.add(OWNER, { type: 'invite', inviteId: 'i1', expiresAt: 1e12, maxUses: 0 })
  log.joinVia(BOB, OWNER, 'i1')
  log.joinVia(CAROL, OWNER, 'i1')
  log.joinVia(DAVE, OWNER, 'i1')
  log.add(OWNER, { type: 'promote', member: BOB })
  // Two owners remove different members, neither having seen the other's removal.
  const seen = [...log.ops]
  log.add(OWNER, { type: 'remove', member: CAROL }, { seen })
  log.add(BOB, { type: 'remove', member: DAVE }, { seen })
  log.add(OWNER, { type: 'rename', name: 'core team' })
  return log
}

describe('membership/replayMembership: causal order', () => {
  it('replays a log: roles, who added and who admitted whom, concurrent removals by two owners both apply', () => {
    const s = replayMembership(genesis, sampleLog().ops)
    assert.deepEqual([...s.members.keys()].sort(), [OWNER, BOB].sort())
    assert.equal(s.members.get(BOB)?.role, 'owner')
    assert.equal(s.members.get(BOB)?.addedBy, OWNER)
    assert.equal(s.members.get(BOB)?.admittedBy, OWNER)
    assert.equal(s.name, 'core team')
    assert.equal(s.refused.length, 0, JSON.stringify(s.refused))
  })

  it('any order of delivery of the same operations (duplicates too) gives the same state', () => {
    const log = sampleLog().ops
    const expected = summary(replayMembership(genesis, log))
    fc.assert(fc.property(fc.shuffledSubarray(log, { minLength: log.length, maxLength: log.length }), fc.array(fc.integer({ min: 0, max: log.length - 1 }), { maxLength: 5 }), (order, dups) => {
      const delivered = [...order, ...dups.map((i) => log[i] as SignedOp)]
      assert.deepEqual(summary(replayMembership(genesis, delivered)), expected)
    }), { numRuns: 300 })
  })

  it('a JOIN alone makes nobody a member: it waits for an admission', () => {
    const log = new Log()
    const join = log.add(BOB, { type: 'join', inviteId: 'i1', grant: log.grant(OWNER) })
    let s = replayMembership(genesis, log.ops)
    assert.ok(!s.members.has(BOB))
    assert.ok(s.joinRequests.has(join.id))
    assert.equal(standing(s, BOB, 0), 'unknown')
    log.add(OWNER, { type: 'admit', member: BOB, joinId: join.id, readmit: false })
    s = replayMembership(genesis, log.ops)
    assert.ok(s.members.has(BOB))
    assert.ok(!s.joinRequests.has(join.id))
  })

  it('refuses what a non-owner or a non-member signs, and changes nothing', () => {
    const log = sampleLog()
    const before = summary(replayMembership(genesis, log.ops))
    for (const op of [
      { author: BOB, op: { type: 'rename', name: 'x' } },
      { author: EVE, op: { type: 'promote', member: EVE } },
      { author: EVE, op: { type: 'admit', member: EVE, joinId: 'nothing', readmit: true } }
    ] as const) {
      const l = sampleLog()
      // BOB is an owner in the sample: use a plain member for the first case.
      const author = op.author === BOB ? CAROL : op.author
      l.add(author, op.op as MembershipOp)
      const s = replayMembership(genesis, l.ops)
      assert.equal(s.refused.length, 1, JSON.stringify(s.refused))
      const { applied: _a, ...rest } = summary(s) as any
      const { applied: _b, ...restBefore } = before as any
      assert.deepEqual(rest, restBefore)
    }
  })

  it('two owners removing each other at once: exactly one stands, the same everywhere', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    log.joinVia(CAROL, OWNER, 'i1')
    log.add(OWNER, { type: 'promote', member: BOB })
    log.add(OWNER, { type: 'promote', member: CAROL })
    const seen = [...log.ops]
    log.add(BOB, { type: 'remove', member: CAROL }, { seen, ts: 9e9 })
    log.add(CAROL, { type: 'remove', member: BOB }, { seen, ts: 1 })
    const a = replayMembership(genesis, log.ops)
    const b = replayMembership(genesis, [...log.ops].reverse())
    assert.deepEqual(summary(a), summary(b))
    assert.equal([BOB, CAROL].filter((m) => a.members.has(m)).length, 1)
  })
})

describe('membership/replayMembership: admission bound to its rules', () => {
  it('a grant is judged against its own issuer: a member\'s grant naming an owner\'s invite id is that member\'s invite', () => {
    const log = new Log()
    log.add(OWNER, { type: 'invite', inviteId: 'owner-inv', expiresAt: 1e12, maxUses: 1 })
    log.joinVia(BOB, OWNER, 'i1')
    log.add(OWNER, { type: 'policy', ownersInvite: true })
    // Bob (not an owner) signs a grant with the owner's invite id.
    const join = log.add(EVE, { type: 'join', inviteId: 'owner-inv', grant: log.grant(BOB, 1) })
    log.add(OWNER, { type: 'admit', member: EVE, joinId: join.id, readmit: false })
    const s = replayMembership(genesis, log.ops)
    assert.ok(!s.members.has(EVE), 'a non-owner\'s grant passed owners-only')
    assert.equal(s.invites.get(`${OWNER}:owner-inv`)?.uses, 0, 'the owner\'s seat was used up')
  })

  it('a grant that does not match its announced invite is refused', () => {
    const log = new Log()
    log.add(OWNER, { type: 'invite', inviteId: 'i1', expiresAt: 5000, maxUses: 1 })
    const join = log.add(BOB, { type: 'join', inviteId: 'i1', grant: log.grant(OWNER, 0, 1e12) })
    log.add(OWNER, { type: 'admit', member: BOB, joinId: join.id, readmit: false })
    assert.ok(!replayMembership(genesis, log.ops).members.has(BOB))
  })

  it('a limited invite: only its issuer admits, in its own chain\'s order; a later admission cannot take the first seat', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    const first = log.add(CAROL, { type: 'join', inviteId: 'one', grant: log.grant(OWNER, 1) })
    log.add(OWNER, { type: 'admit', member: CAROL, joinId: first.id, readmit: false })
    // A late joiner with the leaked code, back-dated and claiming to have seen nothing.
    const late = log.add(EVE, { type: 'join', inviteId: 'one', grant: log.grant(OWNER, 1) }, { seen: [], ts: 1 })
    // Bob (a member) admits it, claiming to have seen nothing either.
    log.add(BOB, { type: 'admit', member: EVE, joinId: late.id, readmit: false }, { seen: [late], ts: 1 })
    // Even the issuer's own second admission finds the seat taken.
    log.add(OWNER, { type: 'admit', member: EVE, joinId: late.id, readmit: false })
    const s = replayMembership(genesis, log.ops)
    assert.ok(s.members.has(CAROL), 'the legitimate joiner lost its seat')
    assert.ok(!s.members.has(EVE))
    assert.equal(s.refusedJoins.get(EVE), 'invite used up')
  })

  it('expiry is judged by the admitting member\'s date, not the joiner\'s', () => {
    const log = new Log()
    const join = log.add(BOB, { type: 'join', inviteId: 'i1', grant: log.grant(OWNER, 0, 5000) }, { ts: 10 })
    log.add(OWNER, { type: 'admit', member: BOB, joinId: join.id, readmit: false }, { ts: 6000 })
    const s = replayMembership(genesis, log.ops)
    assert.ok(!s.members.has(BOB))
    assert.equal(s.refused.at(-1)?.reason, 'invite expired')
  })

  it('a revocation refuses admissions its author had not seen, whatever their dates; those it had seen stand', () => {
    const log = new Log()
    log.add(OWNER, { type: 'invite', inviteId: 'i1', expiresAt: 1e12, maxUses: 0 })
    log.joinVia(BOB, OWNER, 'i1')
    log.add(OWNER, { type: 'promote', member: BOB })
    const carol = log.add(CAROL, { type: 'join', inviteId: 'i1', grant: log.grant(OWNER) })
    const seen = [...log.ops]
    log.add(OWNER, { type: 'revoke', inviteId: 'i1' }, { seen })
    // Bob admits carol without having seen the revocation, dating it before everything.
    log.add(BOB, { type: 'admit', member: CAROL, joinId: carol.id, readmit: false }, { seen, ts: 1 })
    const s = replayMembership(genesis, log.ops)
    assert.ok(s.members.has(BOB), 'an admission the revoker had seen was dropped')
    assert.ok(!s.members.has(CAROL), 'an admission concurrent with the revocation stood')
  })

  it('an owners-only policy refuses admissions by members that its author had not seen', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    const eve = log.add(EVE, { type: 'join', inviteId: 'b1', grant: log.grant(BOB) })
    const seen = [...log.ops]
    log.add(OWNER, { type: 'policy', ownersInvite: true }, { seen })
    log.add(BOB, { type: 'admit', member: EVE, joinId: eve.id, readmit: false }, { seen, ts: 1 })
    assert.ok(!replayMembership(genesis, log.ops).members.has(EVE))
  })
})

describe('membership/replayMembership: a removed member cannot come back on its own', () => {
  function removed (): { log: Log, removal: SignedOp } {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    log.joinVia(CAROL, OWNER, 'i2')
    log.add(OWNER, { type: 'promote', member: CAROL })
    log.add(OWNER, { type: 'revoke', inviteId: 'i2' })
    const removal = log.add(OWNER, { type: 'remove', member: CAROL, uptoMessage: 3 })
    return { log, removal }
  }

  it('operations a removed owner signs that its remover had not seen are refused, whatever their date', () => {
    const { log } = removed()
    const before = log.ops.slice(0, -1)
    log.add(CAROL, { type: 'promote', member: BOB }, { seen: before, ts: 1 })
    log.add(CAROL, { type: 'rename', name: 'mine' }, { seen: before, ts: 1 })
    const s = replayMembership(genesis, log.ops)
    assert.equal(s.members.get(BOB)?.role, 'member')
    assert.equal(s.name, 'team')
    assert.equal(s.refused.filter((r) => r.reason === 'signed after its author was removed').length, 2)
  })

  it('a removed member replaying another joiner\'s grant, admitted by a member who had not seen the removal, stays out', () => {
    const { log, removal } = removed()
    const before = log.ops.filter((o) => o.id !== removal.id)
    // Another live invite of bob's, used by dave after the removal.
    log.joinVia(DAVE, BOB, 'b1')
    // Carol signs her own JOIN with that grant (the invite key would stop it on the wire;
    // here replay alone must hold) and gets bob to admit her "before" the removal.
    const join = log.add(CAROL, { type: 'join', inviteId: 'b1', grant: log.grant(BOB) }, { seen: before })
    log.add(BOB, { type: 'admit', member: CAROL, joinId: join.id, readmit: false }, { seen: [...before, join], ts: 1 })
    // And once more after it, openly.
    const again = log.add(CAROL, { type: 'join', inviteId: 'b1', grant: log.grant(BOB) })
    log.add(BOB, { type: 'admit', member: CAROL, joinId: again.id, readmit: false })
    const s = replayMembership(genesis, log.ops)
    assert.ok(!s.members.has(CAROL), 'the removed member is back')
    assert.ok(s.members.has(DAVE))
  })

  it('only an owner\'s explicit readmission brings a removed identity back', () => {
    const { log } = removed()
    const join = log.add(CAROL, { type: 'join', inviteId: 'o2', grant: log.grant(OWNER) })
    log.add(OWNER, { type: 'admit', member: CAROL, joinId: join.id, readmit: false })
    assert.ok(!replayMembership(genesis, log.ops).members.has(CAROL), 'an automatic admission readmitted a removed member')
    log.add(OWNER, { type: 'admit', member: CAROL, joinId: join.id, readmit: true })
    const s = replayMembership(genesis, log.ops)
    assert.ok(s.members.has(CAROL))
    assert.equal(s.members.get(CAROL)?.role, 'member')
  })

  it('history: a removed member\'s messages past the recorded number are refused; before it they count', () => {
    const { log } = removed()
    const s = replayMembership(genesis, log.ops)
    assert.equal(standing(s, CAROL, 0, 3), 'former')
    assert.equal(standing(s, CAROL, 0, 4), 'gone')
    assert.equal(standing(s, CAROL, 0), 'gone')
  })

  it('joins with a removed member\'s invites that its remover had not seen are refused', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    const before = [...log.ops]
    log.add(OWNER, { type: 'remove', member: BOB }, { seen: before })
    const join = log.add(EVE, { type: 'join', inviteId: 'b1', grant: log.grant(BOB) }, { seen: before })
    log.add(BOB, { type: 'admit', member: EVE, joinId: join.id, readmit: false }, { seen: [...before, join], ts: 1 })
    assert.ok(!replayMembership(genesis, log.ops).members.has(EVE))
  })

  it('no interleaving of concurrent admissions, removals and joins readmits a removed identity (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ admitter: fc.constantFrom(OWNER, BOB, CAROL), seenCut: fc.nat(), ts: fc.integer({ min: 0, max: 1e7 }), afterRemoval: fc.boolean() }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
      (attempts, shuffle) => {
        const { log, removal } = removed()
        for (const a of attempts) {
          const seen = a.afterRemoval ? [...log.ops] : log.ops.filter((o) => o.id !== removal.id).slice(0, 1 + a.seenCut % log.ops.length)
          const join = log.add(CAROL, { type: 'join', inviteId: 'b1', grant: log.grant(BOB) }, { seen, ts: a.ts })
          log.add(a.admitter, { type: 'admit', member: CAROL, joinId: join.id, readmit: false }, { seen: [...seen, join], ts: a.ts })
        }
        // Any delivery order.
        const ops = [...log.ops]
        for (let i = 0; i < shuffle.length; i++) {
          const j = (shuffle[i] as number) % ops.length
          const t = ops[i % ops.length] as SignedOp
          ops[i % ops.length] = ops[j] as SignedOp
          ops[j] = t
        }
        const s = replayMembership(genesis, ops)
        assert.ok(!s.members.has(CAROL), 'readmitted without an owner\'s readmission')
        assert.deepEqual(summary(s), summary(replayMembership(genesis, log.ops)))
      }), { numRuns: 300 })
  })
})

describe('membership/replayMembership: forks, epochs and keys', () => {
  it('two different operations under one counter of a member are both void', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    log.add(OWNER, { type: 'promote', member: BOB })
    log.add(BOB, { type: 'rename', name: 'one' }, { index: 2 })
    log.add(BOB, { type: 'rename', name: 'two' }, { index: 2 })
    const s = replayMembership(genesis, log.ops)
    assert.equal(s.name, 'team')
  })

  it('a removed owner\'s fork: the side its remover had seen stands', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    log.add(OWNER, { type: 'promote', member: BOB })
    const seen = log.add(BOB, { type: 'rename', name: 'seen' }, { index: 2 })
    log.add(OWNER, { type: 'remove', member: BOB })
    log.add(BOB, { type: 'rename', name: 'forked' }, { index: 2, seen: log.ops.filter((o) => o.id !== seen.id).slice(0, 4), ts: 1 })
    assert.equal(replayMembership(genesis, log.ops).name, 'seen')
  })

  it('removal needs a rekey until an epoch leaves the removed member out; holders of each epoch are kept', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    log.joinVia(CAROL, OWNER, 'i1')
    let s = replayMembership(genesis, log.ops)
    assert.ok(heldEpoch(s, CAROL, 0))
    log.add(OWNER, { type: 'remove', member: CAROL })
    s = replayMembership(genesis, log.ops)
    assert.ok(needsRekey(s))
    log.add(OWNER, { type: 'epoch', epoch: 1, recipients: [] })
    log.add(OWNER, { type: 'keys', epoch: 1, recipients: [OWNER, BOB] })
    s = replayMembership(genesis, log.ops)
    assert.ok(!needsRekey(s))
    assert.equal(s.epoch, 1)
    assert.ok(heldEpoch(s, BOB, 1) && !heldEpoch(s, CAROL, 1))
    assert.ok(heldEpoch(s, CAROL, 0), 'epoch 0 forgot who held it')
  })

  it('an admission\'s welcome makes the newcomer a holder of the current epoch', () => {
    const log = new Log()
    log.add(OWNER, { type: 'epoch', epoch: 1, recipients: [] })
    log.add(OWNER, { type: 'keys', epoch: 1, recipients: [OWNER] })
    const join = log.add(BOB, { type: 'join', inviteId: 'i1', grant: log.grant(OWNER, 0, 1e12, 0) })
    log.add(OWNER, { type: 'admit', member: BOB, joinId: join.id, readmit: false, welcome: 1 })
    const s = replayMembership(genesis, log.ops)
    assert.ok(s.holders.has(BOB))
    assert.ok(heldEpoch(s, BOB, 0) && heldEpoch(s, BOB, 1))
  })

  it('two owners starting the same epoch: one wins everywhere; a key share to a non-member is refused', () => {
    const log = new Log()
    log.joinVia(BOB, OWNER, 'i1')
    log.add(OWNER, { type: 'promote', member: BOB })
    const seen = [...log.ops]
    log.add(OWNER, { type: 'epoch', epoch: 1, recipients: [OWNER, BOB] }, { seen })
    log.add(BOB, { type: 'epoch', epoch: 1, recipients: [OWNER, BOB] }, { seen })
    const a = replayMembership(genesis, log.ops)
    assert.deepEqual(summary(a), summary(replayMembership(genesis, [...log.ops].reverse())))
    assert.equal(a.epoch, 1)
    assert.equal(a.refused.filter((r) => r.reason === 'not the next epoch').length, 1)
    const winner = a.epochAuthor
    const other = winner === OWNER ? BOB : OWNER
    log.add(other, { type: 'keys', epoch: 1, recipients: [EVE] })
    assert.ok(!replayMembership(genesis, log.ops).holders.has(EVE))
  })
})
