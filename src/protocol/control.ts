import { INVITE_ID_BYTES, MAX_HONORED, MAX_KEYS_PER_OP, MAX_PAYLOAD_BYTES, MAX_ROOM_NAME_BYTES, PROTOCOL_VERSION } from '../constants.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, bytesToHex, equalBytes, hash, isStrongPublicKey, sign, verify } from '../crypto/index.js'
import { ControlOp, ControlType, InviteGrant, SignedControl } from './cryptochat.js'
import { ForgedMessageError, MalformedMessageError } from './errors.js'
import { utf8Length } from './message.js'
import { wire } from './wire.js'

export { ControlOp, ControlType, InviteGrant, SignedControl }

const CONTROL_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/control`
const GRANT_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/grant`

/** A membership operation whose signature verified, with its record bytes (as kept and sent). */
export interface ControlRecord {
  op: ControlOp
  /** The SignedControl bytes. */
  bytes: Uint8Array
  /** Hex SHA-256 of `bytes`: how logs tell which records the other side lacks. */
  id: string
}

/** Sign `op` (its author's key must be `secretKey`'s) into SignedControl bytes. */
export function signControl (secretKey: Uint8Array, op: ControlOp): ControlRecord {
  const encoded = ControlOp.encode(op)
  const bytes = SignedControl.encode({ op: encoded, signature: wire(sign(secretKey, CONTROL_DOMAIN, encoded)) })
  return { op, bytes, id: recordId(encoded) }
}

/** An empty operation of `type`, for filling in. */
export function controlOp (fields: Partial<ControlOp> & Pick<ControlOp, 'roomId' | 'author' | 'index' | 'timestamp' | 'type'>): ControlOp {
  return {
    member: new Uint8Array(0),
    inviteId: new Uint8Array(0),
    grantSignature: new Uint8Array(0),
    name: '',
    ownersInvite: false,
    expiresAt: 0n,
    maxUses: 0,
    honored: [],
    epoch: 0,
    ephemeral: new Uint8Array(0),
    keys: [],
    upto: 0n,
    uptoMessage: 0n,
    commitment: new Uint8Array(0),
    uptoId: new Uint8Array(0),
    prev: new Uint8Array(0),
    ...fields
  }
}

const TYPES = new Set<string>(Object.values(ControlType).filter((v) => typeof v === 'string'))
const KEY = PUBLIC_KEY_BYTES

function malformed (why: string): MalformedMessageError {
  return new MalformedMessageError(`membership operation ${why}`)
}

/**
 * Decode SignedControl bytes from the network, check every field's shape, the room and
 * the author's signature (and a JOIN's grant signature). Total: throws only
 * MalformedMessageError or ForgedMessageError.
 */
export function openControl (bytes: Uint8Array, roomId: Uint8Array): ControlRecord {
  if (bytes.length > MAX_PAYLOAD_BYTES) throw malformed('too large')
  let signed: SignedControl
  let op: ControlOp
  try {
    signed = SignedControl.decode(bytes)
    op = ControlOp.decode(signed.op, { limits: { honored: MAX_HONORED, keys: MAX_KEYS_PER_OP } })
  } catch {
    throw malformed('is not valid protobuf')
  }
  if (signed.signature.length !== SIGNATURE_BYTES) throw malformed('has no valid signature')
  // One operation, one encoding: bytes with extra or reordered fields would be a "new"
  // record of the same operation (a way to flood logs, or to replace a record).
  if (!equalBytes(SignedControl.encode(signed), bytes) || !equalBytes(ControlOp.encode(op), signed.op)) throw malformed('is not canonically encoded')
  if (op.author.length !== KEY) throw malformed('has a malformed author')
  if (!equalBytes(op.roomId, roomId)) throw malformed('is for another room')
  if (!TYPES.has(op.type as string)) throw malformed('is of an unknown type')
  const max = BigInt(Number.MAX_SAFE_INTEGER)
  if (op.index < 1n || op.index > max || op.timestamp > max || op.upto > max || op.uptoMessage > max || op.expiresAt > max) throw malformed('has a number out of range')
  // Each operation names its author's previous one (none for the first): a chain.
  if ((op.index === 1n) !== (op.prev.length === 0) || (op.prev.length !== 0 && op.prev.length !== 32)) throw malformed('does not name its author\'s previous operation')
  if (op.uptoId.length !== 0 && op.uptoId.length !== 32) throw malformed('names a malformed operation id')
  if (!verify(op.author, CONTROL_DOMAIN, signed.op, signed.signature)) throw new ForgedMessageError('membership operation signature does not verify')
  checkFields(op)
  if (op.type === ControlType.JOIN) {
    const g = op.grant
    if (g == null || !equalBytes(g.roomId, roomId) || !equalBytes(g.inviteId, op.inviteId) || g.issuer.length !== KEY) throw malformed('has a malformed invite grant')
    if (!verifyGrant(g, op.grantSignature)) throw new ForgedMessageError('invite grant signature does not verify')
  }
  return { op, bytes, id: recordId(signed.op) }
}

/** A record's id: the hash of its signed operation (Ed25519 signatures here are deterministic). */
function recordId (opBytes: Uint8Array): string {
  return bytesToHex(hash(opBytes))
}

function checkFields (op: ControlOp): void {
  switch (op.type) {
    case ControlType.REMOVE:
    case ControlType.PROMOTE:
      if (!isStrongPublicKey(op.member)) throw malformed('names no valid member')
      if (op.honored.some((m) => !isStrongPublicKey(m))) throw malformed('lists a malformed member')
      break
    case ControlType.JOIN:
    case ControlType.INVITE:
    case ControlType.REVOKE:
      if (op.inviteId.length !== INVITE_ID_BYTES) throw malformed('names no valid invite')
      if (op.honored.some((m) => !isStrongPublicKey(m))) throw malformed('lists a malformed member')
      break
    case ControlType.RENAME:
      if (op.name.trim().length === 0 || utf8Length(op.name) > MAX_ROOM_NAME_BYTES || /\p{Cc}/u.test(op.name)) throw malformed('has an invalid room name')
      break
    case ControlType.EPOCH:
    case ControlType.KEYS:
      if (op.epoch < 1 || op.ephemeral.length !== 32 || op.keys.some((k) => !isStrongPublicKey(k.recipient) || k.wrapped.length !== 48)) throw malformed('has malformed keys')
      if (op.type === ControlType.EPOCH && op.commitment.length !== 32) throw malformed('has no key commitment')
      break
    default:
      break
  }
}

/** The bytes an invite's issuer signs for its grant. */
function grantBytes (grant: InviteGrant): Uint8Array {
  return InviteGrant.encode(grant)
}

/** Sign what an invite lets in (the issuer's key must be `secretKey`'s). */
export function signGrant (secretKey: Uint8Array, grant: InviteGrant): Uint8Array {
  return sign(secretKey, GRANT_DOMAIN, grantBytes(grant))
}

/** Whether `signature` is the grant's issuer's over it. */
export function verifyGrant (grant: InviteGrant, signature: Uint8Array): boolean {
  return grant.issuer.length === KEY && signature.length === SIGNATURE_BYTES && verify(grant.issuer, GRANT_DOMAIN, grantBytes(grant), signature)
}



