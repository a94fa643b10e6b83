import { logger } from '@libp2p/logger'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { KEEP_ALIVE } from '@libp2p/interface'
import { MAX_ANNOUNCED_ADDRS } from '../constants.js'
import type { ChatNode } from '../net/index.js'
import type { PeerInfoEvent } from './events.js'

const log = logger('cryptochat:members')

/** Tag on member peers, so the connection manager keeps them over strangers. */
const MEMBER_TAG = 'cryptochat-member'

/**
 * Links to the other members' nodes, learnt from their (sealed) announcements: dial them
 * directly where we can, through a relay's circuit where we cannot, and keep them:
 * tagged keep-alive, so a dropped link (a relayed connection reaching its limit, say) is
 * re-established by libp2p. DCUtR upgrades relayed links to direct ones where possible.
 */
export class MemberLinks {
  /** fingerprint -> transport peer id, per room */
  private readonly byMember = new Map<string, string>()
  private readonly node: ChatNode

  constructor (node: ChatNode) {
    this.node = node
  }

  /** Whether `peerId` is a known member's node. */
  isMember (peerId: string): boolean {
    for (const id of this.byMember.values()) if (id === peerId) return true
    return false
  }

  /** Connect to a member's node (idempotent; failures are logged, the next announcement retries). */
  connect (info: PeerInfoEvent): void {
    if (info.peerId === this.node.peerId.toString()) return
    let peerId
    const addrs: Multiaddr[] = []
    try {
      peerId = peerIdFromString(info.peerId)
      for (const a of info.addrs.slice(0, MAX_ANNOUNCED_ADDRS)) {
        try { addrs.push(multiaddr(a)) } catch {}
      }
    } catch {
      log('ignoring a malformed peer id from %s', info.fingerprint)
      return
    }
    this.byMember.set(`${info.roomId}/${info.fingerprint}`, info.peerId)
    void (async () => {
      await this.node.peerStore.merge(peerId, {
        multiaddrs: addrs,
        tags: { [KEEP_ALIVE]: { value: 1 }, [MEMBER_TAG]: { value: 50 } }
      })
      if (this.node.getConnections(peerId).length > 0) return
      await this.node.dial(peerId)
      log('connected to member %s', info.fingerprint.slice(0, 8))
    })().catch((err: any) => { log('could not reach member %s: %s', info.fingerprint.slice(0, 8), err?.message) })
  }

  /** A member left (or is gone): stop keeping its link alive, unless another room needs it. */
  forget (roomId: string, fingerprint: string): void {
    const key = `${roomId}/${fingerprint}`
    const peerId = this.byMember.get(key)
    this.byMember.delete(key)
    if (peerId == null || this.isMember(peerId)) return
    this.node.peerStore.merge(peerIdFromString(peerId), { tags: { [KEEP_ALIVE]: undefined, [MEMBER_TAG]: undefined } })
      .catch(() => {})
  }
}
