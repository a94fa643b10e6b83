import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { OLD_EPOCH_LISTEN_MS } from '../../src/constants.js'
import type { SyncRequest, SyncResponse } from '../../src/protocol/index.js'
import { waitFor } from '../helpers/index.js'
import { TestRoom } from '../helpers/room.js'

/** What the session keeps private that this test looks at. */
interface SessionInside {
  now: () => number
  leaveLapsedEpochs: () => void
  pubsub: { getTopics: () => string[] }
  epochs: { get: (epoch: number) => { topic: string, meetTopic: string } | undefined }
  linkFor: (epoch: unknown) => { request: (peer: string, query: Partial<SyncRequest>) => AsyncIterable<SyncResponse> }
}

describe('old epochs\' topics lapse after OLD_EPOCH_LISTEN_MS (issue 12)', () => {
  const r = new TestRoom()
  before(async () => { await r.start('alice', ['bob']) })
  after(async () => { await r.stop() })

  it('members listen on a replaced epoch\'s topics for the grace period, then leave them; its key still serves history', async () => {
    await r.s('alice').send('said in epoch 0')
    await waitFor(() => r.got('bob', 'said in epoch 0'), 10_000, 'bob reads epoch 0')
    const epoch = await r.s('alice').rekey()
    await waitFor(() => r.s('bob').epoch === epoch, 10_000, 'bob in the new epoch')
    const bob = r.s('bob') as unknown as SessionInside
    const old = bob.epochs.get(0)!
    const current = bob.epochs.get(epoch)!
    // Within the grace period: still listening where a member who was away would speak.
    bob.leaveLapsedEpochs()
    assert.ok(bob.pubsub.getTopics().includes(old.topic) && bob.pubsub.getTopics().includes(old.meetTopic), 'bob left epoch 0 at once')
    // Past it (bob's clock moved on): the old topics go, the current ones stay.
    const clock = bob.now
    bob.now = () => clock() + OLD_EPOCH_LISTEN_MS + 60_000
    try {
      bob.leaveLapsedEpochs()
    } finally {
      bob.now = clock
    }
    const topics = bob.pubsub.getTopics()
    assert.equal(topics.includes(old.topic) || topics.includes(old.meetTopic), false, 'bob still listens on epoch 0')
    assert.ok(topics.includes(current.topic) && topics.includes(current.meetTopic), 'bob left the current epoch')
    // The key stays: a member proving epoch 0 still gets its history from bob.
    const alice = r.s('alice') as unknown as SessionInside
    const bodies: number[] = []
    for await (const frame of alice.linkFor(alice.epochs.get(0)).request(r.peerId('bob'), { fetch: true, since: 1n })) bodies.push(frame.envelopes.length)
    assert.ok(bodies.reduce((a, b) => a + b, 0) >= 1, 'bob served no epoch-0 history')
  })
})
