/**
 * End to end, real processes: `cryptochat-relay start` refuses bad settings with the
 * documented exit codes and one-line messages, and stops cleanly on SIGINT.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs, waitFor } from '../helpers/index.js'
import { hasStackTrace, Procs, startRelay, type RunResult } from './procs.js'

const EXIT = { OK: 0, USAGE: 2, NETWORK: 5, CONFIG: 6 }

describe('cryptochat-relay command line (real processes)', () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-e2e-')
  const dir = dirs.make

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  /** Refused before starting: the exit code, one `cryptochat-relay: …` line, a fatal JSON event. */
  function assertRefused (r: RunResult, code: number, message: RegExp, errorName: string): void {
    assert.equal(r.code, code, `exit ${String(r.code)} (signal ${String(r.signal)})\nstderr: ${r.stderr}\nstdout: ${r.stdout}`)
    assert.equal(hasStackTrace(r.stderr), false, `stack trace on stderr:\n${r.stderr}`)
    const errLines = r.stderr.trim().split('\n')
    assert.equal(errLines.length, 1, `expected one line on stderr:\n${r.stderr}`)
    assert.match(errLines[0] as string, /^cryptochat-relay: /)
    assert.match(r.stderr, message)
    const events = r.lines.filter((l) => l.type === 'error')
    assert.equal(events.length, 1, r.stdout)
    assert.equal(events[0]?.fatal, true)
    assert.equal(events[0]?.code, errorName)
    assert.equal(r.lines.some((l) => l.type === 'listening'), false)
  }

  test('a malformed --config file exits 6 with a message naming the file and the setting', async () => {
    const cfgDir = dir('relay-config')
    const file = (name: string, text: string): string => {
      const path = join(cfgDir, name)
      writeFileSync(path, text)
      return path
    }
    const cases: Array<{ path: string, message: RegExp }> = [
      { path: file('truncated.json', '{"listen": ['), message: /truncated\.json is not valid JSON/ },
      { path: file('typo.json', '{"listne": ["/ip4/127.0.0.1/tcp/0"]}'), message: /typo\.json: .*listne/ },
      { path: file('nested-typo.json', '{"hub": {"enabeld": false}}'), message: /nested-typo\.json: setting 'hub' .*enabeld/ },
      { path: file('wrong-type.json', '{"hub": {"meshDegree": "lots"}}'), message: /wrong-type\.json: setting 'hub\.meshDegree' is invalid/ },
      { path: file('bad-listen.json', '{"listen": ["nope"]}'), message: /bad-listen\.json: setting 'listen' is invalid: 'nope' is not a multiaddr/ },
      { path: join(cfgDir, 'missing.json'), message: /cannot read config file .*missing\.json: no such file/ }
    ]
    // Two at a time (each is a node process).
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(cases.slice(i, i + 2).map(async ({ path, message }, j) => {
        const dataDir = join(cfgDir, `data-${i + j}`)
        const r = await procs.run('relay', ['start', '--json', '--config', path, '--data-dir', dataDir])
        assertRefused(r, EXIT.CONFIG, message, 'RelayConfigError')
        // Refused before anything is written: no data dir, no key.
        assert.equal(existsSync(dataDir), false, `${dataDir} should not have been created`)
      }))
    }
  })

  test('a valid --config file is honoured', async () => {
    const cfgDir = dir('relay-config-ok')
    const path = join(cfgDir, 'relay.json')
    writeFileSync(path, JSON.stringify({ listen: ['/ip4/127.0.0.1/tcp/0'], hub: { enabled: false, maxTopics: 8 } }))
    const proc = procs.spawn('relay', ['start', '--json', '--config', path, '--data-dir', join(cfgDir, 'data')], 'relay(config)')
    const listening = await proc.waitForLine((l) => l.type === 'listening', 15_000, "'listening' line")
    assert.equal(listening.hub, false)
    assert.ok((listening.multiaddrs as string[]).every((a) => a.startsWith('/ip4/127.0.0.1/tcp/')), JSON.stringify(listening))
    proc.kill('SIGTERM')
    assert.deepEqual(await proc.waitForExit(15_000), { code: EXIT.OK, signal: null }, proc.stderr)
  })

  test('--listen or --announce that is not a multiaddr exits 2', async () => {
    const dataDir = join(dir('relay-listen'), 'data')
    const [listen, announce] = await Promise.all([
      procs.run('relay', ['start', '--json', '--listen', 'notamultiaddr', '--data-dir', dataDir]),
      procs.run('relay', ['start', '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--announce', 'nope', '--data-dir', dataDir])
    ])
    assertRefused(listen, EXIT.USAGE, /--listen 'notamultiaddr' is not a multiaddr/, 'InvalidListenAddressError')
    assertRefused(announce, EXIT.USAGE, /--announce 'nope' is not a multiaddr/, 'InvalidListenAddressError')
    assert.equal(existsSync(dataDir), false)
    // An unknown option is a usage error too, reported the same way.
    const unknown = await procs.run('relay', ['start', '--json', '--listne', '/ip4/127.0.0.1/tcp/0', '--data-dir', dataDir])
    assert.equal(unknown.code, EXIT.USAGE, unknown.stderr)
    assert.match(unknown.stderr, /^cryptochat-relay: unknown option '--listne'/m)
    assert.deepEqual(unknown.lines, [{ type: 'error', message: "unknown option '--listne' (Did you mean --listen?)", code: 'UsageError', fatal: true }])
    // And without --json: the same line, nothing on stdout.
    const plain = await procs.run('relay', ['start', '--listen', 'notamultiaddr', '--data-dir', dataDir])
    assert.equal(plain.code, EXIT.USAGE)
    assert.equal(plain.stdout, '')
    assert.match(plain.stderr, /^cryptochat-relay: --listen 'notamultiaddr' is not a multiaddr/)
  })

  test('a port already in use exits 5 with a one-line reason', async () => {
    const first = await startRelay(procs, join(dir('relay-port-a'), 'data'), ['--no-hub'], 'relay(first)')
    const port = /\/tcp\/(\d+)\//.exec(first.addr)?.[1]
    assert.ok(port != null, first.addr)
    const second = await procs.run('relay', ['start', '--json', '--no-hub', '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--data-dir', join(dir('relay-port-b'), 'data')])
    assertRefused(second, EXIT.NETWORK, new RegExp(`cannot listen on /ip4/127\\.0\\.0\\.1/tcp/${port}: address already in use`), 'ListenError')
    first.proc.kill('SIGTERM')
    assert.equal((await first.proc.waitForExit(15_000)).code, EXIT.OK, first.proc.stderr)
  })

  test('SIGINT stops the relay with exit 0 (--json and plain)', async () => {
    const json = await startRelay(procs, join(dir('relay-sigint'), 'data'), [], 'relay(json)')
    json.proc.kill('SIGINT')
    assert.deepEqual(await json.proc.waitForExit(15_000), { code: EXIT.OK, signal: null }, json.proc.stderr)
    const stopped = json.proc.lines.filter((l) => l.type === 'stopped')
    assert.deepEqual(stopped, [{ type: 'stopped', signal: 'SIGINT' }])
    assert.equal(json.proc.lines.at(-1)?.type, 'stopped', 'stopped is the last line')
    assert.equal(json.proc.stderr, '')

    // Plain mode: the addresses on stdout, a note on stderr; Ctrl-C ends it quietly.
    const plain = procs.spawn('relay', ['start', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', join(dir('relay-sigint-plain'), 'data')], 'relay(plain)')
    await waitFor(() => /\/p2p\/12D3KooW\S+\n/.test(plain.stdout) || plain.exit != null, 15_000, 'the plain relay to print its address')
    assert.equal(plain.exit, null, `relay exited early: ${plain.stderr}`)
    assert.match(plain.stdout, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\w+$/m)
    plain.kill('SIGINT')
    assert.deepEqual(await plain.waitForExit(15_000), { code: EXIT.OK, signal: null }, plain.stderr)
    assert.equal(hasStackTrace(plain.stderr), false, plain.stderr)
  })
})
