import { describe, it, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { createChatNode, type ChatNode } from '../../src/net/index.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, waitFor } from '../helpers/index.js'

const topic = (n: number): string => `/cryptochat/1/${n.toString(16).padStart(64, '0')}`

describe('relay gossipsub hub', () => {
  const started: Array<Relay | ChatNode> = []
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.stop()
  })

  async function peerOf (addr: string): Promise<ChatNode> {
    const node = await createChatNode()
    started.push(node)
    await node.dial(multiaddr(addr))
    return node
  }

  it('joins room topics its peers subscribe to, and only topics of the exact form', async () => {
    const { relay, addr } = await startTestRelay()
    started.push(relay)
    const peer = await peerOf(addr)
    const bad = ['/cryptochat/1/' + 'A'.repeat(64), '/cryptochat/1/abc', '/cryptochat/2/' + '0'.repeat(64), 'chat', topic(1) + '0']
    for (const t of bad) peer.services.pubsub.subscribe(t)
    peer.services.pubsub.subscribe(topic(1))
    await waitFor(() => relay.hub.topics().includes(topic(1)) === true, 10_000, 'hub to join the room topic')
    // Subscriptions arrive in one batch: once the good one is joined, the bad ones were seen.
    assert.deepEqual(relay.node.services.pubsub.getTopics(), [topic(1)])
  })

  it('joins at most maxTopics topics', async () => {
    const { relay, addr } = await startTestRelay({ hub: { maxTopics: 2 } })
    started.push(relay)
    const peer = await peerOf(addr)
    for (let i = 1; i <= 4; i++) peer.services.pubsub.subscribe(topic(i))
    await waitFor(() => relay.hub.topics().length === 2, 10_000, 'hub to join two topics')
    // Give the remaining subscriptions a heartbeat to be (wrongly) acted on.
    await new Promise<void>((resolve) => { relay.node.services.pubsub.addEventListener('gossipsub:heartbeat', () => { resolve() }, { once: true }) })
    assert.equal(relay.node.services.pubsub.getTopics().length, 2)
  })

  it('leaves a topic when its last peer unsubscribes or disconnects', async () => {
    const { relay, addr } = await startTestRelay()
    started.push(relay)
    const a = await peerOf(addr)
    const b = await peerOf(addr)
    a.services.pubsub.subscribe(topic(7))
    b.services.pubsub.subscribe(topic(7))
    b.services.pubsub.subscribe(topic(8))
    await waitFor(() => relay.hub.topics().length === 2, 10_000, 'hub to join both topics')
    a.services.pubsub.unsubscribe(topic(7))
    await new Promise<void>((resolve) => { relay.node.services.pubsub.addEventListener('gossipsub:heartbeat', () => { resolve() }, { once: true }) })
    assert.ok(relay.hub.topics().includes(topic(7)), 'still joined while b remains')
    await b.stop()
    await waitFor(() => relay.hub.topics().length === 0, 10_000, 'hub to leave both topics after b disconnects')
    assert.deepEqual(relay.node.services.pubsub.getTopics(), [])
  })

  it('with hub.enabled false (--no-hub) serves discovery topics only', async () => {
    const { relay, addr } = await startTestRelay({ hub: { enabled: false } })
    started.push(relay)
    const peer = await peerOf(addr)
    const meet = `/cryptochat/1/meet/${'ab'.repeat(32)}`
    peer.services.pubsub.subscribe(topic(3))
    peer.services.pubsub.subscribe(meet)
    await waitFor(() => relay.hub.topics().includes(meet), 10_000, 'the relay to join the discovery topic')
    await waitFor(() => relay.node.services.pubsub.getSubscribers(topic(3)).length === 1, 10_000, 'relay to see the chat subscription')
    assert.deepEqual(relay.node.services.pubsub.getTopics(), [meet])
  })
})
