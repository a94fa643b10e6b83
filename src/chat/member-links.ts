import { EventEmitter } from 'node:events'
import { logger } from '@libp2p/logger'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { MAX_ANNOUNCED_ADDRS, MEMBER_DIAL_FALLBACK_MS, MEMBER_REDIAL_MAX_MS } from '../constants.js'
import type { ChatNode } from '../net/index.js'
import type { PeerInfoEvent } from './events.js'

const log = logger('cryptochat:members')

/** Peer ids kept parsed (members' nodes; cleared when full). */
const MAX_CACHED_PEER_IDS = 1024

/** Tag on member peers, so the connection manager keeps them over strangers. */
const MEMBER_TAG = 'cryptochat-member'

/**
 * Links to the other members' nodes, learnt from their (sealed) announcements: dial them
 * directly where we can, through a relay's circuit where we cannot, and keep the link up
 * (a relayed connection reaching the relay's limits, a network blip: redialled at once,
 * then with backoff). DCUtR upgrades relayed links to direct ones where it can.
 *
 * Only one side of a pair dials (the smaller peer id; the other only if no link appears
 * within MEMBER_DIAL_FALLBACK_MS): two crossing dials make two connections, and when one
 * of them closes gossipsub loses its stream to a peer that still looks connected.
 */
export class MemberLinks extends EventEmitter<{ linked: [{ roomId: string, peerId: string }] }> {
  /** `${roomId}/${fingerprint}` -> transport peer id */
  private readonly byMember = new Map<string, string>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly node: ChatNode
  private readonly dial: boolean
  private readonly parsed = new Map<string, PeerId>()
  private stopped = false

  /** `dial` false: only remember members (sync dials them on demand), keep no links. */
  constructor (node: ChatNode, dial = true) {
    super()
    this.node = node
    this.dial = dial
    node.addEventListener('peer:disconnect', (evt) => {
      const id = evt.detail.toString()
      if (this.isMember(id) && this.dial) this.keep(evt.detail, 0)
    })
    // A link to a member came up: each room it shares with us may have news to fetch.
    node.addEventListener('connection:open', (evt) => {
      const id = evt.detail.remotePeer.toString()
      for (const roomId of this.roomsOf(id)) this.emit('linked', { roomId, peerId: id })
    })
  }

  /** Rooms in which `peerId` is a member's node. */
  roomsOf (peerId: string): string[] {
    const rooms = new Set<string>()
    for (const [key, id] of this.byMember) if (id === peerId) rooms.add(key.slice(0, key.indexOf('/')))
    return [...rooms]
  }

  /** Members' nodes of a room that we are connected to now. */
  connectedIn (roomId: string): string[] {
    const out = new Set<string>()
    for (const [key, id] of this.byMember) {
      if (key.startsWith(`${roomId}/`) && this.node.getConnections(this.peerIdOf(id)).length > 0) out.add(id)
    }
    return [...out]
  }

  /** Parsed peer ids, kept: the outbox asks who is connected several times a second. */
  private peerIdOf (id: string): PeerId {
    let peerId = this.parsed.get(id)
    if (peerId == null) {
      if (this.parsed.size >= MAX_CACHED_PEER_IDS) this.parsed.clear()
      peerId = peerIdFromString(id)
      this.parsed.set(id, peerId)
    }
    return peerId
  }

  /** Members' nodes of a room, connected or not. */
  knownIn (roomId: string): string[] {
    const out = new Set<string>()
    for (const [key, id] of this.byMember) if (key.startsWith(`${roomId}/`)) out.add(id)
    return [...out]
  }

  /** Whether `peerId` is a known member's node. */
  isMember (peerId: string): boolean {
    for (const id of this.byMember.values()) if (id === peerId) return true
    return false
  }

  private connected (peerId: PeerId): boolean {
    return this.node.getConnections(peerId).length > 0
  }

  /** We dial first when our peer id sorts first; otherwise only as a fallback. */
  private dialsFirst (peerId: PeerId): boolean {
    return this.node.peerId.toString() < peerId.toString()
  }

  /**
   * Keep a link to `peerId` up: dial now (if we dial first) or after the fallback delay,
   * and again with exponential backoff while it stays down and the peer is a member.
   */
  private keep (peerId: PeerId, attempt: number): void {
    const id = peerId.toString()
    if (this.stopped || this.timers.has(id)) return
    const delay = attempt === 0 && this.dialsFirst(peerId)
      ? 0
      : Math.min(MEMBER_REDIAL_MAX_MS, MEMBER_DIAL_FALLBACK_MS * 2 ** Math.max(0, attempt - 1))
    const timer = setTimeout(() => {
      this.timers.delete(id)
      if (this.stopped || !this.isMember(id) || this.connected(peerId)) return
      this.node.dial(peerId).then(
        () => { log('linked to member %s', id) },
        (err: any) => {
          log('could not reach member %s: %s', id, err?.message)
          this.keep(peerId, attempt + 1)
        })
    }, delay)
    timer.unref?.()
    this.timers.set(id, timer)
  }

  /** A member announced how to reach it: remember its addresses and link to it. */
  connect (info: PeerInfoEvent): void {
    if (info.peerId === this.node.peerId.toString()) return
    let peerId: PeerId
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
    const key = `${info.roomId}/${info.fingerprint}`
    const known = this.byMember.get(key) === info.peerId
    this.byMember.set(key, info.peerId)
    // Already linked (it dialled us first, say): that counts as the link coming up.
    if (!known && this.connected(peerId)) this.emit('linked', { roomId: info.roomId, peerId: info.peerId })
    this.node.peerStore.merge(peerId, { multiaddrs: addrs, tags: { [MEMBER_TAG]: { value: 50 } } })
      .then(() => { if (!this.connected(peerId) && this.dial) this.keep(peerId, 0) })
      .catch((err: any) => { log('could not store member addresses: %s', err?.message) })
  }

  /** A member left (or is gone): stop keeping its link, unless another room needs it. */
  forget (roomId: string, fingerprint: string): void {
    const key = `${roomId}/${fingerprint}`
    const peerId = this.byMember.get(key)
    this.byMember.delete(key)
    if (peerId == null || this.isMember(peerId)) return
    const timer = this.timers.get(peerId)
    if (timer != null) clearTimeout(timer)
    this.timers.delete(peerId)
    this.node.peerStore.merge(peerIdFromString(peerId), { tags: { [MEMBER_TAG]: undefined } }).catch(() => {})
  }

  stop (): void {
    this.stopped = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}
