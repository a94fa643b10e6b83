import { join } from 'node:path'
import { fromString, toString } from 'uint8arrays'
import { equalBytes, generateSigningKeyPair, publicKeyOf, SECRET_KEY_BYTES } from '../crypto/index.js'
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

interface IdentityFile {
  version: 1
  type: 'ed25519'
  secretKey: string
  publicKey: string
}

function fromKeys (secretKey: Uint8Array, publicKey: Uint8Array): Identity {
  return { secretKey, publicKey, fingerprint: fingerprint(publicKey) }
}

function parseIdentityFile (path: string, raw: unknown): Identity {
  const file = raw as Partial<IdentityFile> | null
  if (file == null || typeof file !== 'object' || file.version !== 1 || file.type !== 'ed25519' ||
    typeof file.secretKey !== 'string' || typeof file.publicKey !== 'string') {
    throw new IdentityFileError(`${path} is not a CryptoChat identity file; it was left untouched`)
  }
  let secretKey: Uint8Array
  let publicKey: Uint8Array
  try {
    secretKey = fromString(file.secretKey, 'base64')
    publicKey = fromString(file.publicKey, 'base64')
  } catch {
    throw new IdentityFileError(`${path} holds a key that is not valid base64; it was left untouched`)
  }
  if (secretKey.length !== SECRET_KEY_BYTES || !equalBytes(publicKeyOf(secretKey), publicKey)) {
    throw new IdentityFileError(`${path} holds a damaged key (public and secret halves disagree); it was left untouched`)
  }
  return fromKeys(secretKey, publicKey)
}

/**
 * Load the identity from `dataDir`, creating it on first use (file 0600, directory 0700).
 * Refuses a key file that other users can read (InsecurePermissionsError).
 */
export function loadOrCreateIdentity (dataDir: string): { identity: Identity, created: boolean } {
  ensurePrivateDir(dataDir)
  const path = join(dataDir, IDENTITY_FILE)
  if (fileExists(path)) {
    return { identity: parseIdentityFile(path, readPrivateJson(path, MAX_IDENTITY_FILE_BYTES)), created: false }
  }
  const { secretKey, publicKey } = generateSigningKeyPair()
  const file: IdentityFile = {
    version: 1,
    type: 'ed25519',
    secretKey: toString(secretKey, 'base64'),
    publicKey: toString(publicKey, 'base64')
  }
  // Two first runs at once must not end up with two identities: one creation wins.
  if (!createPrivateFileExclusive(path, JSON.stringify(file, null, 2) + '\n')) {
    return { identity: parseIdentityFile(path, readPrivateJson(path, MAX_IDENTITY_FILE_BYTES)), created: false }
  }
  return { identity: fromKeys(secretKey, publicKey), created: true }
}
