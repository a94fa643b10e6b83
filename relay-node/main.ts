import { Command } from 'commander'
import closeWithGrace from 'close-with-grace'
import { multiaddr } from '@multiformats/multiaddr'
import { resolve } from 'node:path'
import { defaultRelayDataDir } from '../src/store/index.js'
import { STORE_MAX_AGE_LIMIT_MS, STORE_MAX_TOTAL_BYTES_LIMIT } from '../src/constants.js'
import { isUserError, parseDuration, processOutput, runProgram, UsageError, type Output } from '../src/cli/index.js'
import { VERSION } from '../src/cli/version.js'
import { loadRelayConfig, parseRelayConfig, RelayConfigError, type RelayConfig } from './config.js'
import { loadOrCreateRelayKey } from './key.js'
import { createRelay } from './relay.js'

/** A --listen or --announce value that is not a multiaddr. */
export class InvalidListenAddressError extends Error {
  override readonly name: string = 'InvalidListenAddressError'
}

/** The options of `cryptochat-relay start`, as commander parses them. */
export interface StartOptions {
  listen?: string[]
  announce?: string[]
  dataDir?: string
  config?: string
  json?: boolean
  hub?: boolean
  store?: boolean
  storeMaxAge?: string
  storeMaxMb?: string
  storeTopicMb?: string
}

const MIB = 1024 * 1024

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

/** A `--store-*-mb` value: a whole number of MiB within the store's bounds. */
function parseMebibytes (flag: string, text: string): number {
  const max = STORE_MAX_TOTAL_BYTES_LIMIT / MIB
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!(value >= 1 && value <= max)) throw new UsageError(`${flag} '${text}' is not a whole number of MiB from 1 to ${max}`)
  return value * MIB
}

/** The store needs the hub: say which flag or setting asked for what, in one line. */
function checkStoreNeedsHub (config: RelayConfig, opts: StartOptions, source: string): void {
  if (!config.store.enabled || config.hub.enabled) return
  const store = opts.store === true ? '--store' : `store.enabled in ${source}`
  const noHub = opts.hub === false ? '--no-hub' : `hub.enabled false in ${source}`
  throw new UsageError(`${store} needs the hub, so it cannot be used with ${noHub}`)
}

/**
 * Settings: documented defaults, then the config file, then flags. Exported for tests:
 * a bad flag is refused here, before anything starts.
 */
export function resolveStartConfig (opts: StartOptions): RelayConfig {
  const base = opts.config != null ? loadRelayConfig(opts.config) : parseRelayConfig({})
  const source = opts.config ?? 'defaults'
  const store = base.store
  const config: RelayConfig = {
    ...base,
    listen: opts.listen != null ? checkMultiaddrs('--listen', opts.listen) : checkConfigMultiaddrs(source, 'listen', base.listen),
    announce: opts.announce != null ? checkMultiaddrs('--announce', opts.announce) : checkConfigMultiaddrs(source, 'announce', base.announce),
    hub: { ...base.hub, enabled: opts.hub === false ? false : base.hub.enabled },
    store: {
      ...store,
      enabled: opts.store === true ? true : store.enabled,
      maxAgeMs: opts.storeMaxAge != null ? parseDuration(opts.storeMaxAge, STORE_MAX_AGE_LIMIT_MS) : store.maxAgeMs,
      maxTotalBytes: opts.storeMaxMb != null ? parseMebibytes('--store-max-mb', opts.storeMaxMb) : store.maxTotalBytes,
      maxTopicBytes: opts.storeTopicMb != null ? parseMebibytes('--store-topic-mb', opts.storeTopicMb) : store.maxTopicBytes
    }
  }
  checkStoreNeedsHub(config, opts, source)
  return config
}

async function start (opts: StartOptions, output: Output): Promise<number> {
  const config = resolveStartConfig(opts)
  const dataDir = resolve(opts.dataDir ?? process.env.CRYPTOCHAT_RELAY_HOME ?? defaultRelayDataDir())
  const { key, created } = await loadOrCreateRelayKey(dataDir)
  const json = opts.json === true
  let relay
  try {
    relay = await createRelay({
      privateKey: key,
      config,
      dataDir,
      onTopic: (event, topic) => { if (json) output.json({ type: 'topic', event, topic }) }
    })
  } catch (err: any) {
    // The store's directory in use by another relay, say: not a listening problem.
    if (isUserError(err)) throw err
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
  const storeDir = relay.store?.dir
  if (json) {
    output.json({
      type: 'listening',
      peerId: relay.peerId(),
      multiaddrs: addrs,
      hub: config.hub.enabled,
      store: storeDir != null,
      ...(storeDir != null ? { storeDir } : {}),
      dataDir,
      keyCreated: created
    })
  } else {
    for (const a of addrs) output.out(a)
    const storeNote = storeDir != null ? `store on (${storeDir})` : 'store off'
    output.err(`cryptochat-relay ${VERSION}: peer id ${relay.peerId()}${created ? ' (new key)' : ''}, hub ${config.hub.enabled ? 'on' : 'off'}, ${storeNote}, data in ${dataDir}. Ctrl-C stops it.`)
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
    .option('--store', 'keep the last envelopes of each room on disk (ciphertext only; needs the hub)')
    .option('--store-max-age <duration>', 'drop stored envelopes older than this (e.g. 12h, 7d; default 7d)')
    .option('--store-max-mb <n>', 'most MiB the store keeps in all (default 512)')
    .option('--store-topic-mb <n>', 'most MiB the store keeps per room (default 8)')
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
