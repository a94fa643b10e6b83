import { INVITE_ID_BYTES, MAX_HEADS, MAX_HONORED, MAX_KEYS_PER_OP, MAX_PAYLOAD_BYTES, MAX_ROOM_NAME_BYTES, PROTOCOL_VERSION } from '../constants.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, bytesToHex, compareBytes, concatBytes, equalBytes, hash, isStrongPublicKey, sign, verify } from '../crypto/index.js'
import { ControlOp, ControlType, InviteGrant, SignedControl } from './cryptochat.js'
import { ForgedMessageError, MalformedMessageError } from './errors.js'
import { utf8Length } from './message.js'
import { wire } from './wire.js'

export { ControlOp, ControlType, InviteGrant, SignedControl }

const CONTROL_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/control`
const GRANT_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/grant`
const INVITE_PROOF_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/invite-proof`

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
    heads: [],
    inviteProof: new Uint8Array(0),
    joinId: new Uint8Array(0),
    readmit: false,
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
    op = ControlOp.decode(signed.op, { limits: { honored: MAX_HONORED, keys: MAX_KEYS_PER_OP, heads: MAX_HEADS } })
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
  // Heads in one order (ascending, no repeats): one operation, one encoding.
  if (op.heads.some((h, i) => h.length !== 32 || (i > 0 && compareBytes(op.heads[i - 1] as Uint8Array, h) >= 0))) throw malformed('names malformed heads')
  if (!verify(op.author, CONTROL_DOMAIN, signed.op, signed.signature)) throw new ForgedMessageError('membership operation signature does not verify')
  checkFields(op)
  if (op.type === ControlType.JOIN) {
    const g = op.grant
    if (g == null || !equalBytes(g.roomId, roomId) || !equalBytes(g.inviteId, op.inviteId) || g.issuer.length !== KEY) throw malformed('has a malformed invite grant')
    if (!isStrongPublicKey(g.inviteKey)) throw malformed('has an invite grant with no invite key (an invite from an older version)')
    if (!verifyGrant(g, op.grantSignature)) throw new ForgedMessageError('invite grant signature does not verify')
    // The grant alone is a bearer token anyone who saw the log could replay: the invite's
    // one-time key (held only by those given the code) binds it to this joiner.
    if (!verifyInviteProof(g, op.author, op.heads, op.inviteProof)) throw new ForgedMessageError('join is not bound to its joiner by the invite key')
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
      if (op.epoch < 1) throw malformed('has malformed keys')
      checkKeys(op)
      // An EPOCH may carry no packages (they follow in KEYS), so it fits in an invite.
      if (op.type === ControlType.KEYS && op.keys.length === 0) throw malformed('has malformed keys')
      if (op.type === ControlType.EPOCH && op.commitment.length !== 32) throw malformed('has no key commitment')
      break
    case ControlType.ADMIT:
      if (!isStrongPublicKey(op.member)) throw malformed('names no valid member')
      if (op.joinId.length !== 32) throw malformed('names no join')
      // The newcomer's welcome: the current epoch's key wrapped for it alone (or none).
      checkKeys(op)
      if (op.keys.length > 1 || op.keys.some((k) => !equalBytes(k.recipient, op.member))) throw malformed('wraps a key for someone else')
      break
    default:
      break
  }
}

/** Key packages: none, or an ephemeral key and well-formed wrapped keys. */
function checkKeys (op: ControlOp): void {
  if (op.keys.length === 0 ? op.ephemeral.length !== 0 : op.ephemeral.length !== 32) throw malformed('has malformed keys')
  if (op.keys.some((k) => !isStrongPublicKey(k.recipient) || k.wrapped.length !== 48)) throw malformed('has malformed keys')
}

/** What an invite key signs to bind a JOIN: room, invite id, the joiner's key and the heads it saw. */
function inviteProofInput (grant: InviteGrant, joiner: Uint8Array, heads: Uint8Array[]): Uint8Array {
  return concatBytes(grant.roomId, grant.inviteId, grant.issuer, joiner, ...heads)
}

/** Bind a JOIN by `joiner` (naming `heads`) to the invite whose one-time secret key is `inviteSecretKey`. */
export function signInviteProof (inviteSecretKey: Uint8Array, grant: InviteGrant, joiner: Uint8Array, heads: Uint8Array[]): Uint8Array {
  return sign(inviteSecretKey, INVITE_PROOF_DOMAIN, inviteProofInput(grant, joiner, heads))
}

/** Whether `proof` is the grant's invite key's signature binding `joiner` (and `heads`). */
export function verifyInviteProof (grant: InviteGrant, joiner: Uint8Array, heads: Uint8Array[], proof: Uint8Array): boolean {
  return proof.length === SIGNATURE_BYTES && grant.inviteKey.length === KEY && verify(grant.inviteKey, INVITE_PROOF_DOMAIN, inviteProofInput(grant, joiner, heads), proof)
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



