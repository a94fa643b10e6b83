import { base58btc } from 'multiformats/bases/base58'
import {
  INVITE_ID_BYTES, INVITE_PREFIX, INVITE_SEED_BYTES, MAX_INVITE_BYTES, MAX_INVITE_CODE_CHARS, MAX_INVITE_RELAYS,
  MAX_ROOM_NAME_BYTES, PROTOCOL_VERSION, ROOM_ID_BYTES, ROOM_SECRET_BYTES
} from '../constants.js'
import { bytesToHex, equalBytes, publicKeyOf, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, sign, verify } from '../crypto/index.js'
import {
  ControlType, InviteBody, SignedInvite, epochCommitment, genesisCommitment, openControl, parseRelayAddress, roomIdOf, signGrant, utf8Length, verifyGrant, wire,
  type InviteGrant
} from '../protocol/index.js'

/** Bytes of the nonce a room id is made from. */
export const GENESIS_NONCE_BYTES = 16
import { InviteCorruptedError, InviteSecretMismatchError, InviteSignatureError, InviteVersionError, NotAnInviteError } from './errors.js'

const INVITE_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/invite`
const BASE58_CHARS = /^[1-9A-HJ-NP-Za-km-z]+$/

/** A decoded invite whose signature has been verified (expiry and room are checked separately). */
export interface Invite {
  version: number
  roomId: string
  roomIdBytes: Uint8Array
  roomName: string
  epoch: number
  roomSecret: Uint8Array
  relays: string[]
  inviter: Uint8Array
  issuedAt: number
  expiresAt: number
  inviteId: string
  /** 0: unlimited within its expiry. */
  maxUses: number
  /** The room's creator (its first owner) and when it made the room; absent in invites to rooms made before owners existed. */
  creator?: Uint8Array
  createdAt?: number
  /** With `creator`: the nonce the room id was made from (see roomIdOf). */
  genesisNonce?: Uint8Array
  /** What the invite lets in, as its issuer signed it: the joiner hands both to the room. Absent in old invites. */
  grant?: { grant: InviteGrant, signature: Uint8Array }
  /** The seed of the invite's one-time key, which binds a JOIN to its joiner (never leaves the joiner). */
  inviteSeed: Uint8Array
  /** For a later epoch: the room's signed EPOCH record its secret was checked against. */
  epochRecord?: Uint8Array
  /** What the room id commits to of the epoch-0 secret (with `creator`). */
  genesisCommitment?: Uint8Array
}

/** The fields an inviter fills in. */
export interface InviteFields {
  roomIdBytes: Uint8Array
  roomName: string
  epoch: number
  roomSecret: Uint8Array
  relays: string[]
  issuedAt: number
  expiresAt: number
  inviteId: Uint8Array
  /** 0 (default): unlimited within its expiry. */
  maxUses?: number
  creator?: Uint8Array
  createdAt?: number
  genesisNonce?: Uint8Array
  /** The seed of the invite's one-time key (random, INVITE_SEED_BYTES). */
  inviteSeed: Uint8Array
  /** What the room id commits to of the epoch-0 secret (see genesisCommitment). */
  genesisCommitment?: Uint8Array
  /** For an epoch after 0: the EPOCH record that committed to its secret. */
  epochRecord?: Uint8Array
}

/** The grant an invite's fields make (what the issuer signs for members to check). */
function grantOf (fields: { roomId: Uint8Array, inviteId: Uint8Array, inviter: Uint8Array, issuedAt: bigint, expiresAt: bigint, maxUses: number, epoch: number, inviteKey: Uint8Array }): InviteGrant {
  return {
    roomId: wire(fields.roomId),
    inviteId: wire(fields.inviteId),
    issuer: wire(fields.inviter),
    issuedAt: fields.issuedAt,
    expiresAt: fields.expiresAt,
    maxUses: fields.maxUses,
    epoch: fields.epoch,
    inviteKey: wire(fields.inviteKey)
  }
}

/** Sign and encode an invite as text: `cc1` followed by base58btc of the signed record. */
export function encodeInvite (fields: InviteFields, inviterSecretKey: Uint8Array, inviterPublicKey: Uint8Array): string {
  const maxUses = fields.maxUses ?? 0
  const grant = grantOf({ roomId: fields.roomIdBytes, inviteId: fields.inviteId, inviter: inviterPublicKey, issuedAt: BigInt(fields.issuedAt), expiresAt: BigInt(fields.expiresAt), maxUses, epoch: fields.epoch, inviteKey: publicKeyOf(fields.inviteSeed) })
  const body = InviteBody.encode({
    version: PROTOCOL_VERSION,
    roomId: wire(fields.roomIdBytes),
    roomName: fields.roomName,
    epoch: fields.epoch,
    roomSecret: wire(fields.roomSecret),
    relays: fields.relays,
    inviter: wire(inviterPublicKey),
    issuedAt: BigInt(fields.issuedAt),
    expiresAt: BigInt(fields.expiresAt),
    inviteId: wire(fields.inviteId),
    maxUses,
    creator: wire(fields.creator ?? new Uint8Array(0)),
    createdAt: BigInt(fields.createdAt ?? 0),
    genesisNonce: wire(fields.genesisNonce ?? new Uint8Array(0)),
    grantSignature: wire(signGrant(inviterSecretKey, grant)),
    inviteSeed: wire(fields.inviteSeed),
    genesisCommitment: wire(fields.genesisCommitment ?? (fields.epoch === 0 ? genesisCommitment(fields.roomSecret) : new Uint8Array(0))),
    epochRecord: wire(fields.epochRecord ?? new Uint8Array(0))
  })
  const signature = sign(inviterSecretKey, INVITE_DOMAIN, body)
  const signed = SignedInvite.encode({ version: PROTOCOL_VERSION, body, signature: wire(signature) })
  return INVITE_PREFIX + base58btc.baseEncode(signed)
}

function startsWith (bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.length <= bytes.length && equalBytes(bytes.subarray(0, prefix.length), prefix)
}

function corrupted (what: string): InviteCorruptedError {
  return new InviteCorruptedError(`this invite is damaged (${what}); copy it again in full, or ask for a new one`)
}

/**
 * Decode an invite code and verify its signature. Total over any string: throws only
 * NotAnInviteError, InviteCorruptedError, InviteVersionError or InviteSignatureError.
 */
export function decodeInvite (code: string): Invite {
  const text = code.trim()
  if (!text.startsWith(INVITE_PREFIX)) throw new NotAnInviteError(`this is not a CryptoChat invite (invite codes start with '${INVITE_PREFIX}')`)
  const payload = text.slice(INVITE_PREFIX.length)
  if (payload.length === 0) throw corrupted('it is empty after the prefix')
  if (text.length > MAX_INVITE_CODE_CHARS) throw corrupted('it is far too long')
  if (!BASE58_CHARS.test(payload)) throw corrupted('it contains characters an invite never has')
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(payload)
  } catch {
    throw corrupted('it is not valid base58')
  }
  if (bytes.length > MAX_INVITE_BYTES) throw corrupted('it is too large')

  let signed: SignedInvite
  try {
    signed = SignedInvite.decode(bytes)
  } catch {
    throw corrupted('its record cannot be read')
  }
  if (signed.version !== PROTOCOL_VERSION) {
    if (signed.version === 0) throw corrupted('it has no version')
    // Damaged or truncated bytes can decode to any "version". Only a record that is well
    // formed (its known fields in canonical form and in order, possibly followed by fields
    // a newer format added) is reported as a newer format rather than as damage.
    if (!startsWith(bytes, SignedInvite.encode(signed))) throw corrupted('its record cannot be read')
    // Truncated base58 decodes to unrelated bytes, which can parse as a record now and then:
    // a newer format still has a body.
    if (signed.body.length === 0) throw corrupted('its record cannot be read')
    throw new InviteVersionError(signed.version)
  }
  if (signed.body.length === 0 || signed.signature.length !== SIGNATURE_BYTES) throw corrupted('its signature or body is missing')

  let body: InviteBody
  try {
    body = InviteBody.decode(signed.body, { limits: { relays: MAX_INVITE_RELAYS } })
  } catch {
    throw corrupted('its contents cannot be read')
  }
  if (body.inviter.length !== PUBLIC_KEY_BYTES) throw corrupted('its inviter key is malformed')
  // Verify before looking further: a forged invite gets "bad signature", whatever it says.
  if (!verify(body.inviter, INVITE_DOMAIN, signed.body, signed.signature)) {
    throw new InviteSignatureError('this invite\'s signature does not verify: it was altered or forged; ask the inviter for a new one')
  }
  if (body.version !== signed.version) throw corrupted('its inner and outer versions disagree')
  if (body.roomId.length !== ROOM_ID_BYTES) throw corrupted('its room id is malformed')
  // The secret of the epoch named (epoch 0's is the room secret; later ones come with
  // removals): the newcomer reads from that epoch on.
  if (body.epoch > 0x7fffffff) throw corrupted('it names a key epoch out of range')
  if (body.roomSecret.length !== ROOM_SECRET_BYTES) throw corrupted('its room key is malformed')
  if (body.inviteId.length !== INVITE_ID_BYTES) throw corrupted('its invite id is malformed')
  if (utf8Length(body.roomName) > MAX_ROOM_NAME_BYTES) throw corrupted('its room name is too long')
  if (body.relays.length === 0) throw corrupted('it names no relay')
  const relays: string[] = []
  for (const relay of body.relays) {
    try {
      relays.push(parseRelayAddress(relay))
    } catch {
      throw corrupted('it names a relay address that is not valid')
    }
  }
  const issuedAt = Number(body.issuedAt)
  const expiresAt = Number(body.expiresAt)
  if (!Number.isSafeInteger(issuedAt) || !Number.isSafeInteger(expiresAt) || expiresAt <= issuedAt) throw corrupted('its validity period is malformed')
  if (body.creator.length !== 0 && body.creator.length !== PUBLIC_KEY_BYTES) throw corrupted('its room creator key is malformed')
  if (body.createdAt > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupted('its room creation date is malformed')
  if (body.inviteSeed.length !== INVITE_SEED_BYTES) throw corrupted('it has no invite key; it may be from an older version of CryptoChat, so ask for a new one')
  if (body.creator.length !== 0 && (body.genesisNonce.length !== GENESIS_NONCE_BYTES || body.genesisCommitment.length !== 32 || !equalBytes(roomIdOf(body.creator, Number(body.createdAt), body.genesisNonce, body.genesisCommitment), body.roomId))) {
    // Any member can sign an invite; only the room's real creator matches its id.
    throw corrupted('the room creator it names does not match the room id')
  }
  if (body.creator.length !== 0) checkSecret(body)
  let grant: Invite['grant']
  if (body.grantSignature.length !== 0) {
    const g = grantOf({ roomId: body.roomId, inviteId: body.inviteId, inviter: body.inviter, issuedAt: body.issuedAt, expiresAt: body.expiresAt, maxUses: body.maxUses, epoch: body.epoch, inviteKey: publicKeyOf(body.inviteSeed) })
    if (!verifyGrant(g, body.grantSignature)) throw corrupted('its grant signature does not verify')
    grant = { grant: g, signature: body.grantSignature }
  }

  return {
    version: body.version,
    roomId: bytesToHex(body.roomId),
    roomIdBytes: body.roomId,
    roomName: body.roomName,
    epoch: body.epoch,
    roomSecret: body.roomSecret,
    relays,
    inviter: body.inviter,
    issuedAt,
    expiresAt,
    inviteId: bytesToHex(body.inviteId),
    maxUses: body.maxUses,
    ...(body.creator.length !== 0 ? { creator: body.creator, createdAt: Number(body.createdAt), genesisNonce: body.genesisNonce } : {}),
    ...(grant != null ? { grant } : {}),
    inviteSeed: body.inviteSeed,
    ...(body.genesisCommitment.length > 0 ? { genesisCommitment: body.genesisCommitment } : {}),
    ...(body.epochRecord.length > 0 ? { epochRecord: body.epochRecord } : {})
  }
}

/**
 * The secret must be the room's, not one its signer made up (which would put the
 * newcomer in a copy of the room that only the signer reads): epoch 0's is the one the
 * room id commits to; a later epoch's must match the commitment of the EPOCH record the
 * invite carries, signed by its author for this room. (That author's standing as an
 * owner is checked against the room's log once it arrives.)
 */
function checkSecret (body: InviteBody): void {
  const wrong = (): InviteSecretMismatchError => new InviteSecretMismatchError('this invite\'s room key is not the room\'s own: whoever signed it made it up, and would read what you send. Nothing was sent; ask an owner of the room for a new invite')
  if (body.epoch === 0) {
    if (!equalBytes(genesisCommitment(body.roomSecret), body.genesisCommitment)) throw wrong()
    return
  }
  let record
  try {
    record = openControl(body.epochRecord, body.roomId)
  } catch {
    throw corrupted('the key record it carries does not verify')
  }
  if (record.op.type !== ControlType.EPOCH || record.op.epoch !== body.epoch) throw corrupted('the key record it carries is for another epoch')
  if (!equalBytes(epochCommitment(body.roomId, body.epoch, body.roomSecret), record.op.commitment)) throw wrong()
}
