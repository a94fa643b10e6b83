/** Text given as a fingerprint that is not one: not hex, or too short to name anyone. */
export class InvalidFingerprintError extends Error {
  override readonly name: string = 'InvalidFingerprintError'
}

/** A fingerprint (or prefix) that matches no identity this data directory has seen. */
export class UnknownIdentityError extends Error {
  override readonly name: string = 'UnknownIdentityError'
}

/** A fingerprint prefix shared by several identities this data directory has seen. */
export class AmbiguousFingerprintError extends Error {
  override readonly name: string = 'AmbiguousFingerprintError'
}

/** An attempt to verify one's own identity: there is nothing to compare it with. */
export class VerifySelfError extends Error {
  override readonly name: string = 'VerifySelfError'
  constructor () {
    super('that fingerprint is your own identity: a safety code is compared with someone else')
  }
}

/**
 * Not a failure but a warning, by this name (its `code` in events): a key that is not
 * verified uses, in a room, the nick of an identity verified there. It may be the same
 * person with a new key (a new device, a lost data directory) or someone posing as them;
 * only a new out-of-band comparison tells. Never thrown by this library.
 */
export class IdentityChangedError extends Error {
  override readonly name: string = 'IdentityChangedError'
  constructor (
    readonly roomId: string,
    readonly nick: string,
    /** The key now using the nick. */
    readonly fingerprint: string,
    /** The verified identity that used it before. */
    readonly verifiedFingerprint: string
  ) {
    super(`${nick} (${fingerprint.slice(0, 8)}) is not the ${nick} you verified (${verifiedFingerprint.slice(0, 8)}): a different identity key uses their nick. ` +
      'It may be them on a new device, or someone else: compare safety codes again before trusting it')
  }
}

/** verified.json holds as many identities as it may (VERIFY_MAX_VERIFIED). */
export class VerifiedListFullError extends Error {
  override readonly name: string = 'VerifiedListFullError'
  constructor (max: number) {
    super(`${max} identities are verified already, the most kept; unverify some first (cryptochat verify --list)`)
  }
}
