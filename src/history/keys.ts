import { PROTOCOL_VERSION } from '../constants.js'
import { deriveKey } from '../crypto/index.js'

/**
 * The key a room's history is sealed with on disk: derived from our identity's secret
 * key, so it is exactly as protected as the identity (0600, and the passphrase when one
 * is set), and one per room, so a log cannot be read as another room's.
 */
export function historyKey (identitySecretKey: Uint8Array, roomId: Uint8Array): Uint8Array {
  return deriveKey(identitySecretKey, roomId, `cryptochat/${PROTOCOL_VERSION}/history-key`)
}
