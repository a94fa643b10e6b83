import { bytesToHex } from '../../crypto/index.js'
import { openContext, type CommonOptions } from '../context.js'
import type { Output } from '../output.js'

/** `cryptochat id`: print (creating on first use) this user's identity fingerprint. */
export function idCommand (opts: CommonOptions, output: Output): void {
  const { identity } = openContext(opts, output)
  if (opts.json === true) {
    output.json({ fingerprint: identity.fingerprint, publicKey: bytesToHex(identity.publicKey) })
  } else {
    output.out(identity.fingerprint)
  }
}
