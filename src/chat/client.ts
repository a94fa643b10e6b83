import { EventEmitter } from 'node:events'
import { logger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { KEEP_ALIVE } from '@libp2p/interface'
import { JOIN_TIMEOUT_MS } from '../constants.js'
import type { Identity } from '../identity/index.js'
import { createChatNode, meshPeers, type ChatNode } from '../net/index.js'
import { MessageKind } from '../protocol/index.js'
import type { RoomRecord, RoomStore } from '../room/index.js'
import { ClientStateError, JoinTimeoutError, RelayUnreachableError } from './errors.js'
import { RoomSession } from './room-session.js'

const log = logger('cryptochat:client')

/** Options of {@link createChatClient}. */
export interface ChatClientInit {
  identity: Identity
  rooms: RoomStore
  /** Nick announced in rooms. */
  nick: string
  /** Transport addresses to listen on (default none: the client only dials out). */
  listen?: string[]
  /** How long {@link ChatClient.joinRoom} waits for a relay and the room's mesh. */
  joinTimeoutMs?: number
}

/** A relay connection went up or down. */
export interface RelayEvent {
  peerId: string
  up: boolean
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

function relayPeerId (addr: string): string {
  const id = multiaddr(addr).getComponents().findLast((c) => c.name === 'p2p')?.value
  if (id == null) throw new RelayUnreachableError(`relay address ${addr} has no peer id`)
  return id
}

class DefaultChatClient extends EventEmitter<ClientEvents> implements ChatClient {
  private _node?: ChatNode
  private readonly init: ChatClientInit
  private readonly relayIds = new Set<string>()
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
    this._node = await createChatNode({
      listen: this.init.listen ?? [],
      gossip: { relayPeerIds: this.relayIds }
    })
    this._node.addEventListener('peer:connect', (evt) => {
      const id = evt.detail.toString()
      if (this.relayIds.has(id)) this.emit('relay', { peerId: id, up: true })
    })
    this._node.addEventListener('peer:disconnect', (evt) => {
      const id = evt.detail.toString()
      if (this.relayIds.has(id)) this.emit('relay', { peerId: id, up: false })
    })
  }

  rooms (): RoomSession[] {
    return [...this.sessions.values()]
  }

  roomStatus (roomId: string): RoomStatus | undefined {
    const session = this.sessions.get(roomId)
    if (session == null || this._node == null) return undefined
    const node = this._node
    const relayIds = new Set(session.relays.map(relayPeerId))
    const connected = (id: string): boolean => node.getConnections(peerIdFromString(id)).length > 0
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

  /** Dial every relay of the room; resolve when at least one is connected. */
  private async connectRelays (relays: string[], signal: AbortSignal): Promise<string[]> {
    const node = this.node
    const failures: string[] = []
    const attempts = relays.map(async (addr) => {
      const id = relayPeerId(addr)
      this.relayIds.add(id)
      // Keep-alive: libp2p redials a tagged peer when its connection drops.
      await node.peerStore.merge(peerIdFromString(id), {
        multiaddrs: [multiaddr(addr)],
        tags: { [KEEP_ALIVE]: { value: 1 } }
      })
      try {
        await node.dial(multiaddr(addr), { signal })
        return id
      } catch (err: any) {
        failures.push(`${addr}: ${err?.message ?? err}`)
        log('relay %s unreachable: %s', addr, err?.message)
        throw err
      }
    })
    try {
      await Promise.any(attempts)
    } catch {
      throw new RelayUnreachableError(`could not reach any relay of this room (${failures.join('; ')})`)
    }
    return relays.map(relayPeerId)
  }

  /** Resolve once one of `relayIds` is in our mesh for `topic`. */
  private async waitForMesh (topic: string, relayIds: string[], signal: AbortSignal): Promise<void> {
    const pubsub = this.node.services.pubsub
    // Ready means a publish now reaches the relay: it is in our mesh for the topic (it
    // will forward to us) and we know it subscribes to the topic (we will send to it).
    const subscribed = (): Set<string> => new Set(pubsub.getSubscribers(topic).map((p) => p.toString()))
    const inMesh = (): boolean => {
      const subs = subscribed()
      return meshPeers(pubsub, topic).some((p) => relayIds.includes(p) && subs.has(p))
    }
    if (inMesh()) return
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!inMesh()) return
        cleanup()
        resolve()
      }
      const onAbort = (): void => {
        cleanup()
        reject(new JoinTimeoutError('connected to the relay, but it did not join the room in time (its hub may be off, or full)'))
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
    return session
  }

  /** Connect to the room's relays, subscribe, and wait until the room is ready. */
  private async openSession (room: RoomRecord): Promise<RoomSession> {
    const session = new RoomSession({
      room,
      identity: this.init.identity,
      rooms: this.init.rooms,
      pubsub: this.node.services.pubsub,
      nick: this.init.nick
    })
    const signal = AbortSignal.timeout(this.init.joinTimeoutMs ?? JOIN_TIMEOUT_MS)
    const relayIds = await this.connectRelays(room.relays, signal)
    session.subscribe()
    try {
      await this.waitForMesh(session.topic, relayIds, signal)
    } catch (err) {
      session.unsubscribe()
      throw err
    }
    return session
  }

  async leaveRoom (roomId: string): Promise<void> {
    const session = this.sessions.get(roomId)
    if (session == null) return
    this.sessions.delete(roomId)
    try {
      await session.send('', MessageKind.LEAVE)
    } catch (err: any) {
      log('could not announce leave: %s', err.message)
    }
    session.unsubscribe()
    await this.releases.get(roomId)?.().catch(() => {})
    this.releases.delete(roomId)
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const id of [...this.sessions.keys()]) await this.leaveRoom(id)
    await this._node?.stop()
  }
}

/** Create a chat client; call `start()` then `joinRoom()`. */
export function createChatClient (init: ChatClientInit): ChatClient {
  return new DefaultChatClient(init)
}
