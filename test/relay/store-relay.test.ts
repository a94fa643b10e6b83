/**
 * The blind store inside a running relay: it keeps exactly the envelopes members put,
 * serves them back to a member, still has them after a restart, and `cryptochat-relay
 * start` turns it on, reports it, and refuses `--store` without the hub.
 */
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateSigningKeyPair } from '../../src/crypto/index.js'
import { MessageKind, openMessage, sealMessage } from '../../src/protocol/index.js'
import type { Output } from '../../src/cli/index.js'
import { main } from '../../relay-node/main.js'
import type { Relay } from '../../relay-node/index.js'
import { startTestRelay, tempDirs } from '../helpers/index.js'
import { ctxFor, textMessage } from '../protocol/forge.js'
import { makeRoom, startStorePeer, topicOf, type StorePeer } from './store-peer.js'

const RELAY_BIN = fileURLToPath(new URL('../../../bin/cryptochat-relay.js', import.meta.url))

/** Output captured in memory. */
function captured (): Output & { outLines: string[], errLines: string[], events: any[] } {
  const outLines: string[] = []
  const errLines: string[] = []
  const events: any[] = []
  return {
    outLines, errLines, events,
    out: (line) => { outLines.push(line) },
    err: (line) => { errLines.push(line) },
    json: (value) => { events.push(value) }
  }
}

/** Run `cryptochat-relay start ...` as a process until its first JSON line (or its exit). */
async function startRelayProcess (args: string[]): Promise<{ first: any, stop: () => Promise<number | null>, exited: Promise<number | null>, stderr: () => string }> {
  const child = spawn(process.execPath, [RELAY_BIN, 'start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const exited = once(child, 'close').then(([code]) => code as number | null)
  const first = await new Promise<any>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s
      const line = stdout.split('\n')[0] as string
      if (stdout.includes('\n')) resolve(JSON.parse(line))
    })
    void exited.then(() => { resolve(undefined) })
  })
  return {
    first,
    exited,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode == null) child.kill('SIGINT')
      return await exited
    }
  }
}

describe('relay with the blind store', () => {
  const dirs = tempDirs('cryptochat-store-relay-')
  const peers: StorePeer[] = []
  const relays: Relay[] = []
  after(async () => {
    for (const p of peers.splice(0)) await p.stop()
    for (const r of relays) await r.stop()
    dirs.removeAll()
  })

  it('keeps exactly the envelopes two members put, serves them back, and still has them after a restart', async () => {
    const storeDir = join(dirs.make('relay'), 'store')
    const started = await startTestRelay({ store: { enabled: true, dir: storeDir } })
    relays.push(started.relay)
    const store = started.relay.store
    assert.ok(store != null)

    const room = makeRoom()
    const topic = topicOf(room)
    const sent = ['one from alice', 'two from alice', 'one from bob', 'two from bob']
    const members = [generateSigningKeyPair(), generateSigningKeyPair()]
    const envelopes = sent.map((text, i) => sealMessage(ctxFor(room, members[i >> 1] as typeof members[0]), textMessage(BigInt((i & 1) + 1), text)))
    const alice = await startStorePeer(started.addr)
    peers.push(alice)
    const bob = await startStorePeer(started.addr)
    peers.push(bob)
    assert.deepEqual(await alice.put(room, envelopes.slice(0, 2)), [true, true])
    assert.deepEqual(await bob.put(room, envelopes.slice(2)), [true, true])

    const kept = store.read(topic, 0n, 100)
    const opened = kept.map((e) => openMessage(room.roomId, (epoch) => epoch === 0 ? room.key : undefined, e.data))
    assert.deepEqual(opened.map((m) => m.body), sent, 'the chat messages, in the order they were put, and nothing else')
    assert.ok(opened.every((m) => m.kind === MessageKind.TEXT))
    assert.deepEqual(store.stats(), { topics: 1, envelopes: 4, bytes: store.stats().bytes })
    const fetched = await bob.fetch(room)
    assert.deepEqual(fetched, { envelopes, cursor: kept[3]?.cursor })

    await Promise.all(peers.splice(0).map(async (p) => { await p.stop() }))
    await started.relay.stop()
    relays.splice(0)
    assert.equal(store.put(topic, kept[0]?.data as Uint8Array), undefined, 'closed with the relay')

    const again = await startTestRelay({ store: { enabled: true, dir: storeDir } }, started.privateKey)
    relays.push(again.relay)
    assert.deepEqual(again.relay.store?.read(topic, 0n, 100), kept)
    const carol = await startStorePeer(again.addr)
    peers.push(carol)
    assert.deepEqual((await carol.fetch(room, { after: kept[1]?.cursor })).envelopes, envelopes.slice(2))
  })

  it('is off unless asked for', async () => {
    const { relay } = await startTestRelay()
    relays.push(relay)
    assert.equal(relay.store, undefined)
  })

  it('refuses --store with --no-hub: one line, the usage exit code, nothing started', async () => {
    const dataDir = join(dirs.make('usage'), 'data')
    const output = captured()
    const code = await main(['start', '--no-hub', '--store', '--json', '--data-dir', dataDir], output)
    assert.equal(code, 2)
    assert.deepEqual(output.errLines, ['cryptochat-relay: --store needs the hub, so it cannot be used with --no-hub'])
    assert.equal(output.events.length, 1)
    assert.equal(output.events[0].type, 'error')
    assert.equal(output.events[0].code, 'UsageError')
    assert.equal(existsSync(dataDir), false, 'refused before the data directory was made')
  })

  it('`start --store` says so at start, and a second relay cannot share its store directory', async () => {
    const dataDir = dirs.make('cli')
    const first = await startRelayProcess(['--store', '--store-max-age', '2d', '--store-max-mb', '64', '--store-topic-mb', '4', '--data-dir', dataDir])
    try {
      assert.equal(first.first?.type, 'listening', first.stderr())
      assert.equal(first.first.store, true)
      assert.equal(first.first.storeDir, join(dataDir, 'store'))
      const second = await startRelayProcess(['--store', '--data-dir', dataDir])
      assert.equal(await second.exited, 3, second.stderr())
      assert.equal(second.first?.type, 'error')
      assert.equal(second.first.code, 'DataDirError')
      assert.match(second.stderr(), /^cryptochat-relay: the store directory .* is in use by another process \(pid \d+\)/)
    } finally {
      assert.equal(await first.stop(), 0)
    }
  })
})
