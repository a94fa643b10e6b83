/**
 * End to end, real processes: an invite with `--uses 1` lets in one person and refuses
 * the second; `cryptochat revoke` while the owner's room is open reaches the members, and
 * a join with the revoked invite is refused. The refused joiner sees a clear message and
 * exits 16; `invites` and `members` list what the signed membership log says.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { tempDirs } from '../helpers/index.js'
import { hasStackTrace, Procs, startRelay } from './procs.js'

const INVITE_REFUSED = 16

describe('invites you can control (real processes)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-e2e-')
  const dir = dirs.make

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('--uses 1 used twice: the second joiner is refused; a revoked invite is refused; invites and members list the log', async () => {
    const relay = await startRelay(procs, dir('relay'))
    const aliceDir = dir('alice')
    const created = await procs.run('cryptochat', ['create', 'club', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    const roomId = created.lines[0]?.roomId as string
    const alice = procs.spawn('cryptochat', ['join', roomId, '--json', '--data-dir', aliceDir], 'alice')
    await alice.waitForLine((l) => l.type === 'ready', 20_000, "alice's ready")

    const once = await procs.run('cryptochat', ['invite', roomId, '--uses', '1', '--json', '--data-dir', aliceDir])
    assert.equal(once.code, 0, once.stderr)
    assert.equal(once.lines[0]?.maxUses, 1)
    const code = once.lines[0]?.invite as string
    const bob = procs.spawn('cryptochat', ['join', roomId, '--invite', code, '--nick', 'bob', '--json', '--data-dir', dir('bob')], 'bob')
    await bob.waitForLine((l) => l.type === 'membership' && l.event === 'joined' && l.self === true, 20_000, 'bob let in')
    const carol = procs.spawn('cryptochat', ['join', roomId, '--invite', code, '--nick', 'carol', '--json', '--data-dir', dir('carol')], 'carol')
    const refused = await carol.waitForLine((l) => l.type === 'membership' && l.event === 'refused' && l.self === true, 20_000, 'carol refused')
    assert.equal(refused.reason, 'invite used up')
    const carolExit = await carol.exited
    assert.equal(carolExit.code, INVITE_REFUSED, carol.stderr)
    assert.match(carol.stderr, /refused your invite \(invite used up\)/)
    assert.equal(hasStackTrace(carol.stderr), false, carol.stderr)
    await alice.waitForLine((l) => l.type === 'membership' && l.event === 'refused' && l.self === false, 10_000, 'alice sees carol refused')

    // A second invite, revoked while alice has the room open: her process signs and sends it.
    const second = await procs.run('cryptochat', ['invite', roomId, '--json', '--data-dir', aliceDir])
    const inviteId = second.lines[0]?.inviteId as string
    const listed = await procs.run('cryptochat', ['invites', roomId, '--json', '--data-dir', aliceDir])
    assert.equal(listed.code, 0, listed.stderr)
    const revoked = await procs.run('cryptochat', ['revoke', roomId, inviteId, '--json', '--data-dir', aliceDir])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.equal(revoked.lines[0]?.sent, true, 'the open room took the revocation')
    await bob.waitForLine((l) => l.type === 'membership' && l.event === 'revoked' && l.inviteId === inviteId, 10_000, 'bob learns of the revocation')
    const dave = procs.spawn('cryptochat', ['join', roomId, '--invite', second.lines[0]?.invite as string, '--nick', 'dave', '--json', '--data-dir', dir('dave')], 'dave')
    const daveRefused = await dave.waitForLine((l) => l.type === 'membership' && l.event === 'refused' && l.self === true, 20_000, 'dave refused')
    assert.equal(daveRefused.reason, 'invite revoked')
    assert.equal((await dave.exited).code, INVITE_REFUSED)

    const all = await procs.run('cryptochat', ['invites', roomId, '--all', '--json', '--data-dir', aliceDir])
    const statuses = Object.fromEntries(all.lines.map((l) => [l.inviteId, l.status]))
    assert.equal(statuses[once.lines[0]?.inviteId as string], 'used up')
    assert.equal(statuses[inviteId], 'revoked')
    const members = await procs.run('cryptochat', ['members', roomId, '--json', '--data-dir', aliceDir])
    assert.equal(members.code, 0, members.stderr)
    assert.deepEqual(members.lines.map((l) => l.role).sort(), ['member', 'owner'])
    const bad = await procs.run('cryptochat', ['revoke', roomId, 'nope', '--data-dir', aliceDir])
    assert.equal(bad.code, 2)
    assert.equal(hasStackTrace(bad.stderr), false)
  })
})

describe('removal from the command line (real processes)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-e2e-')
  const dir = dirs.make

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('`remove` by the owner (room not open) starts a new epoch: bob follows, carol reads and sends nothing more', async () => {
    const relay = await startRelay(procs, dir('relay'))
    const aliceDir = dir('alice')
    const created = await procs.run('cryptochat', ['create', 'club', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    const roomId = created.lines[0]?.roomId as string
    const code = created.lines[0]?.invite as string
    const bobDir = dir('bob')
    const bob = procs.spawn('cryptochat', ['join', roomId, '--invite', code, '--nick', 'bob', '--json', '--data-dir', bobDir], 'bob')
    await bob.waitForLine((l) => l.type === 'ready', 20_000, "bob's ready")
    const carolDir = dir('carol')
    const carol = procs.spawn('cryptochat', ['join', roomId, '--invite', code, '--nick', 'carol', '--json', '--data-dir', carolDir], 'carol')
    const carolReady = await carol.waitForLine((l) => l.type === 'ready', 20_000, "carol's ready")
    // Alice's log must hold both joins before she can remove one: she opens the room once.
    const alice = procs.spawn('cryptochat', ['join', roomId, '--json', '--data-dir', aliceDir], 'alice')
    await alice.waitForLine((l) => l.type === 'membership' && l.event === 'joined' && l.fingerprint === carolReady.fingerprint, 20_000, 'alice learns carol joined')
    alice.endStdin()
    assert.equal((await alice.exited).code, 0)

    const removed = await procs.run('cryptochat', ['remove', roomId, String(carolReady.fingerprint).slice(0, 12), '--json', '--data-dir', aliceDir], 40_000)
    assert.equal(removed.code, 0, removed.stderr)
    assert.equal(removed.lines[0]?.sent, true, removed.stdout)
    await bob.waitForLine((l) => l.type === 'epoch' && l.epoch === 1, 15_000, 'bob in epoch 1')
    await carol.waitForLine((l) => l.type === 'membership' && l.event === 'removed' && l.self === true, 15_000, 'carol told she was removed')

    const alice2 = procs.spawn('cryptochat', ['join', roomId, '--json', '--data-dir', aliceDir], 'alice2')
    await alice2.waitForLine((l) => l.type === 'ready', 20_000, "alice's ready again")
    alice2.writeLine('said in epoch 1')
    await bob.waitForLine((l) => l.type === 'message' && l.text === 'said in epoch 1', 15_000, 'bob reads the new epoch')
    carol.writeLine('carol still talking')
    await carol.waitForLine((l) => l.type === 'error' && l.code === 'NotPermittedError', 10_000, 'carol told her message goes nowhere')
    bob.writeLine('bob after the removal')
    await alice2.waitForLine((l) => l.type === 'message' && l.text === 'bob after the removal', 15_000, 'alice reads bob')
    assert.ok(!carol.lines.some((l) => l.type === 'message' && (l.text === 'said in epoch 1' || l.text === 'bob after the removal')), 'carol read the new epoch')
    assert.ok(!alice2.lines.some((l) => l.type === 'message' && l.text === 'carol still talking'), 'alice accepted a removed member\'s message')
    assert.ok(!bob.lines.some((l) => l.type === 'message' && l.text === 'carol still talking'), 'bob accepted a removed member\'s message')

    // Carol, back later, is told at once that she was removed, and the run ends (exit 16).
    carol.endStdin()
    await carol.exited
    const again = await procs.run('cryptochat', ['join', roomId, '--json', '--data-dir', carolDir], 30_000)
    assert.equal(again.code, INVITE_REFUSED, again.stderr)
    assert.match(again.stderr, /you were removed from the room/)
    assert.equal(hasStackTrace(again.stderr), false)

    const notOwner = await procs.run('cryptochat', ['remove', roomId, String(carolReady.fingerprint).slice(0, 12), '--data-dir', bobDir])
    assert.equal(notOwner.code, 9, notOwner.stderr)
    assert.equal(hasStackTrace(notOwner.stderr), false)

    // Owners only may invite (alice's open room takes the setting); then bob is made an owner.
    const policy = await procs.run('cryptochat', ['policy', roomId, '--invites', 'owners', '--json', '--data-dir', aliceDir], 20_000)
    assert.equal(policy.code, 0, policy.stderr)
    assert.equal(policy.lines[0]?.sent, true)
    await bob.waitForLine((l) => l.type === 'membership' && l.event === 'policy', 10_000, 'bob learns the policy')
    const bobInvite = await procs.run('cryptochat', ['invite', roomId, '--data-dir', bobDir])
    assert.equal(bobInvite.code, 9, bobInvite.stderr)
    assert.match(bobInvite.stderr, /only owners may invite/)
    const bobFp = String((bob.lines.find((l) => l.type === 'ready') as any).fingerprint)
    const promoted = await procs.run('cryptochat', ['promote', roomId, bobFp.slice(0, 10), '--json', '--data-dir', aliceDir], 20_000)
    assert.equal(promoted.code, 0, promoted.stderr)
    await bob.waitForLine((l) => l.type === 'membership' && l.event === 'promoted' && l.self === true, 10_000, 'bob made an owner')
    // Bob (running) announces an invite while alice is away; alice revokes it from the
    // shell with her room closed: the command fetches the room's log first, so it knows it.
    alice2.endStdin()
    assert.equal((await alice2.exited).code, 0)
    const bobs = await procs.run('cryptochat', ['invite', roomId, '--json', '--data-dir', bobDir])
    assert.equal(bobs.code, 0, bobs.stderr)
    const bobsId = String(bobs.lines[0]?.inviteId)
    const revokedByAlice = await procs.run('cryptochat', ['revoke', roomId, bobsId, '--json', '--data-dir', aliceDir], 40_000)
    assert.equal(revokedByAlice.code, 0, revokedByAlice.stderr)
    assert.equal(revokedByAlice.lines[0]?.sent, true, revokedByAlice.stdout)
    await bob.waitForLine((l) => l.type === 'membership' && l.event === 'revoked' && l.inviteId === bobsId, 15_000, 'bob learns alice revoked his invite')
  })
})
