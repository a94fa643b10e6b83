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

/** Settings: documented defaults, then the config file, then flags. */
function resolveConfig (opts: StartOptions): RelayConfig {
  const base = opts.config != null ? loadRelayConfig(opts.config) : parseRelayConfig({})
  return {
    ...base,
    listen: opts.listen != null ? checkMultiaddrs('--listen', opts.listen) : checkMultiaddrs('listen', base.listen),
    announce: opts.announce != null ? checkMultiaddrs('--announce', opts.announce) : checkMultiaddrs('announce', base.announce),
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
    const e = new Error(`cannot listen on ${config.listen.join(', ')}: ${err?.code === 'EADDRINUSE' ? 'address already in use' : err?.message ?? err}`)
    e.name = 'ListenError'
    throw e
  }
  const addrs = relay.multiaddrs()
  if (json) {
    output.json({ type: 'listening', peerId: relay.peerId(), multiaddrs: addrs, hub: config.hub.enabled, dataDir, keyCreated: created })
  } else {
    for (const a of addrs) output.out(a)
    output.err(`cryptochat-relay ${VERSION}: peer id ${relay.peerId()}${created ? ' (new key)' : ''}, hub ${config.hub.enabled ? 'on' : 'off'}, data in ${dataDir}. Ctrl-C stops it.`)
  }

  await new Promise<void>((resolve) => {
    closeWithGrace({ delay: 10_000, logger: false }, async ({ signal, err }) => {
      if (err != null) output.err(`cryptochat-relay: ${err.message}`)
      await relay.stop()
      if (json) output.json({ type: 'stopped', signal: signal ?? null })
      resolve()
    })
  })
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
