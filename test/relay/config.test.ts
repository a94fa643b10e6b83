import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadRelayConfig, parseRelayConfig } from '../../relay-node/index.js'
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
    ['a negative limit', '{ "circuitRelay": { "dataLimitBytes": -1 } }', /circuitRelay\.dataLimitBytes/]
  ]
  for (const [what, text, message] of bad) {
    it(`refuses a file with ${what}, naming the problem`, () => {
      const path = join(dir, 'relay.json')
      writeFileSync(path, text)
      assert.throws(() => loadRelayConfig(path), (err: Error) => err.name === 'RelayConfigError' && message.test(err.message))
    })
  }

  it('refuses a missing file', () => {
    assert.throws(() => loadRelayConfig(join(dir, 'nope.json')), (err: Error) => err.name === 'RelayConfigError' && /no such file/.test(err.message))
  })
})
