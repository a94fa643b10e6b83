import { join } from 'node:path'
import { fromString, toString } from 'uint8arrays'
import { equalBytes, generateSigningKeyPair, publicKeyOf, PUBLIC_KEY_BYTES, SECRET_KEY_BYTES } from '../crypto/index.js'
import { plainKeystore, type Keystore, type SecretFieldRef } from '../keystore/index.js'
import { createPrivateFileExclusive, ensurePrivateDir, fileExists, readPrivateJson } from '../store/index.js'
import { IdentityFileError } from './errors.js'
import { fingerprint } from './fingerprint.js'

/** Name of the identity key file inside the data directory. */
export const IDENTITY_FILE = 'identity.json'

const MAX_IDENTITY_FILE_BYTES = 4096

/** A user's long-term Ed25519 identity. Never the libp2p peer id. */
export interface Identity {
  publicKey: Uint8Array
  secretKey: Uint8Array
  /** 40 hex characters, see {@link fingerprint}. */
  fingerprint: string
}

/** The public half of an identity: all that showing a fingerprint needs. */
export type PublicIdentity = Omit<Identity, 'secretKey'>

/** Options of {@link loadOrCreateIdentity}. */
export interface IdentityInit {
  /**
   * How the secret key is stored: in clear, or sealed when the data directory has a
   * passphrase (an unlocked keystore from `openKeystore`). Default: in clear, refusing a
   * sealed key (PassphraseRequiredError).
   */
  keystore?: Keystore
}

/**
 * identity.json: version, type, the public key in clear (fingerprints need no passphrase)
 * and the secret key, in clear (`secretKey`) or sealed (`sealedSecretKey`), see src/keystore.
 */
interface IdentityFile {
  version: 1
  type: 'ed25519'
  publicKey: string
  secretKey?: string
}

/** Where the identity's secret lives, for the keystore (label `identity`). */
export function identitySecretField (dataDir: string): SecretFieldRef {
  return { path: join(dataDir, IDENTITY_FILE), field: 'secretKey', label: 'identity', maxBytes: MAX_IDENTITY_FILE_BYTES }
}

function parsePublic (path: string, raw: unknown): PublicIdentity {
  const file = raw as Partial<IdentityFile> | null
  if (file == null || typeof file !== 'object' || file.version !== 1 || file.type !== 'ed25519' || typeof file.publicKey !== 'string') {
    throw new IdentityFileError(`${path} is not a CryptoChat identity file; it was left untouched`)
  }
  let publicKey: Uint8Array
  try {
    publicKey = fromString(file.publicKey, 'base64')
  } catch {
    throw new IdentityFileError(`${path} holds a key that is not valid base64; it was left untouched`)
  }
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new IdentityFileError(`${path} holds a damaged public key; it was left untouched`)
  return { publicKey, fingerprint: fingerprint(publicKey) }
}

function parseIdentityFile (dataDir: string, raw: unknown, keystore: Keystore): Identity {
  const ref = identitySecretField(dataDir)
  const { publicKey } = parsePublic(ref.path, raw)
  const secretKey = keystore.readSecret(raw as Record<string, unknown>, ref)
  if (secretKey.length !== SECRET_KEY_BYTES || !equalBytes(publicKeyOf(secretKey), publicKey)) {
    throw new IdentityFileError(`${ref.path} holds a damaged key (public and secret halves disagree); it was left untouched`)
  }
  return { secretKey, publicKey, fingerprint: fingerprint(publicKey) }
}

/**
 * The public identity of `dataDir` without its secret key (so without a passphrase), or
 * undefined when it has none yet.
 */
export function readPublicIdentity (dataDir: string): PublicIdentity | undefined {
  const path = join(dataDir, IDENTITY_FILE)
  if (!fileExists(path)) return undefined
  return parsePublic(path, readPrivateJson(path, MAX_IDENTITY_FILE_BYTES))
}

/**
 * Load the identity from `dataDir`, creating it on first use (file 0600, directory 0700).
 * Refuses a key file that other users can read (InsecurePermissionsError).
 */
export function loadOrCreateIdentity (dataDir: string, init: IdentityInit = {}): { identity: Identity, created: boolean } {
  const keystore = init.keystore ?? plainKeystore(dataDir)
  ensurePrivateDir(dataDir)
  const path = join(dataDir, IDENTITY_FILE)
  const load = (): Identity => parseIdentityFile(dataDir, readPrivateJson(path, MAX_IDENTITY_FILE_BYTES), keystore)
  if (fileExists(path)) return { identity: load(), created: false }
  const { secretKey, publicKey } = generateSigningKeyPair()
  const file: Record<string, unknown> = { version: 1, type: 'ed25519', publicKey: toString(publicKey, 'base64') }
  keystore.writeSecret(file, identitySecretField(dataDir), secretKey)
  // Two first runs at once must not end up with two identities: one creation wins.
  if (!createPrivateFileExclusive(path, JSON.stringify(file, null, 2) + '\n')) return { identity: load(), created: false }
  return { identity: { secretKey, publicKey, fingerprint: fingerprint(publicKey) }, created: true }
}
