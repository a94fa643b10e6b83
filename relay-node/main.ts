import { Command } from 'commander'
import closeWithGrace from 'close-with-grace'
import { multiaddr } from '@multiformats/multiaddr'
import { resolve } from 'node:path'
import { defaultRelayDataDir } from '../src/store/index.js'
import { processOutput, runProgram, type Output } from '../src/cli/index.js'
import { VERSION } from '../src/cli/version.js'
import { loadRelayConfig, parseRelayConfig, RelayConfigError, type RelayConfig } from './config.js'
import { loadOrCreateRelayKey } from './key.js'
import { createRelay } from './relay.js'

/** A --listen or --announce value that is not a multiaddr. */
export class InvalidListenAddressError extends Error {
  override readonly name: string = 'InvalidListenAddressError'
}

interface StartOptions {
  listen?: string[]
  announce?: string[]
  dataDir?: string
  config?: string
  json?: boolean
  hub?: boolean
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

function checkMultiaddrs (flag: string, values: string[]): string[] {
  for (const v of values) {
    try {
      multiaddr(v)
    } catch {
      throw new InvalidListenAddressError(`${flag} '${v}' is not a multiaddr (e.g. /ip4/0.0.0.0/tcp/4001)`)
    }
  }
  return values
}

/** Addresses from the config file: a bad one is a config error naming the file and setting. */
function checkConfigMultiaddrs (source: string, setting: string, values: string[]): string[] {
  for (const v of values) {
    try {
      multiaddr(v)
    } catch {
      throw new RelayConfigError(`${source}: setting '${setting}' is invalid: '${v}' is not a multiaddr (e.g. /ip4/0.0.0.0/tcp/4001)`)
    }
  }
  return values
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this host',
  EACCES: 'permission denied (ports below 1024 need privileges)'
}

/**
 * One line saying why listening failed. libp2p folds each address's error, stack trace
 * included, into the text of a single error, so the cause is read from that text.
 */
function listenFailure (err: any): string {
  const text = String(err?.message ?? err)
  const code = typeof err?.code === 'string' && err.code in LISTEN_ERRORS ? err.code : Object.keys(LISTEN_ERRORS).find((c) => text.includes(c))
  if (code != null) return LISTEN_ERRORS[code] as string
  const causes = [...text.matchAll(/^\s*(\/\S+): (?:\w*Error: )?(.+)$/gm)].map((m) => `${m[1] ?? ''}: ${m[2] ?? ''}`)
  return causes.length > 0 ? causes.join('; ') : (text.split('\n')[0] ?? text)
}

/** Settings: documented defaults, then the config file, then flags. */
function resolveConfig (opts: StartOptions): RelayConfig {
  const base = opts.config != null ? loadRelayConfig(opts.config) : parseRelayConfig({})
  const source = opts.config ?? 'defaults'
  return {
    ...base,
    listen: opts.listen != null ? checkMultiaddrs('--listen', opts.listen) : checkConfigMultiaddrs(source, 'listen', base.listen),
    announce: opts.announce != null ? checkMultiaddrs('--announce', opts.announce) : checkConfigMultiaddrs(source, 'announce', base.announce),
    hub: { ...base.hub, enabled: opts.hub === false ? false : base.hub.enabled }
  }
}

async function start (opts: StartOptions, output: Output): Promise<number> {
  const config = resolveConfig(opts)
  const dataDir = resolve(opts.dataDir ?? process.env.CRYPTOCHAT_RELAY_HOME ?? defaultRelayDataDir())
  const { key, created } = await loadOrCreateRelayKey(dataDir)
  const json = opts.json === true
  let relay
  try {
    relay = await createRelay({
      privateKey: key,
      config,
      onTopic: (event, topic) => { if (json) output.json({ type: 'topic', event, topic }) }
    })
  } catch (err: any) {
    const e = new Error(`cannot listen on ${config.listen.join(', ')}: ${listenFailure(err)}`)
    e.name = 'ListenError'
    throw e
  }
  // Handle SIGINT/SIGTERM before announcing the addresses: a supervisor (or test) that
  // signals the relay as soon as it reads them must get a clean stop, not a default kill.
  const running = relay
  const stopped = new Promise<void>((resolve) => {
    closeWithGrace({ delay: 10_000, logger: false }, async ({ signal, err }) => {
      if (err != null) output.err(`cryptochat-relay: ${err.message}`)
      await running.stop()
      if (json) output.json({ type: 'stopped', signal: signal ?? null })
      resolve()
    })
  })
  const addrs = relay.multiaddrs()
  if (json) {
    output.json({ type: 'listening', peerId: relay.peerId(), multiaddrs: addrs, hub: config.hub.enabled, dataDir, keyCreated: created })
  } else {
    for (const a of addrs) output.out(a)
    output.err(`cryptochat-relay ${VERSION}: peer id ${relay.peerId()}${created ? ' (new key)' : ''}, hub ${config.hub.enabled ? 'on' : 'off'}, data in ${dataDir}. Ctrl-C stops it.`)
  }

  await stopped
  return 0
}

/** Build the `cryptochat-relay` command line. */
export function buildRelayProgram (output: Output): Command {
  const program = new Command('cryptochat-relay')
    .description('CryptoChat relay: helps peers find and reach each other; reads nothing')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')

  program.command('start')
    .description('start the relay and print its addresses')
    .option('--listen <multiaddr>', 'address to listen on (repeatable; default /ip4/0.0.0.0/tcp/4001)', collect)
    .option('--announce <multiaddr>', 'address to announce instead (repeatable)', collect)
    .option('--data-dir <dir>', 'where the relay key lives (default: $CRYPTOCHAT_RELAY_HOME, else the platform data dir)')
    .option('--config <file>', 'JSON settings file (see config/relay.json for every setting and its default)')
    .option('--no-hub', 'do not run the gossipsub hub (circuit relay and discovery only)')
    .option('--json', 'JSON lines on stdout')
    .action(async (opts: StartOptions) => {
      program.setOptionValue('__exitCode', await start(opts, output))
    })
  return program
}

/** Entry point of `cryptochat-relay`; resolves with the process exit code. */
export async function main (argv: string[], output: Output = processOutput): Promise<number> {
  return await runProgram(buildRelayProgram(output), argv, output, 'cryptochat-relay')
}

export { RelayConfigError }
