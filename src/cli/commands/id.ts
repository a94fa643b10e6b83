import { bytesToHex } from '../../crypto/index.js'
import { readPublicIdentity } from '../../identity/index.js'
import { resolveDataDir } from '../../store/index.js'
import { openContext, type CommonOptions } from '../context.js'
import type { Output } from '../output.js'

/**
 * `cryptochat id`: print (creating on first use) this user's identity fingerprint. Reads
 * only the public key, so it never asks for a passphrase (except to create an identity
 * in a directory that has one).
 */
export async function idCommand (opts: CommonOptions, output: Output): Promise<void> {
  const identity = readPublicIdentity(resolveDataDir(opts.dataDir)) ?? (await openContext(opts, output)).identity
  if (opts.json === true) {
    output.json({ fingerprint: identity.fingerprint, publicKey: bytesToHex(identity.publicKey) })
  } else {
    output.out(identity.fingerprint)
  }
}
