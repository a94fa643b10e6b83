import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { MAX_MULTIADDR_CHARS } from '../constants.js'

/** A relay address that is not a multiaddr ending in `/p2p/<peer id>`. */
export class InvalidRelayAddressError extends Error {
  override readonly name: string = 'InvalidRelayAddressError'
  constructor (readonly address: string, reason: string) {
    super(`'${address.slice(0, 80)}' is not a usable relay address: ${reason}. Use the full address the relay prints, e.g. /ip4/203.0.113.7/tcp/4001/p2p/12D3KooW...`)
  }
}

/**
 * Check that `address` is a multiaddr ending in `/p2p/<peer id>` (so the relay is
 * authenticated by its key, not only by its IP) and return its canonical string.
 */
export function parseRelayAddress (address: string): string {
  if (address.length === 0) throw new InvalidRelayAddressError(address, 'it is empty')
  if (address.length > MAX_MULTIADDR_CHARS) throw new InvalidRelayAddressError(address, 'it is too long')
  let components
  try {
    components = multiaddr(address).getComponents()
  } catch {
    throw new InvalidRelayAddressError(address, 'it is not a multiaddr')
  }
  const last = components[components.length - 1]
  if (last?.name !== 'p2p' || last.value == null) throw new InvalidRelayAddressError(address, 'it does not end in /p2p/<peer id>')
  if (components.some((c) => c.name === 'p2p-circuit')) throw new InvalidRelayAddressError(address, 'it is a circuit address, not a relay')
  try {
    peerIdFromString(last.value)
  } catch {
    throw new InvalidRelayAddressError(address, 'its peer id is not valid')
  }
  return multiaddr(address).toString()
}
