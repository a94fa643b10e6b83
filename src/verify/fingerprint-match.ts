import { VERIFY_MIN_PREFIX_CHARS } from '../constants.js'
import { FINGERPRINT_CHARS } from '../identity/index.js'
import { AmbiguousFingerprintError, InvalidFingerprintError, UnknownIdentityError } from './errors.js'

/** Typed text, quoted for a message: bounded, control characters escaped. */
function quoted (text: string): string {
  return JSON.stringify(text.length > 48 ? `${text.slice(0, 48)}…` : text)
}

/**
 * A fingerprint, or its start, as typed: spaces dropped (a grouped `1a2b 3c4d ...` pasted
 * whole), lower-cased, then checked to be 8 to 40 hex characters. Throws
 * {@link InvalidFingerprintError} saying what is wrong.
 */
export function parseFingerprintPrefix (text: string): string {
  const clean = text.replace(/\s+/g, '').toLowerCase()
  if (clean.length === 0) throw new InvalidFingerprintError('no fingerprint given: use the 40 hex characters `cryptochat id` shows (or at least the first 8)')
  if (!/^[0-9a-f]+$/.test(clean)) throw new InvalidFingerprintError(`${quoted(text)} is not a fingerprint: a fingerprint is 40 hex characters (0-9, a-f); the first ${VERIFY_MIN_PREFIX_CHARS} are enough when no other identity shares them`)
  if (clean.length < VERIFY_MIN_PREFIX_CHARS) throw new InvalidFingerprintError(`${quoted(text)} is too short to name an identity: give at least the first ${VERIFY_MIN_PREFIX_CHARS} hex characters of the fingerprint`)
  if (clean.length > FINGERPRINT_CHARS) throw new InvalidFingerprintError(`${quoted(text)} is too long for a fingerprint (${FINGERPRINT_CHARS} hex characters)`)
  return clean
}

/**
 * The one fingerprint of `known` that starts with `prefix` (from {@link parseFingerprintPrefix}).
 * Throws {@link UnknownIdentityError} when none does, {@link AmbiguousFingerprintError}
 * when several do. `where` says what was searched, for the message.
 */
export function matchFingerprint (prefix: string, known: Iterable<string>, where = 'identities this data directory has seen'): string {
  const matches = [...new Set([...known].filter((fp) => fp.startsWith(prefix)))]
  if (matches.length === 1) return matches[0] as string
  if (matches.length === 0) {
    throw new UnknownIdentityError(`no identity starting ${prefix} among the ${where}: an identity is known once you have been in a room with it (join the room, or check the fingerprint)`)
  }
  throw new AmbiguousFingerprintError(`${matches.length} identities start with ${prefix} (${matches.map((fp) => fp.slice(0, prefix.length + 4)).sort().join(', ')}): give more of the fingerprint`)
}
