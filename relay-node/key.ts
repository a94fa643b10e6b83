import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { CorruptFileError, ensurePrivateDir, fileExists, readPrivateFile, writePrivateFile } from '../src/store/index.js'

/** File holding the relay's libp2p private key (protobuf, 0600). */
export const RELAY_KEY_FILE = 'relay.key'

/**
 * Load the relay's persistent libp2p key from `dataDir`, creating it on first start, so
 * that its `/p2p/<id>` address (and so every invite naming it) stays valid across restarts.
 */
export async function loadOrCreateRelayKey (dataDir: string): Promise<{ key: PrivateKey, created: boolean }> {
  ensurePrivateDir(dataDir)
  const path = join(dataDir, RELAY_KEY_FILE)
  if (fileExists(path)) {
    const bytes = readPrivateFile(path, 8192)
    try {
      return { key: privateKeyFromProtobuf(bytes), created: false }
    } catch {
      throw new CorruptFileError(path, 'not a libp2p private key')
    }
  }
  const key = await generateKeyPair('Ed25519')
  writePrivateFile(path, privateKeyToProtobuf(key))
  return { key, created: true }
}
