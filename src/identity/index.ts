/**
 * @packageDocumentation
 *
 * The user's long-term Ed25519 identity key (kept in the data directory, 0600, its
 * secret half sealed when a passphrase is set: see src/keystore) and its fingerprint.
 * The identity appears only inside room ciphertext; the transport uses a separate,
 * per-run libp2p key so that the network cannot link a user across sessions. Two people
 * check each other's key out of band with a fingerprint or, for the pair, a safety code.
 */
export {
  loadOrCreateIdentity, readPublicIdentity, identitySecretField, IDENTITY_FILE,
  type Identity, type PublicIdentity, type IdentityInit
} from './identity.js'
export { fingerprint, groupFingerprint, shortFingerprint, FINGERPRINT_CHARS, SHORT_FINGERPRINT_CHARS } from './fingerprint.js'
export { safetyCode, safetyCodeLines, SAFETY_CODE_DIGITS } from './safety-code.js'
export { IdentityFileError } from './errors.js'
