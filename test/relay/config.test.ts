import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadRelayConfig, parseRelayConfig } from '../../relay-node/index.js'
import { resolveStartConfig } from '../../relay-node/main.js'
import { tempDir, removeDir } from '../helpers/index.js'

const documented = fileURLToPath(new URL('../../../config/relay.json', import.meta.url))

describe('relay config', () => {
  const dir = tempDir()
  after(() => { removeDir(dir) })

  it('config/relay.json documents exactly the built-in defaults', () => {
    assert.deepEqual(loadRelayConfig(documented), parseRelayConfig({}))
  })

  it('fills omitted settings with defaults', () => {
    const config = parseRelayConfig({ hub: { maxTopics: 3 } })
    assert.equal(config.hub.maxTopics, 3)
    assert.equal(config.hub.enabled, true)
    assert.equal(config.circuitRelay.maxReservations, parseRelayConfig({}).circuitRelay.maxReservations)
  })

  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', '{ "listen": [', /not valid JSON/],
    ['an unknown key', '{ "hub": { "maxTopic": 3 } }', /hub/],
    ['a wrong type', '{ "hub": { "maxTopics": "many" } }', /hub\.maxTopics/],
    ['a negative limit', '{ "circuitRelay": { "dataLimitBytes": -1 } }', /circuitRelay\.dataLimitBytes/],
    ['the store on without the hub', '{ "hub": { "enabled": false }, "store": { "enabled": true } }', /setting 'store\.enabled' is invalid: the store needs the hub/],
    ['a store cap below 64 KiB', '{ "store": { "maxTotalBytes": 1000 } }', /store\.maxTotalBytes/],
    ['a store age over a year', '{ "store": { "maxAgeMs": 40000000000 } }', /store\.maxAgeMs/],
    ['an unknown store key', '{ "store": { "maxBytes": 1 } }', /store/],
    ['no store requests at all', '{ "store": { "requestsPerSecond": 0 } }', /store\.requestsPerSecond/],
    ['a fractional burst', '{ "store": { "requestBurst": 2.5 } }', /store\.requestBurst/],
    ['no concurrent reads', '{ "store": { "maxConcurrentReads": 0 } }', /store\.maxConcurrentReads/]
  ]
  for (const [what, text, message] of bad) {
    it(`refuses a file with ${what}, naming the problem`, () => {
      const path = join(dir, 'relay.json')
      writeFileSync(path, text)
      assert.throws(() => loadRelayConfig(path), (err: Error) => err.name === 'RelayConfigError' && message.test(err.message))
    })
  }

  const requestLimits = { requestBurst: 20, requestsPerSecond: 5, maxConcurrentReads: 8, newTopicsPerPeer: 8 }

  it('has the blind store off by default, with documented limits', () => {
    assert.deepEqual(parseRelayConfig({}).store, {
      enabled: false, maxAgeMs: 7 * 24 * 3600 * 1000, maxTopicBytes: 8 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024, maxTopics: 1024, maxEnvelopes: 500_000, ...requestLimits
    })
    assert.equal(parseRelayConfig({ store: { requestsPerSecond: 0.5 } }).store.requestsPerSecond, 0.5, 'a rate below one per second')
  })

  it('start flags turn the store on and set its limits over the file', () => {
    const path = join(dir, 'store.json')
    writeFileSync(path, '{ "store": { "maxTopics": 7, "maxAgeMs": 60000 } }')
    const config = resolveStartConfig({ config: path, store: true, storeMaxAge: '2d', storeMaxMb: '64', storeTopicMb: '4' })
    assert.deepEqual(config.store, { enabled: true, maxAgeMs: 2 * 24 * 3600 * 1000, maxTotalBytes: 64 * 1024 * 1024, maxTopicBytes: 4 * 1024 * 1024, maxTopics: 7, maxEnvelopes: 500_000, ...requestLimits })
    assert.equal(resolveStartConfig({ config: path }).store.enabled, false)
  })

  const badFlags: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ storeMaxMb: '0' }, 'UsageError', /--store-max-mb '0' is not a whole number of MiB from 1 to 65536/],
    [{ storeMaxMb: '1.5' }, 'UsageError', /--store-max-mb/],
    [{ storeTopicMb: 'lots' }, 'UsageError', /--store-topic-mb 'lots'/],
    [{ storeMaxMb: '99999999' }, 'UsageError', /--store-max-mb/],
    [{ storeMaxAge: '7' }, 'InvalidDurationError', /'7' is not a duration/],
    [{ storeMaxAge: '400d' }, 'InvalidDurationError', /too long/],
    [{ store: true, hub: false }, 'UsageError', /^--store needs the hub, so it cannot be used with --no-hub$/]
  ]
  for (const [flags, name, message] of badFlags) {
    it(`refuses start flags ${JSON.stringify(flags)} with ${name}`, () => {
      assert.throws(() => resolveStartConfig(flags), (err: Error) => err.name === name && message.test(err.message))
    })
  }

  it('names the config file when the store flag meets a file without the hub, and the other way round', () => {
    const noHub = join(dir, 'no-hub.json')
    writeFileSync(noHub, '{ "hub": { "enabled": false } }')
    assert.throws(() => resolveStartConfig({ config: noHub, store: true }),
      (err: Error) => err.name === 'UsageError' && err.message === `--store needs the hub, so it cannot be used with hub.enabled false in ${noHub}`)
    const withStore = join(dir, 'with-store.json')
    writeFileSync(withStore, '{ "store": { "enabled": true } }')
    assert.throws(() => resolveStartConfig({ config: withStore, hub: false }),
      (err: Error) => err.name === 'UsageError' && err.message.startsWith(`store.enabled in ${withStore} needs the hub`) && err.message.endsWith('with --no-hub'))
  })

  it('refuses a missing file', () => {
    assert.throws(() => loadRelayConfig(join(dir, 'nope.json')), (err: Error) => err.name === 'RelayConfigError' && /no such file/.test(err.message))
  })
})
