/**
 * Every process-level setting and limit of CryptoChat, in one place.
 *
 * The relay's operator-tunable values live in `config/relay.json`; the values here are
 * the defaults and hard bounds that both the client and the relay are built with.
 */

/** Wire protocol version carried in envelopes, invites and topics. */
export const PROTOCOL_VERSION = 1

/** Prefix of every room topic; the rest is 64 lowercase hex characters. */
export const TOPIC_PREFIX = '/cryptochat/1/'

/** The exact shape of a room topic; anything else is never joined by a relay. */
export const TOPIC_PATTERN = /^\/cryptochat\/1\/[0-9a-f]{64}$/

/**
 * Prefix of a room's discovery ("meet") topic: members announce themselves (sealed, like
 * any message) there so they can connect to each other; a relay serves these topics even
 * when it runs no chat hub (`--no-hub`).
 */
export const MEET_TOPIC_PREFIX = '/cryptochat/1/meet/'
export const MEET_TOPIC_PATTERN = /^\/cryptochat\/1\/meet\/[0-9a-f]{64}$/

/** Most transport addresses a member announces (and a receiver accepts). */
export const MAX_ANNOUNCED_ADDRS = 16

/** Room ids are 128 random bits, written as 32 lowercase hex characters. */
export const ROOM_ID_BYTES = 16
export const ROOM_ID_PATTERN = /^[0-9a-f]{32}$/

/** Room secrets and epoch keys are 256 bits. */
export const ROOM_SECRET_BYTES = 32

/** Invite ids are 128 random bits. */
export const INVITE_ID_BYTES = 16

/** Text prefix of an invite code, followed by base58btc. */
export const INVITE_PREFIX = 'cc1'

/** Default invite lifetime: 7 days. */
export const DEFAULT_INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** Longest accepted invite lifetime (a year); longer is almost certainly a typo. */
export const MAX_INVITE_TTL_MS = 366 * 24 * 60 * 60 * 1000

/** Clock skew tolerated on an invite's issued-at time. */
export const INVITE_CLOCK_SKEW_MS = 5 * 60 * 1000

/** Bounds on an invite, so that a hostile code cannot make us allocate much. */
export const MAX_INVITE_CODE_CHARS = 8192
export const MAX_INVITE_BYTES = 4096
export const MAX_INVITE_RELAYS = 8
export const MAX_MULTIADDR_CHARS = 512

/** Room display names and nicks, in UTF-8 bytes. */
export const MAX_ROOM_NAME_BYTES = 64
export const MAX_NICK_BYTES = 32

/** Longest message body, in UTF-8 bytes. */
export const MAX_BODY_BYTES = 4096

/**
 * Longest envelope on the wire: body + nick + keys, signature, protobuf framing, AEAD
 * tag and nonce fit comfortably. Both the client's and the relay's gossipsub refuse
 * larger messages before decoding them.
 */
export const MAX_ENVELOPE_BYTES = 8192

/** Signed payload (inside the envelope) can never exceed the envelope. */
export const MAX_PAYLOAD_BYTES = MAX_ENVELOPE_BYTES

/** XChaCha20-Poly1305 nonce length. */
export const NONCE_BYTES = 24

/** Size of each sender's replay window: sequence numbers more than this far behind the newest are refused. */
export const REPLAY_WINDOW = 1024

/**
 * Most senders tracked per room in the replay state. A sender is forgotten only when
 * its newest message is older than {@link MESSAGE_MAX_AGE_MS}, so that forgetting it
 * cannot re-open its old messages to replay; when none is that old, new senders wait.
 */
export const MAX_TRACKED_SENDERS = 10_000

/** Live messages older than this (by the sender's clock) are refused as stale. */
export const MESSAGE_MAX_AGE_MS = 24 * 60 * 60 * 1000

/** Live messages dated further in the future than this are refused. */
export const MESSAGE_MAX_FUTURE_MS = 60 * 60 * 1000

/**
 * A member refuses live messages dated before it joined the room (less this much clock
 * skew): a newcomer's empty replay window must not let old captured envelopes in.
 */
export const JOIN_SKEW_MS = 10 * 60 * 1000

/** Members send a presence beat this often (and answer every arrival). */
export const PRESENCE_INTERVAL_MS = 60_000

/** A member not heard from for this long is shown as gone (crashed or cut off). */
export const PRESENCE_TIMEOUT_MS = 3 * PRESENCE_INTERVAL_MS + 10_000

/** Answers to an arrival are spread over this many ms. */
export const PRESENCE_REPLY_JITTER_MS = 250

/**
 * Sequence numbers are reserved on disk in blocks of this many (one fsync per block, not
 * per message). A crash skips at most this many unused numbers; a clean stop skips none.
 */
export const SEQ_RESERVE_BLOCK = 64

/**
 * How long accepted-message replay state may wait before it is written (batched). Text
 * and action messages are refused again by history (written before they are accepted),
 * so a crash within this window can only let a presence beat or a nick change be replayed.
 */
export const REPLAY_FLUSH_MS = 1000

/** The sync protocol: acknowledgements, gap repair and catch-up (members and relay stores). */
export const SYNC_PROTOCOL = '/cryptochat/sync/1.0.0'
/** A sync request's proof is accepted within this much of the responder's clock. */
export const SYNC_PROOF_SKEW_MS = 10 * 60 * 1000
/** Largest sync frame (request or response), bytes. */
export const SYNC_MAX_FRAME_BYTES = 1024 * 1024
/** Most envelopes in one response frame (each is at most MAX_ENVELOPE_BYTES). */
export const SYNC_ENVELOPES_PER_FRAME = 100
/** Most envelopes one put request carries, and most bytes of them (within SYNC_MAX_FRAME_BYTES). */
export const SYNC_MAX_PUT = 1000
export const SYNC_MAX_PUT_BYTES = 512 * 1024
/** Most envelopes sent for one request, whatever its limit says. */
export const SYNC_MAX_ENVELOPES = 50_000
/** Most hashes in one `have` question, ranges in `want`, senders in `known`. */
export const SYNC_MAX_HAVE = 4096
export const SYNC_MAX_RANGES = 1024
export const SYNC_MAX_KNOWN = 10_000
/** How long a sync request may take in all before it is abandoned. */
export const SYNC_TIMEOUT_MS = 30_000
/**
 * Sync requests whose proof a node checks per remote peer: a burst, then this many a second
 * (above the relay store's own allowance, so the store's "busy" is the one members meet).
 */
export const SYNC_PROOF_BURST = 40
export const SYNC_PROOFS_PER_SECOND = 20
/** Concurrent inbound sync streams a node serves. */
export const SYNC_MAX_INBOUND_STREAMS = 32

/** Most messages kept in a room's local history; older ones are dropped at compaction. */
export const ROOM_HISTORY_MAX_MESSAGES = 100_000
/** Messages the UI shows from history when a room opens (more on scrolling back). */
export const HISTORY_SHOWN_ON_OPEN = 200
/** A missing message is looked for this long after its gap appears (reordering heals most). */
export const GAP_REPAIR_DELAY_MS = 1000
/** How long repair requests may take before a gap is reported as unrepairable. */
export const GAP_REPORT_AFTER_MS = 5000
/** Most indexes a sender may claim beyond what we hold (bounds what a liar can make us chase). */
export const GAP_MAX_SPAN = 100_000
/** First wait before asking peers whether they hold our sent messages; doubles up to the max. */
export const ACK_POLL_MIN_MS = 300
export const ACK_POLL_MAX_MS = 30_000
/** After a relay store answered "busy", it is asked again after this long. */
export const ACK_POLL_BUSY_MS = 1000
/** A member is asked for catch-up at most this often (a link flapping does not refetch). */
export const CATCHUP_MIN_INTERVAL_MS = 30_000
/** Sent messages remembered for putting into relay stores that were down (oldest forgotten first). */
export const OUTBOX_MAX_UNSTORED = 10_000
/** A gap nobody could fill is asked about again after this, doubling, unless a new peer appears. */
export const GAP_RETRY_MIN_MS = 10_000
export const GAP_RETRY_MAX_MS = 10 * 60_000
/** Most peers remembered for catch-up pacing and gaps remembered as reported (oldest forgotten first). */
export const SYNC_MAX_REMEMBERED = 1024


/** Default nick when none is given. */
export const DEFAULT_NICK = 'anon'

/**
 * Most topics a client tracks for one peer. A hub relay announces every topic it follows
 * to every peer, so this must cover the largest `hub.maxTopics` a relay may run with;
 * below it, a client stops seeing the relay in its own room (measured in review).
 */
export const CLIENT_MAX_TOPICS_PER_PEER = 4096

/**
 * Largest gossipsub RPC frame a client accepts. A frame batches messages, control data
 * and (at stream start) a relay's whole subscription list; each envelope inside is still
 * bounded by {@link MAX_ENVELOPE_BYTES}.
 */
export const CLIENT_MAX_RPC_FRAME_BYTES = 1024 * 1024

/** Gossipsub RPC decode limits used by clients (the relay's come from its config). */
export const CLIENT_RPC_DECODE_LIMITS = {
  maxSubscriptions: CLIENT_MAX_TOPICS_PER_PEER,
  maxMessages: 256,
  maxIhaveMessageIDs: 1024,
  maxIwantMessageIDs: 1024,
  maxIdontwantMessageIDs: 1024,
  maxControlMessages: 256,
  maxPeerInfos: 16
}

/**
 * Where a client listens by default: any interface (so members that can reach it connect
 * directly) and `/p2p-circuit` (a reservation on its relays, so members that cannot reach
 * it directly connect through a relay).
 */
export const DEFAULT_CLIENT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/p2p-circuit']

/**
 * Of two members, the one with the smaller peer id dials; the other dials only if no
 * link has appeared after this long (then backs off up to MEMBER_REDIAL_MAX_MS).
 */
export const MEMBER_DIAL_FALLBACK_MS = 3000
export const MEMBER_REDIAL_MAX_MS = 60_000

/** Relay reconnection backoff: first delay and cap. */
export const RELAY_RECONNECT_MIN_MS = 500
export const RELAY_RECONNECT_MAX_MS = 30_000

/** Client connection limits: a client needs its relays and its rooms' members. */
export const CLIENT_MAX_CONNECTIONS = 128

/**
 * Inbound connections a client accepts per IP per second. libp2p's default (5) is too
 * low when many members share an address (a NAT, or one machine): a room of ten joining
 * together had its links refused, and libp2p's TCP dialer then threw an unhandled
 * ECONNRESET on the dialing side.
 */
export const CLIENT_INBOUND_CONNECTIONS_PER_IP_PER_SECOND = 64

/** Gossipsub heartbeat; shorter than libp2p's 1 s default so that joins settle quickly. */
export const GOSSIP_HEARTBEAT_MS = 700

/** Score boost given to configured relays so garbage they forward cannot graylist them. */
export const RELAY_APP_SCORE = 1000

/** How long `join` waits for a relay and the room's mesh before reporting an error. */
export const JOIN_TIMEOUT_MS = 20_000

/**
 * A message sent while nobody is reachable (a link being re-established) waits this
 * long for a member or relay to appear before it is reported as not delivered.
 */
export const SEND_WAIT_FOR_PEERS_MS = 10_000

/** How long shutdown waits for pending sends to flush. */
export const SHUTDOWN_FLUSH_MS = 2_000

/** Default relay listen address. */
export const DEFAULT_RELAY_LISTEN = '/ip4/0.0.0.0/tcp/4001'

/** Most bytes read from any config file. */
export const MAX_CONFIG_BYTES = 64 * 1024

/** Name of the environment variable that selects the client's data directory. */
export const HOME_ENV = 'CRYPTOCHAT_HOME'

/**
 * Largest plaintext record a history log accepts unless told otherwise. A frame claiming
 * more is damage, so a hostile or torn length never makes a reader allocate beyond this.
 */
export const HISTORY_MAX_RECORD_BYTES = 64 * 1024

/** A history log is read through one buffer of this size (grown to one whole frame if needed). */
export const HISTORY_READ_CHUNK_BYTES = 1024 * 1024

/**
 * How long members keep listening on an epoch's topics once a newer epoch replaced it: a
 * member who was away comes back there, is heard, and is handed the new key (see
 * RoomKeys.remind). After it, the topics are left (their keys stay, for history and
 * sync); someone away longer catches up from a member's log when a link comes up, or
 * needs a new invite.
 */
export const OLD_EPOCH_LISTEN_MS = 30 * 24 * 60 * 60 * 1000
/** How often an open room looks for old epochs' topics to leave. */
export const OLD_EPOCH_CHECK_MS = 60 * 60 * 1000

/**
 * The relay's blind store (opt-in, `cryptochat-relay start --store`): the last envelopes
 * it forwarded on each chat topic, kept on disk for a bounded time and size. Defaults of
 * the `store.*` settings in `config/relay.json`.
 */
export const STORE_DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000
export const STORE_DEFAULT_MAX_TOPIC_BYTES = 8 * 1024 * 1024
export const STORE_DEFAULT_MAX_TOTAL_BYTES = 512 * 1024 * 1024
export const STORE_DEFAULT_MAX_TOPICS = 1024
/** Bounds the store's index in memory (about 130 bytes per envelope: some 65 MB at this default). */
export const STORE_DEFAULT_MAX_ENVELOPES = 500_000

/** Upper bounds of those settings: beyond them a value is almost certainly a typo. */
export const STORE_MAX_AGE_LIMIT_MS = 366 * 24 * 60 * 60 * 1000
export const STORE_MAX_TOTAL_BYTES_LIMIT = 64 * 1024 * 1024 * 1024
export const STORE_MAX_TOPICS_LIMIT = 65_536
export const STORE_MAX_ENVELOPES_LIMIT = 50_000_000

/** The store's directory inside the relay's data directory, unless `store.dir` says otherwise. */
export const STORE_DIR_NAME = 'store'

/** How often the relay drops expired envelopes and reclaims file space (also done on every put). */
export const STORE_SWEEP_INTERVAL_MS = 60_000

/**
 * A topic's file is rewritten without its evicted envelopes once they take at least half
 * of it and at least this many bytes: each rewrite then copies no more than it frees, and
 * small files are not rewritten (and fsynced) for every eviction.
 */
export const STORE_COMPACT_MIN_DEAD_BYTES = 64 * 1024

/**
 * Cursors are the relay's clock in ms times this, bumped past the topic's last cursor, so
 * they keep increasing across restarts and after a topic's file was dropped entirely.
 */
export const STORE_CURSORS_PER_MS = 1000

/** Store files are read through a buffer of this size (scans, reads, compaction). */
export const STORE_READ_CHUNK_BYTES = 1024 * 1024

/** Smallest `store.maxTopicBytes` / `store.maxTotalBytes`: a few envelopes of the largest size. */
export const STORE_MIN_CAP_BYTES = 64 * 1024

/**
 * Keys locked at rest (`cryptochat passphrase`). A random 32-byte data key seals every
 * secret field in the data directory (XChaCha20-Poly1305); the data key itself is kept in
 * this file, wrapped under a key derived from the passphrase with scrypt.
 */
export const KEYSTORE_FILE = 'keystore.json'

/**
 * scrypt cost of a new keystore: N = 2^17, r = 8, p = 1, which takes 128 MiB of memory
 * and measured 0.37 to 0.44 s to unlock on the project's 2-core machine (Node 20,
 * OpenSSL). Each passphrase guess costs an attacker the same. The parameters are
 * stored in the keystore, so a later build can raise them without breaking old files.
 */
export const KEYSTORE_SCRYPT_LOG_N = 17
export const KEYSTORE_SCRYPT_R = 8
export const KEYSTORE_SCRYPT_P = 1

/**
 * Bounds on the scrypt parameters a keystore file may ask for, so that a damaged or
 * hostile file cannot make an unlock allocate gigabytes or run for minutes. The lowest
 * cost is there for tests only (see {@link KEYSTORE_TEST_LOG_N_ENV}).
 */
export const KEYSTORE_SCRYPT_MIN_LOG_N = 10
export const KEYSTORE_SCRYPT_MAX_LOG_N = 20
export const KEYSTORE_SCRYPT_MAX_R = 32
export const KEYSTORE_SCRYPT_MAX_P = 16
/** Most memory an unlock may use (scrypt needs 128 * N * r bytes). */
export const KEYSTORE_SCRYPT_MAX_MEM_BYTES = 1024 * 1024 * 1024

/** Random salt of the passphrase KDF, and the data key. */
export const KEYSTORE_SALT_BYTES = 32
export const KEYSTORE_DATA_KEY_BYTES = 32

/** Largest keystore file read (it is a few hundred bytes). */
export const KEYSTORE_MAX_FILE_BYTES = 4096

/**
 * Associated data of every value sealed at rest starts with this, then `|` and a label
 * naming the field and its file (`identity`, `room|<roomId>`, `keystore|<keyId>`), so a
 * sealed value cannot be moved to another field, room or data directory's keystore.
 */
export const KEYSTORE_AAD_PREFIX = `cryptochat/${PROTOCOL_VERSION}/at-rest`

/**
 * Test only: the scrypt cost (log2 N) of keystores written by `cryptochat passphrase`,
 * so that tests do not spend 0.4 s per unlock. Bounded by {@link KEYSTORE_SCRYPT_MIN_LOG_N}.
 */
export const KEYSTORE_TEST_LOG_N_ENV = 'CRYPTOCHAT_TEST_SCRYPT_LOG_N'

/** A file whose first line is the passphrase (for scripts); refused if others can read it. */
export const PASSPHRASE_FILE_ENV = 'CRYPTOCHAT_PASSPHRASE_FILE'
/** The same, for the new passphrase of `cryptochat passphrase set|change`. */
export const PASSPHRASE_NEW_FILE_ENV = 'CRYPTOCHAT_NEW_PASSPHRASE_FILE'
/** Largest passphrase file read. */
export const PASSPHRASE_FILE_MAX_BYTES = 4096

/** Shortest new passphrase, in characters: scrypt slows guessing, it cannot save a short one. */
export const PASSPHRASE_MIN_CHARS = 8
/** Longest passphrase, in UTF-8 bytes. */
export const PASSPHRASE_MAX_BYTES = 1024

/** Tries at the terminal prompt before a wrong passphrase is final. */
export const PASSPHRASE_PROMPT_ATTEMPTS = 3

/**
 * Limits of a relay's store service (defaults of the `store.*` settings of the same
 * names). Only members put: a put carries the room proof, so an outsider who only knows a
 * topic's name can neither add to a room's stored history nor push it out.
 *
 * Requests per peer: a fixed window (@libp2p/utils RateLimiter) of
 * {@link STORE_REQUEST_BURST} requests per STORE_REQUEST_BURST / STORE_REQUESTS_PER_SECOND
 * seconds (20 per 4 s); past it a request is answered BUSY.
 */
export const STORE_REQUEST_BURST = 20
export const STORE_REQUESTS_PER_SECOND = 5
/** Reads (`fetch` requests) served at once, from all peers; more are answered BUSY. */
export const STORE_MAX_CONCURRENT_READS = 8
/**
 * Topics one peer may create in the store per {@link STORE_NEW_TOPIC_WINDOW_MS}: anyone can
 * make up rooms, and a full store takes no new topic, so one connection must not claim
 * every free slot quickly. Puts to topics already held are not counted.
 */
export const STORE_NEW_TOPICS_PER_PEER = 8
export const STORE_NEW_TOPIC_WINDOW_MS = 60 * 60 * 1000
/** Upper bounds of the request settings: beyond them a value is almost certainly a typo. */
export const STORE_REQUEST_LIMIT = 100_000

/**
 * Safety codes (`cryptochat verify`, `/verify`): two members compare a code derived from
 * both identity keys out of band. SHA-512 is iterated this many times (Signal's count),
 * so that a man in the middle searching for two keys of his own that give both victims
 * the same code pays about 2^100 codes times this much work (see docs/decisions.md).
 */
export const VERIFY_SAFETY_ITERATIONS = 5200
/** A safety code is this many groups of {@link VERIFY_SAFETY_GROUP_DIGITS} digits (60 digits, about 199 bits). */
export const VERIFY_SAFETY_GROUPS = 12
export const VERIFY_SAFETY_GROUP_DIGITS = 5
/** Groups per line when a code is shown (3 lines of 4). */
export const VERIFY_SAFETY_GROUPS_PER_LINE = 4

/** Identities marked verified, in the data directory (0600). */
export const VERIFY_FILE = 'verified.json'
/** Identities seen in rooms (public key, nicks, rooms, first and last seen), in the data directory (0600). */
export const VERIFY_SEEN_FILE = 'seen.json'
/** Largest verified.json or seen.json read (the limits below keep them under 2 MiB): anything bigger is damage. */
export const VERIFY_MAX_FILE_BYTES = 4 * 1024 * 1024
/** Most identities remembered as seen; the least recently seen are forgotten first. */
export const VERIFY_MAX_SEEN = 2000
/** Most identities marked verified. */
export const VERIFY_MAX_VERIFIED = 2000
/** Most nicks and rooms remembered per identity (the latest kept). */
export const VERIFY_MAX_NAMES = 8
/** Shortest fingerprint prefix accepted to name an identity (hex characters). */
export const VERIFY_MIN_PREFIX_CHARS = 8
/** Sightings are written to seen.json at most this often (a room opening brings many at once). */
export const VERIFY_SEEN_FLUSH_MS = 2000

/** Most membership operations a room's log holds (and a sync answer carries). */
export const MAX_CONTROL_OPS = 20_000
/** Most recipients one EPOCH or KEYS operation wraps the key for (keeps it within MAX_ENVELOPE_BYTES). */
export const MAX_KEYS_PER_OP = 64
/** Most joins a revocation lists as honoured. */
export const MAX_HONORED = 256
/**
 * Most log heads an operation names (its causal parents besides its author's previous
 * one). Heads merge as soon as anyone signs, so a live room has a handful; past this the
 * oldest are left out, which only makes an operation look concurrent with them.
 */
export const MAX_HEADS = 64
/** Bytes of an invite's one-time key seed (in the code only). */
export const INVITE_SEED_BYTES = 32
