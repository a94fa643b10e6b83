import { DEFAULT_INVITE_TTL_MS, INVITE_ID_BYTES, INVITE_SEED_BYTES, MAX_INVITE_RELAYS, MAX_ROOM_NAME_BYTES, ROOM_SECRET_BYTES } from '../constants.js'
import { bytesToHex, equalBytes, hexToBytes, randomBytes } from '../crypto/index.js'
import { fingerprint, type Identity } from '../identity/index.js'
import { GENESIS_NONCE_BYTES, checkInvite, decodeInvite, encodeInvite, type Invite } from '../invite/index.js'
import { InviteGrant, genesisCommitment, parseRelayAddress, roomIdOf, utf8Length } from '../protocol/index.js'
import { InvalidRoomNameError, RoomConflictError, parseRoomId, type RoomRecord, type RoomStore } from '../room/index.js'

/** Options of {@link createRoom}. */
export interface CreateRoomInit {
  name: string
  relays: string[]
  identity: Identity
  rooms: RoomStore
  nick?: string
  now?: number
}

function checkRelays (relays: string[]): string[] {
  if (relays.length === 0) throw new InvalidRoomNameError('a room needs at least one relay (--relay <multiaddr>)')
  if (relays.length > MAX_INVITE_RELAYS) throw new InvalidRoomNameError(`at most ${MAX_INVITE_RELAYS} relays fit in an invite`)
  return [...new Set(relays.map(parseRelayAddress))]
}

/** Create a room (random 128-bit id, 32-byte secret), store it, and return it. */
export function createRoom (init: CreateRoomInit): RoomRecord {
  const name = init.name.trim()
  if (name.length === 0) throw new InvalidRoomNameError('a room name cannot be empty')
  if (utf8Length(name) > MAX_ROOM_NAME_BYTES) throw new InvalidRoomNameError(`a room name can be at most ${MAX_ROOM_NAME_BYTES} bytes`)
  // Control characters in a name would reach every member's terminal.
  if (/\p{Cc}/u.test(name)) throw new InvalidRoomNameError('a room name cannot contain control characters')
  const createdAt = init.now ?? Date.now()
  // The id is bound to its creator (see roomIdOf): still 128 random-looking bits.
  // and to the epoch-0 secret, so no invite can hand out another.
  const genesisNonce = randomBytes(GENESIS_NONCE_BYTES)
  const secret = randomBytes(ROOM_SECRET_BYTES)
  const room: RoomRecord = {
    roomId: bytesToHex(roomIdOf(init.identity.publicKey, createdAt, genesisNonce, genesisCommitment(secret))),
    name,
    secret,
    epoch: 0,
    relays: checkRelays(init.relays),
    joinedAt: init.now ?? Date.now(),
    invitedBy: init.identity.fingerprint,
    creator: bytesToHex(init.identity.publicKey),
    createdAt,
    genesisNonce: bytesToHex(genesisNonce),
    genesisCommitment: bytesToHex(genesisCommitment(secret)),
    ...(init.nick != null ? { nick: init.nick } : {})
  }
  init.rooms.save(room)
  return room
}

/** Options of {@link issueInvite}. */
export interface IssueInviteInit {
  /** Lifetime in ms (default 7 days). */
  ttlMs?: number
  /** Relays to name instead of the room's own. */
  relays?: string[]
  /** How many may join with it (default 0: unlimited within its expiry). */
  maxUses?: number
  /**
   * The epoch (and its secret) the invite lets the newcomer read from: the room's current
   * one (default: the one we entered with). After epoch 0, `record` is the EPOCH record
   * that committed to it, which the newcomer checks the secret against.
   */
  epochSecret?: { epoch: number, secret: Uint8Array, record?: Uint8Array }
  now?: number
}

/** An invite code and what it says, for display. */
export interface IssuedInvite {
  code: string
  inviteId: string
  expiresAt: number
  relays: string[]
  maxUses: number
}

/** Sign a new invite to `room` with our identity. */
export function issueInvite (room: RoomRecord, identity: Identity, init: IssueInviteInit = {}): IssuedInvite {
  const now = init.now ?? Date.now()
  const relays = init.relays != null ? checkRelays(init.relays) : room.relays
  const expiresAt = now + (init.ttlMs ?? DEFAULT_INVITE_TTL_MS)
  const inviteId = randomBytes(INVITE_ID_BYTES)
  const code = encodeInvite({
    roomIdBytes: hexToBytes(room.roomId),
    roomName: room.name,
    epoch: init.epochSecret?.epoch ?? room.epoch,
    roomSecret: init.epochSecret?.secret ?? room.secret,
    relays,
    issuedAt: now,
    expiresAt,
    inviteId,
    maxUses: init.maxUses ?? 0,
    inviteSeed: randomBytes(INVITE_SEED_BYTES),
    ...(init.epochSecret?.record != null ? { epochRecord: init.epochSecret.record } : {}),
    ...(room.genesisCommitment != null ? { genesisCommitment: hexToBytes(room.genesisCommitment) } : {}),
    ...(room.creator != null && room.genesisNonce != null ? { creator: hexToBytes(room.creator), createdAt: room.createdAt ?? 0, genesisNonce: hexToBytes(room.genesisNonce) } : {})
  }, identity.secretKey, identity.publicKey)
  return { code, inviteId: bytesToHex(inviteId), expiresAt, relays, maxUses: init.maxUses ?? 0 }
}

/**
 * Verify an invite completely (format, signature, expiry, room id) without touching the
 * network, then store the room. Throws the invite's typed errors.
 */
export function acceptInvite (code: string, roomId: string, rooms: RoomStore, now = Date.now()): { room: RoomRecord, invite: Invite } {
  const id = parseRoomId(roomId)
  const invite = decodeInvite(code)
  checkInvite(invite, { roomId: id, now })
  const existing = rooms.get(id)
  // A newer epoch of a room we hold (we were away, or removed and invited back): the same
  // room, bound to the same creator by its id, so it may take the place of what we held.
  const newer = existing != null && invite.epoch > existing.epoch && invite.creator != null && existing.creator === bytesToHex(invite.creator)
  if (existing != null && !newer && (existing.epoch !== invite.epoch || !equalBytes(existing.secret, invite.roomSecret))) {
    // Anyone can sign an invite naming any room id; never let one replace a room we hold.
    throw new RoomConflictError(id)
  }
  const room: RoomRecord = {
    roomId: id,
    // A re-invite (anyone in the room can sign one) must not rename our room or replace
    // the relays we already use: what we hold stays first, new relays only add fallbacks.
    name: existing?.name ?? invite.roomName,
    secret: newer || existing == null ? invite.roomSecret : existing.secret,
    epoch: newer || existing == null ? invite.epoch : existing.epoch,
    relays: [...new Set([...(existing?.relays ?? []), ...invite.relays])].slice(0, MAX_INVITE_RELAYS),
    joinedAt: existing?.joinedAt ?? now,
    invitedBy: existing?.invitedBy ?? fingerprint(invite.inviter),
    ...(existing?.nick != null ? { nick: existing.nick } : {}),
    ...(existing?.creator != null
      ? { creator: existing.creator, createdAt: existing.createdAt ?? 0 }
      : invite.creator != null && invite.genesisNonce != null ? { creator: bytesToHex(invite.creator), createdAt: invite.createdAt ?? 0, genesisNonce: bytesToHex(invite.genesisNonce) } : {}),
    ...(existing?.genesisCommitment != null ? { genesisCommitment: existing.genesisCommitment } : invite.genesisCommitment != null ? { genesisCommitment: bytesToHex(invite.genesisCommitment) } : {}),
    // The grant we join with: kept until our JOIN is in the room's log.
    // The grant of the invite used now (a new JOIN names it; one already signed is not repeated).
    ...(invite.grant != null
      ? { grant: { grant: bytesToHex(InviteGrant.encode(invite.grant.grant)), signature: bytesToHex(invite.grant.signature), inviteSeed: bytesToHex(invite.inviteSeed) } }
      : existing?.grant != null ? { grant: existing.grant } : {})
  }
  rooms.save(room)
  return { room, invite }
}
