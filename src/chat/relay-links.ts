import { EventEmitter } from 'node:events'
import { logger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { KEEP_ALIVE } from '@libp2p/interface'
import { RELAY_RECONNECT_MAX_MS, RELAY_RECONNECT_MIN_MS } from '../constants.js'
import { RELAY_AGENT_NO_HUB, type ChatNode } from '../net/index.js'
import { RelayUnreachableError } from './errors.js'

const log = logger('cryptochat:relays')

/** A relay connection went up or down. */
export interface RelayEvent {
  peerId: string
  up: boolean
}

/** The peer id at the end of a relay multiaddr. */
export function relayPeerId (addr: string): string {
  const id = multiaddr(addr).getComponents().findLast((c) => c.name === 'p2p')?.value
  if (id == null) throw new RelayUnreachableError(`relay address ${addr} has no peer id`)
  return id
}

/**
 * The client's links to its rooms' relays: dials them all, keeps them connected (redials
 * a lost relay forever, with exponential backoff and jitter, so a relay restart needs no
 * user action), and knows which relays run a chat hub.
 */
export class RelayLinks extends EventEmitter<{ relay: [RelayEvent] }> {
  /** Relay peer ids; shared with gossipsub's scoring, which boosts them. */
  readonly ids = new Set<string>()
  private readonly addrs = new Map<string, Set<string>>()
  private readonly agents = new Map<string, string>()
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>()
  private node?: ChatNode
  private stopped = false

  /** Start following `node`'s connections. */
  attach (node: ChatNode): void {
    this.node = node
    node.addEventListener('peer:connect', (evt) => {
      const id = evt.detail.toString()
      if (!this.ids.has(id)) return
      this.cancelRetry(id)
      this.emit('relay', { peerId: id, up: true })
    })
    node.addEventListener('peer:disconnect', (evt) => {
      const id = evt.detail.toString()
      if (!this.ids.has(id)) return
      this.emit('relay', { peerId: id, up: false })
      this.scheduleRetry(id)
    })
    node.addEventListener('peer:identify', (evt) => {
      const id = evt.detail.peerId.toString()
      if (this.ids.has(id) && evt.detail.agentVersion != null) this.agents.set(id, evt.detail.agentVersion)
    })
  }

  /** Whether relay `id` is connected now. */
  isUp (id: string): boolean {
    return this.node != null && this.node.getConnections(peerIdFromString(id)).length > 0
  }

  /** Whether relay `id` forwards rooms' chat (false once it said it runs `--no-hub`). */
  offersHub (id: string): boolean {
    return this.agents.get(id) !== RELAY_AGENT_NO_HUB
  }

  private async dial (id: string, signal?: AbortSignal): Promise<void> {
    const node = this.node
    if (node == null || this.stopped) return
    const addrs = [...(this.addrs.get(id) ?? [])].map((a) => multiaddr(a))
    await node.dial(addrs, { ...(signal != null ? { signal } : {}) })
  }

  /** Dial every relay of a room; resolves when at least one is connected. */
  async connect (relays: string[], signal: AbortSignal): Promise<string[]> {
    const node = this.node
    if (node == null) throw new RelayUnreachableError('client is not started')
    const failures: string[] = []
    const ids = relays.map(relayPeerId)
    const attempts = relays.map(async (addr, i) => {
      const id = ids[i] as string
      this.ids.add(id)
      const known = this.addrs.get(id) ?? new Set<string>()
      known.add(addr)
      this.addrs.set(id, known)
      // Keep-alive: libp2p also redials a tagged peer when its connection drops.
      await node.peerStore.merge(peerIdFromString(id), { multiaddrs: [multiaddr(addr)], tags: { [KEEP_ALIVE]: { value: 1 } } })
      try {
        await this.dial(id, signal)
      } catch (err: any) {
        failures.push(`${addr}: ${err?.message ?? err}`)
        log('relay %s unreachable: %s', addr, err?.message)
        // A relay that is down now (or listed first but dead) is retried in the background.
        this.scheduleRetry(id)
        throw err
      }
    })
    try {
      await Promise.any(attempts)
    } catch {
      throw new RelayUnreachableError(`could not reach any relay of this room (${failures.join('; ')})`)
    }
    return ids
  }

  private scheduleRetry (id: string): void {
    if (this.stopped || this.retries.has(id) || this.isUp(id)) return
    const run = (n: number): void => {
      const delay = Math.min(RELAY_RECONNECT_MAX_MS, RELAY_RECONNECT_MIN_MS * 2 ** n)
      const timer = setTimeout(() => {
        if (this.stopped || this.isUp(id)) { this.retries.delete(id); return }
        this.dial(id).then(() => { this.retries.delete(id) }, () => { run(n + 1) })
      }, delay * (0.75 + Math.random() / 2))
      timer.unref?.()
      this.retries.set(id, timer)
    }
    run(0)
  }

  private cancelRetry (id: string): void {
    const timer = this.retries.get(id)
    if (timer != null) clearTimeout(timer)
    this.retries.delete(id)
  }

  stop (): void {
    this.stopped = true
    for (const id of [...this.retries.keys()]) this.cancelRetry(id)
  }
}
