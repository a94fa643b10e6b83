/**
 * @packageDocumentation
 *
 * The user's long-term Ed25519 identity key (kept in the data directory, 0600, its
 * secret half sealed when a passphrase is set: see src/keystore) and its fingerprint.
 * The identity appears only inside room ciphertext; the transport uses a separate,
 * per-run libp2p key so that the network cannot link a user across sessions.
 */
export {
  loadOrCreateIdentity, readPublicIdentity, identitySecretField, IDENTITY_FILE,
  type Identity, type PublicIdentity, type IdentityInit
} from './identity.js'
export { fingerprint, groupFingerprint, shortFingerprint, FINGERPRINT_CHARS, SHORT_FINGERPRINT_CHARS } from './fingerprint.js'
export { IdentityFileError } from './errors.js'
