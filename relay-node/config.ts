import { readFileSync, statSync } from 'node:fs'
import { z } from 'zod'
import {
  CLIENT_MAX_TOPICS_PER_PEER, DEFAULT_RELAY_LISTEN, MAX_CONFIG_BYTES, MAX_ENVELOPE_BYTES, STORE_DEFAULT_MAX_AGE_MS,
  STORE_DEFAULT_MAX_ENVELOPES, STORE_DEFAULT_MAX_TOPIC_BYTES, STORE_DEFAULT_MAX_TOPICS, STORE_DEFAULT_MAX_TOTAL_BYTES,
  STORE_MAX_AGE_LIMIT_MS, STORE_MAX_CONCURRENT_READS, STORE_MAX_ENVELOPES_LIMIT, STORE_MAX_TOPICS_LIMIT, STORE_MAX_TOTAL_BYTES_LIMIT,
  STORE_MIN_CAP_BYTES, STORE_NEW_TOPICS_PER_PEER, STORE_REQUEST_BURST, STORE_REQUEST_LIMIT, STORE_REQUESTS_PER_SECOND
} from '../src/constants.js'

/** A relay config file that cannot be read or does not validate. */
export class RelayConfigError extends Error {
  override readonly name: string = 'RelayConfigError'
}

const positive = z.number().int().positive()
const storeBytes = positive.min(STORE_MIN_CAP_BYTES).max(STORE_MAX_TOTAL_BYTES_LIMIT)

/**
 * The relay's settings. Defaults here match `config/relay.json`, which documents them;
 * every key is optional in a file, unknown keys are refused (they are usually typos).
 */
export const relayConfigSchema = z.strictObject({
  listen: z.array(z.string()).default([DEFAULT_RELAY_LISTEN]),
  announce: z.array(z.string()).default([]),
  hub: z.strictObject({
    /** Run the gossipsub hub that forwards room ciphertext between members. */
    enabled: z.boolean().default(true),
    /**
     * Most topics joined at once. The hub announces all of them to every peer, and
     * clients track at most CLIENT_MAX_TOPICS_PER_PEER per peer: hence the cap.
     */
    maxTopics: positive.max(CLIENT_MAX_TOPICS_PER_PEER).default(1024),
    /** Most topics one peer may subscribe to (bounds the hub's per-peer state). */
    maxTopicsPerPeer: positive.max(CLIENT_MAX_TOPICS_PER_PEER).default(64),
    /** Gossipsub mesh degree of the hub: members it forwards each message to eagerly. */
    meshDegree: positive.max(1000).default(64),
    /** Largest room message (envelope) forwarded, bytes; larger ones are dropped. */
    maxMessageBytes: positive.max(MAX_ENVELOPE_BYTES).default(MAX_ENVELOPE_BYTES),
    /** Largest gossipsub RPC frame read from a peer (a frame batches messages and control data). */
    maxFrameBytes: positive.max(16 * 1024 * 1024).default(1024 * 1024)
  }).prefault({}),
  circuitRelay: z.strictObject({
    maxReservations: positive.default(256),
    reservationTtlMs: positive.default(2 * 60 * 60 * 1000),
    /**
     * Longest a relayed connection may stay open. Generous (12 h): chat is small and
     * clients redial a cut link at once, but each cut can lose a message in flight.
     */
    durationLimitMs: positive.default(12 * 60 * 60 * 1000),
    /** Most bytes a relayed connection may carry (128 MiB: weeks of chat). */
    dataLimitBytes: positive.default(128 * 1024 * 1024),
    maxInboundHopStreams: positive.default(256),
    maxOutboundStopStreams: positive.default(256)
  }).prefault({}),
  connections: z.strictObject({
    maxConnections: positive.default(1024),
    /** Inbound connection attempts accepted per IP per second. */
    inboundConnectionsPerIpPerSecond: positive.default(50),
    maxIncomingPendingConnections: positive.default(128)
  }).prefault({}),
  rpcDecodeLimits: z.strictObject({
    /** Subscriptions in one RPC frame; a client sends all its rooms in its first frame. */
    maxSubscriptions: positive.default(1024),
    maxMessages: positive.default(512),
    maxIhaveMessageIDs: positive.default(5000),
    maxIwantMessageIDs: positive.default(5000),
    maxIdontwantMessageIDs: positive.default(5000),
    maxControlMessages: positive.default(512),
    maxPeerInfos: positive.default(16)
  }).prefault({}),
  store: z.strictObject({
    /**
     * Keep on disk the last envelopes members put on each chat topic (ciphertext, with a
     * proof that they know the room), so a member who was away can fetch what it missed.
     * Needs the hub (`hub.enabled`).
     */
    enabled: z.boolean().default(false),
    /** Where (default `<relay data dir>/store`). Created 0700; files 0600. */
    dir: z.string().min(1).optional(),
    /** Envelopes older than this are dropped (7 days). */
    maxAgeMs: positive.max(STORE_MAX_AGE_LIMIT_MS).default(STORE_DEFAULT_MAX_AGE_MS),
    /** Most bytes kept per topic; the oldest envelopes go first (8 MiB). */
    maxTopicBytes: storeBytes.default(STORE_DEFAULT_MAX_TOPIC_BYTES),
    /** Most bytes kept in all, taken first from the topics holding the most (512 MiB). */
    maxTotalBytes: storeBytes.default(STORE_DEFAULT_MAX_TOTAL_BYTES),
    /** Most topics kept; past it a new topic is refused (one whose envelopes all expired makes way). */
    maxTopics: positive.max(STORE_MAX_TOPICS_LIMIT).default(STORE_DEFAULT_MAX_TOPICS),
    /**
     * Most envelopes kept in all. Bounds the index in memory (about 130 bytes per envelope,
     * some 65 MB at the default), which the byte caps alone do not: envelopes can be tiny.
     */
    maxEnvelopes: positive.max(STORE_MAX_ENVELOPES_LIMIT).default(STORE_DEFAULT_MAX_ENVELOPES),
    /** Store requests one peer may make at once; past them (and the refill) it is answered BUSY. */
    requestBurst: positive.max(STORE_REQUEST_LIMIT).default(STORE_REQUEST_BURST),
    /** Store requests per second one peer may make on average (the burst refills in requestBurst / this seconds). */
    requestsPerSecond: z.number().positive().max(STORE_REQUEST_LIMIT).default(STORE_REQUESTS_PER_SECOND),
    /** Reads served at once, from all peers; more are answered BUSY. */
    maxConcurrentReads: positive.max(STORE_REQUEST_LIMIT).default(STORE_MAX_CONCURRENT_READS),
    /** Topics one peer may create in the store per hour (anyone can make up rooms; puts to held topics do not count). */
    newTopicsPerPeer: positive.max(STORE_MAX_TOPICS_LIMIT).default(STORE_NEW_TOPICS_PER_PEER)
  }).prefault({})
}).superRefine((config, ctx) => {
  if (config.store.enabled && !config.hub.enabled) {
    ctx.addIssue({ code: 'custom', path: ['store', 'enabled'], message: 'the store needs the hub (hub.enabled)' })
  }
})

/** Fully resolved relay settings. */
export type RelayConfig = z.infer<typeof relayConfigSchema>

/** Relay settings as given (in a file or by code): every key optional. */
export type RelayConfigInput = z.input<typeof relayConfigSchema>

/** Validate a parsed config object; errors name the offending setting. */
export function parseRelayConfig (raw: unknown, source = 'config'): RelayConfig {
  const result = relayConfigSchema.safeParse(raw ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.length != null && issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    throw new RelayConfigError(`${source}: setting '${where}' is invalid: ${issue?.message ?? 'unknown problem'}`)
  }
  return result.data
}

/** Read and validate a relay config file. */
export function loadRelayConfig (path: string): RelayConfig {
  let text: string
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) throw new RelayConfigError(`${path}: config file is larger than ${MAX_CONFIG_BYTES} bytes`)
    text = readFileSync(path, 'utf8')
  } catch (err: any) {
    if (err instanceof RelayConfigError) throw err
    throw new RelayConfigError(`cannot read config file ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.code ?? err.message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err: any) {
    throw new RelayConfigError(`${path} is not valid JSON: ${err.message}`)
  }
  return parseRelayConfig(raw, path)
}
