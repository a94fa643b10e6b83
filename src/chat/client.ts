import { EventEmitter } from 'node:events'
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_CLIENT_LISTEN, JOIN_TIMEOUT_MS, MAX_ANNOUNCED_ADDRS, SHUTDOWN_FLUSH_MS } from '../constants.js'
import type { Identity } from '../identity/index.js'
import { createChatNode, handleSync, meshPeers, requestSync, type ChatNode } from '../net/index.js'
import { MessageKind, requestIdentity, responseIdentity, signResponseIdentity, signSyncRequest, wire, type SyncQuery, type SyncResponse } from '../protocol/index.js'
import type { SigningKeyPair } from '../crypto/index.js'
import type { RoomRecord, RoomStore } from '../room/index.js'
import { ClientStateError, JoinTimeoutError } from './errors.js'
import { MemberLinks } from './member-links.js'
import { RelayLinks, relayPeerId, type RelayEvent } from './relay-links.js'
import { RoomSession } from './room-session.js'

const log = logger('cryptochat:client')

/** Options of {@link createChatClient}. */
export interface ChatClientInit {
  identity: Identity
  rooms: RoomStore
  /** Nick announced in rooms. */
  nick: string
  /** Transport addresses to listen on (default: any interface, and a relay reservation). */
  listen?: string[]
  /** How long {@link ChatClient.joinRoom} waits for a relay and the room's mesh. */
  joinTimeoutMs?: number
  /** Link to other members' nodes (default true); false keeps all traffic on relays. */
  linkMembers?: boolean
}

export type { RelayEvent }

/** A link to another member's node opened or closed. */
export interface PeerEvent {
  peerId: string
  up: boolean
  /** Direct, or through a relay's circuit. */
  direct: boolean
}

/** How a room is connected right now, for a status bar. */
export interface RoomStatus {
  /** Relays of the room we are connected to, and how many it names. */
  relaysUp: number
  relaysTotal: number
  /** Other members in our gossipsub mesh for the room (not counting relays). */
  direct: number
  relayed: number
  /** Whether a relay hub is in our mesh (messages pass through it). */
  viaHub: boolean
}

/** Client-wide events. */
export interface ClientEvents {
  relay: [RelayEvent]
  peer: [PeerEvent]
}

/** The chat client: one libp2p node (fresh transport key per run) and the rooms it is in. */
export interface ChatClient extends EventEmitter<ClientEvents> {
  /** Our transport peer id (not our identity). */
  readonly peerId: string
  readonly node: ChatNode
  start(): Promise<void>
  /** Connect to the room's relays, subscribe, and resolve once the room is ready. */
  joinRoom(room: RoomRecord): Promise<RoomSession>
  /** Announce departure and leave a room. */
  leaveRoom(roomId: string): Promise<void>
  rooms(): RoomSession[]
  /** Connection summary of a joined room. */
  roomStatus(roomId: string): RoomStatus | undefined
  /** Leave every room and stop the node. */
  stop(): Promise<void>
}


class DefaultChatClient extends EventEmitter<ClientEvents> implements ChatClient {
  private _node?: ChatNode
  private readonly init: ChatClientInit
  private readonly relays = new RelayLinks()
  private members?: MemberLinks
  private announceTimer?: ReturnType<typeof setTimeout>
  private readonly sessions = new Map<string, RoomSession>()
  private readonly releases = new Map<string, () => Promise<void>>()
  private stopped = false

  constructor (init: ChatClientInit) {
    super()
    this.init = init
  }

  get node (): ChatNode {
    if (this._node == null) throw new ClientStateError('client is not started')
    return this._node
  }

  get peerId (): string {
    return this.node.peerId.toString()
  }

  async start (): Promise<void> {
    if (this._node != null) return
    // No privateKey: libp2p makes a fresh transport key each run, so relays and peers
    // cannot link this user's sessions; the identity only travels inside ciphertext.
    const node = await createChatNode({
      listen: this.init.listen ?? DEFAULT_CLIENT_LISTEN,
      holePunching: true,
      gossip: { relayPeerIds: this.relays.ids }
    })
    this._node = node
    this.members = new MemberLinks(node, this.init.linkMembers !== false)
    this.members.on('linked', ({ roomId, peerId }) => {
      const session = this.sessions.get(roomId)
      // Pulls the membership log, then sends what waits in the outbox, then catches up.
      session?.catchUpFromMember(peerId)
    })
    // Members (and only holders of a room's secret: every request carries a proof) may
    // ask us for what they missed, and whether we hold what they sent.
    await handleSync(node, (topic, request, remote) => {
      // Any epoch of the room we hold: a member back from an absence proves an older one.
      for (const session of this.sessions.values()) {
        const epoch = session.epochOfTopic(topic)
        if (epoch == null) continue
        // Who asks (their identity, bound to this link), and who answers: us.
        const local = node.peerId.toString()
        const asker = requestIdentity(request, remote, local)
        const frames = session.serveSync(request, epoch, asker)
        const signed = signResponseIdentity(this.init.identity, request, remote, local)
        return (async function * () {
          let first = true
          for await (const frame of frames) {
            yield first ? { ...frame, ...signed } : frame
            first = false
          }
        })()
      }
      return undefined
    })
    this.relays.attach(node)
    this.relays.on('relay', (e) => {
      this.emit('relay', e)
      // Back in touch with a relay (after a cut, or its restart): fetch what its store kept.
      if (!e.up) return
      for (const session of this.sessions.values()) {
        if (session.relays.map(relayPeerId).includes(e.peerId)) session.relayUp(e.peerId)
      }
    })
    const onConnection = (up: boolean) => (evt: CustomEvent<{ remotePeer: { toString(): string }, limits?: unknown }>) => {
      const id = evt.detail.remotePeer.toString()
      if (this.members?.isMember(id) === true) this.emit('peer', { peerId: id, up, direct: evt.detail.limits == null })
    }
    node.addEventListener('connection:open', onConnection(true) as any)
    node.addEventListener('connection:close', onConnection(false) as any)
    // New addresses (a relay reservation, say): tell the rooms, once things settle.
    node.addEventListener('self:peer:update', () => {
      if (this.announceTimer != null) clearTimeout(this.announceTimer)
      this.announceTimer = setTimeout(() => { for (const s of this.sessions.values()) s.announce() }, 300)
      this.announceTimer.unref?.()
    })
  }

  /** How members reach us: our transport peer id and addresses (direct and circuit). */
  private transportInfo (): { peerId: string, addrs: string[] } {
    const node = this.node
    return { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map((a) => a.toString()).slice(0, MAX_ANNOUNCED_ADDRS) }
  }

  rooms (): RoomSession[] {
    return [...this.sessions.values()]
  }

  roomStatus (roomId: string): RoomStatus | undefined {
    const session = this.sessions.get(roomId)
    if (session == null || this._node == null) return undefined
    const node = this._node
    const relayIds = new Set(session.relays.map(relayPeerId))
    const connected = (id: string): boolean => this.relays.isUp(id)
    const mesh = meshPeers(node.services.pubsub, session.topic)
    let direct = 0
    let relayed = 0
    for (const id of mesh) {
      if (relayIds.has(id)) continue
      // A connection with limits is a circuit through a relay; one without is direct.
      if (node.getConnections(peerIdFromString(id)).some((c) => c.limits == null)) direct++
      else relayed++
    }
    return {
      relaysUp: [...relayIds].filter(connected).length,
      relaysTotal: relayIds.size,
      direct,
      relayed,
      viaHub: mesh.some((id) => relayIds.has(id))
    }
  }

  /**
   * Resolve once the room is ready: one of its relays is connected and in our mesh for
   * the room's discovery topic (so our arrival reaches the members) and, when that relay
   * runs a chat hub, for the chat topic too (so a message sent now reaches every member
   * online). Without a hub, chat then flows member to member as links come up.
   */
  private async waitForReady (session: RoomSession, relayIds: string[], signal: AbortSignal): Promise<void> {
    const pubsub = this.node.services.pubsub
    const ready = (topic: string, id: string): boolean =>
      meshPeers(pubsub, topic).includes(id) && pubsub.getSubscribers(topic).some((p) => p.toString() === id)
    const isReady = (): boolean => relayIds.some((id) =>
      this.relays.isUp(id) && ready(session.meetTopic, id) && (!this.relays.offersHub(id) || ready(session.topic, id)))
    if (isReady()) return
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!isReady()) return
        cleanup()
        resolve()
      }
      const onAbort = (): void => {
        cleanup()
        reject(new JoinTimeoutError('connected to the relay, but it did not join the room in time (its hub may be full)'))
      }
      const cleanup = (): void => {
        pubsub.removeEventListener('gossipsub:graft', check)
        pubsub.removeEventListener('gossipsub:heartbeat', check)
        signal.removeEventListener('abort', onAbort)
      }
      pubsub.addEventListener('gossipsub:graft', check)
      pubsub.addEventListener('gossipsub:heartbeat', check)
      signal.addEventListener('abort', onAbort)
    })
  }

  async joinRoom (room: RoomRecord): Promise<RoomSession> {
    if (this.stopped) throw new ClientStateError('client is stopped')
    const existing = this.sessions.get(room.roomId)
    if (existing != null) return existing
    const release = await this.init.rooms.lock(room.roomId, (err) => {
      this.sessions.get(room.roomId)?.emit('warning', { roomId: room.roomId, message: `lost the lock on this room's files: ${err.message}`, code: 'LockLostError' })
    })
    let session: RoomSession
    try {
      session = await this.openSession(room)
    } catch (err) {
      await release()
      throw err
    }
    this.releases.set(room.roomId, release)
    this.sessions.set(room.roomId, session)
    session.startPresence()
    try {
      await session.send('', MessageKind.JOIN)
    } catch (err: any) {
      log('could not announce join: %s', err.message)
    }
    // What waited in the outbox goes out; what relays' stores kept for us comes in. The
    // fetches start once the caller, which gets the session when this resolves, has had
    // the chance to listen (timers run after the microtask that resumes it).
    session.flushOutbox()
    for (const id of session.relays.map(relayPeerId)) if (this.relays.isUp(id)) session.catchUpFromStore(id)
    setTimeout(() => { session.markOpen() }, 0)
    return session
  }

  /** Connect to the room's relays, subscribe, and wait until the room is ready. */
  private async openSession (room: RoomRecord): Promise<RoomSession> {
    const node = this.node
    const relayIds = room.relays.map(relayPeerId)
    const session = new RoomSession({
      room,
      identity: this.init.identity,
      rooms: this.init.rooms,
      pubsub: node.services.pubsub,
      nick: this.init.nick,
      transport: () => this.transportInfo(),
      syncLink: (topicKey) => ({
        peers: () => ({
          members: this.members?.connectedIn(room.roomId) ?? [],
          relays: relayIds.filter((id) => this.relays.isUp(id))
        }),
        request: (peer, query) => this.request(topicKey, peer, query)
      })
    })
    session.on('peerInfo', (info) => { this.members?.connect(info) })
    session.on('member', (m) => { if (m.event === 'leave' || m.event === 'gone') this.members?.forget(m.roomId, m.fingerprint) })
    const signal = AbortSignal.timeout(this.init.joinTimeoutMs ?? JOIN_TIMEOUT_MS)
    try {
      const reachable = await this.relays.connect(room.relays, signal)
      session.subscribe()
      await this.waitForReady(session, reachable, signal)
    } catch (err) {
      await session.close()
      throw err
    }
    return session
  }

  /**
   * A sync request signed with the room's topic key and our identity; each frame's
   * `identity` is the responder's, if its first frame bound one to this link (else empty).
   */
  private async * request (topicKey: SigningKeyPair, peer: string, query: Partial<SyncQuery>): AsyncGenerator<SyncResponse> {
    const node = this.node
    const me = node.peerId.toString()
    const request = signSyncRequest(topicKey, me, peer, query, Date.now(), this.init.identity)
    let identity: Uint8Array | undefined
    let first = true
    for await (const frame of requestSync(node, peer, request)) {
      if (first) identity = responseIdentity(frame, request, me, peer)
      first = false
      yield { ...frame, identity: wire(identity ?? new Uint8Array(0)) }
    }
  }

  async leaveRoom (roomId: string): Promise<void> {
    const session = this.sessions.get(roomId)
    if (session == null) return
    this.sessions.delete(roomId)
    // What we sent just now should reach a store or a member before we go.
    await session.drainOutbox(SHUTDOWN_FLUSH_MS).catch((err: any) => { log('outbox drain: %s', err.message) })
    try {
      await session.send('', MessageKind.LEAVE)
    } catch (err: any) {
      log('could not announce leave: %s', err.message)
    }
    await session.close()
    await this.releases.get(roomId)?.().catch(() => {})
    this.releases.delete(roomId)
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.relays.stop()
    this.members?.stop()
    if (this.announceTimer != null) clearTimeout(this.announceTimer)
    for (const id of [...this.sessions.keys()]) await this.leaveRoom(id)
    await this._node?.stop()
  }
}

/** Create a chat client; call `start()` then `joinRoom()`. */
export function createChatClient (init: ChatClientInit): ChatClient {
  return new DefaultChatClient(init)
}
