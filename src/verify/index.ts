/**
 * @packageDocumentation
 *
 * Verifying members: which identities this data directory has met (seen.json: public key,
 * nicks, rooms, first and last seen) and which its user compared out of band and marked
 * verified (verified.json), both 0600 and replaced atomically; and the check that warns
 * when a key that is not verified uses a verified member's nick in a room where that
 * member was seen. The safety code itself is `safetyCode` in src/identity. Nothing here
 * draws, prints or touches the network: the UI and the CLI feed it member events.
 *
 * @example
 * ```ts
 * const book = new IdentityBook(dataDir, { self: identity.fingerprint, onError: show })
 * session.on('member', (m) => { const warning = book.observe(m); if (warning != null) show(warning) })
 * const bob = book.find('a9b7c216')
 * const code = safetyCode(identity.publicKey, hexToBytes(bob.publicKey))
 * book.mark(bob)   // after both people read the same code
 * book.close()
 * ```
 */
export { IdentityBook, type IdentityBookInit, type MemberSighting, type FoundIdentity } from './identity-book.js'
export { trustOf, type Trust, type TrustState, type MemberRef } from './identity-check.js'
export { VerifiedStore, type VerifiedIdentity, type MarkInit } from './verified-store.js'
export { SeenStore, type SeenIdentity, type Sighting, type SeenStoreInit } from './seen-store.js'
export { type KnownIdentity } from './record-file.js'
export { parseFingerprintPrefix, matchFingerprint } from './fingerprint-match.js'
export { nickKey } from './nick-key.js'
export {
  InvalidFingerprintError, UnknownIdentityError, AmbiguousFingerprintError, VerifySelfError,
  VerifiedListFullError, IdentityChangedError
} from './errors.js'
