/** The text is not an invite code at all (wrong prefix or characters). */
export class NotAnInviteError extends Error {
  override readonly name: string = 'NotAnInviteError'
}

/** The text looks like an invite but its bytes are damaged or truncated. */
export class InviteCorruptedError extends Error {
  override readonly name: string = 'InviteCorruptedError'
}

/** The invite is from a newer (or unknown) format version. */
export class InviteVersionError extends Error {
  override readonly name: string = 'InviteVersionError'
  constructor (readonly version: number) {
    super(`this invite uses format version ${version}, which this CryptoChat does not support; ask for a new invite or upgrade CryptoChat`)
  }
}

/** The inviter's signature does not verify: the invite was altered or forged. */
export class InviteSignatureError extends Error {
  override readonly name: string = 'InviteSignatureError'
}

/** The invite's expiry time has passed. */
export class InviteExpiredError extends Error {
  override readonly name: string = 'InviteExpiredError'
  constructor (readonly expiresAt: number) {
    // A signed invite may carry any safe-integer time, beyond what Date can show.
    const when = Number.isFinite(new Date(expiresAt).getTime()) ? new Date(expiresAt).toISOString() : `${expiresAt} ms after 1970`
    super(`this invite expired at ${when}; ask a member for a new one`)
  }
}

/** The invite is for a different room than the one named on the command line. */
export class InviteRoomMismatchError extends Error {
  override readonly name: string = 'InviteRoomMismatchError'
  constructor (readonly expected: string, readonly actual: string) {
    super(`this invite is for room ${actual}, not ${expected}; check the room id you typed`)
  }
}

/**
 * The room secret an invite carries is not the room's: the room id (for epoch 0) or the
 * room's signed key commitment (for later epochs) says otherwise. Whoever signed it
 * would read what you send; nothing is sent.
 */
export class InviteSecretMismatchError extends Error {
  override readonly name: string = 'InviteSecretMismatchError'
}
