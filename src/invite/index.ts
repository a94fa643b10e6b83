/**
 * @packageDocumentation
 *
 * Invites: versioned, signed, expiring records that carry a room's id, name, key
 * material and relays. Shown as text (`cc1` + base58btc). An invite is a secret: it is
 * never logged.
 *
 * @example
 * ```ts
 * const code = encodeInvite(fields, identity.secretKey, identity.publicKey)
 * const invite = decodeInvite(code)        // format + signature
 * checkInvite(invite, { roomId })          // expiry + room
 * ```
 */
export { encodeInvite, decodeInvite, GENESIS_NONCE_BYTES, type Invite, type InviteFields } from './codec.js'
export { checkInvite, type InviteCheck } from './check.js'
export {
  NotAnInviteError, InviteCorruptedError, InviteVersionError, InviteSignatureError,
  InviteExpiredError, InviteRoomMismatchError, InviteSecretMismatchError
} from './errors.js'
