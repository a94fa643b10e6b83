import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ControlType, epochKey } from '../../src/protocol/index.js'
import { findSecrets } from '../keystore/disk.js'
import { hexToBytes } from '../../src/crypto/index.js'
import { waitFor } from '../helpers/index.js'
import { TestRoom as Room } from '../helpers/room.js'

describe('removal with rekey (four members, in-process relay)', () => {
  const r = new Room()
  before(async () => { await r.start('alice', ['bob', 'carol', 'dave']) })
  after(async () => { await r.stop() })

  it('the owner removes carol: a new epoch for the others; carol, still running with the old key, reads and sends nothing more', async () => {
    // Dave is away during the removal (his client stopped).
    await r.stopUser('dave')
    await r.s('alice').remove(r.key('carol'))
    for (const name of ['alice', 'bob']) {
      await waitFor(() => r.s(name).epoch === 1, 10_000, `${name} in epoch 1`)
      assert.ok(!r.s(name).roster().some((m) => m.publicKey === r.key('carol')), `${name} no longer lists carol`)
    }
    assert.equal(r.s('carol').epoch, 0, 'carol got no key for the new epoch')
    await r.s('alice').send('after carol left')
    await waitFor(() => r.got('bob', 'after carol left'), 10_000, 'bob reads the new epoch')
    // Carol still holds the old key and still speaks in the old epoch: nobody takes it.
    await r.s('carol').send('carol is still here').catch(() => {})
    await r.s('bob').send('bob after the removal')
    await waitFor(() => r.got('alice', 'bob after the removal'), 10_000, 'alice reads bob')
    assert.ok(!r.got('carol', 'after carol left') && !r.got('carol', 'bob after the removal'), 'carol read a message of the new epoch')
    assert.ok(!r.got('alice', 'carol is still here') && !r.got('bob', 'carol is still here'), 'a removed member\'s message was accepted')
  })

  it('membership operations carol signs in the old epoch after her removal change nothing', async () => {
    const before = JSON.stringify([...r.s('bob').membership.state.members].map(([k, m]) => [k, m.role]).sort())
    await r.s('carol').control({ type: ControlType.PROMOTE, member: hexToBytes(r.key('carol')) })
    await r.s('carol').control({ type: ControlType.REMOVE, member: hexToBytes(r.key('bob')) })
    // They reach the members (the log keeps them, as a former member's) and are refused.
    await waitFor(() => r.s('bob').membership.state.refused.filter((x) => x.op.author === r.key('carol')).length >= 2, 10_000, 'bob to judge carol\'s operations')
    assert.equal(JSON.stringify([...r.s('bob').membership.state.members].map(([k, m]) => [k, m.role]).sort()), before)
    assert.equal(r.s('alice').epoch, 1)
  })

  it('the new epoch\'s secret and key are nowhere in clear in any member\'s data directory', () => {
    const { secret } = r.s('alice').inviteSecret()
    const found: string[] = []
    for (const [name, user] of r.users) {
      found.push(...findSecrets(user.dataDir, { 'epoch 1 secret': secret, 'epoch 1 key': epochKey(secret, hexToBytes(r.room.roomId), 1) }).map((f) => `${name}: ${f}`))
    }
    assert.deepEqual(found, [])
  })

  it('dave, away during the rekey, comes back: he gets the new epoch\'s key from a member and reads what was said', async () => {
    const dave = await r.open('dave')
    await waitFor(() => dave.epoch === 1, 20_000, 'dave in epoch 1')
    await waitFor(() => r.got('dave', 'after carol left') && r.got('dave', 'bob after the removal'), 20_000, 'dave catches up the new epoch')
    await r.s('alice').send('welcome back dave')
    await waitFor(() => r.got('dave', 'welcome back dave'), 10_000, 'dave reads live messages of the new epoch')
    assert.ok(!r.got('dave', 'carol is still here'))
  })
})

describe('concurrent removals by two owners converge (in-process relay)', () => {
  const r = new Room()
  before(async () => { await r.start('alice', ['bob', 'erin', 'frank']) })
  after(async () => { await r.stop() })

  it('alice removes erin while bob removes frank: every member ends with the same members, and neither reads on', async () => {
    await r.s('alice').control({ type: ControlType.PROMOTE, member: hexToBytes(r.key('bob')) })
    await waitFor(() => r.s('bob').roster().find((m) => m.self)?.role === 'owner', 10_000, 'bob an owner')
    await Promise.all([r.s('alice').remove(r.key('erin')), r.s('bob').remove(r.key('frank'))])
    const expected = [r.key('alice'), r.key('bob')].sort()
    for (const name of ['alice', 'bob', 'erin', 'frank']) {
      await waitFor(() => JSON.stringify([...r.s(name).membership.state.members.keys()].sort()) === JSON.stringify(expected), 15_000,
        () => `${name} to converge (has ${[...r.s(name).membership.state.members.keys()].map((k) => k.slice(0, 6)).join(',')})`)
    }
    // The epoch that won went to one of the removed (each owner had not yet seen the other's
    // removal): an owner starts another, and everyone ends in it with no removed holder.
    await waitFor(() => !r.s('alice').membership.needsRekey() && !r.s('bob').membership.needsRekey() && r.s('alice').epoch === r.s('bob').epoch, 20_000, 'a clean epoch at alice and bob')
    await r.s('alice').send('only owners now')
    await waitFor(() => r.got('bob', 'only owners now'), 10_000, 'bob reads alice')
    assert.ok(!r.got('erin', 'only owners now') && !r.got('frank', 'only owners now'))
  })
})
