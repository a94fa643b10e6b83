/**
 * One member of a benchmark room, in its own process (the separate-process layout).
 * Driven by the parent over IPC: set up, link, publish on command, report every delivery
 * with an absolute timestamp (processes on one machine share the clock). Modules are
 * loaded for the variant only: a floor (A) member need not load libp2p to start.
 */
import { body, framedBody, idOf, idOfFramed } from './message.js'
import { now } from './load.js'

/** Setup sent by the parent. */
export interface WorkerInit {
  variant: 'A' | 'B' | 'C' | 'D'
  index: number
  n: number
  /** A: the TCP hub's port; B, C, D: the relay's address. */
  hubPort?: number
  relayAddr?: string
  /** B: the gossipsub topic. */
  topic?: string
  /** C, D: the member's data directory (room already accepted) and the room id. */
  dataDir?: string
  roomId?: string
}

const send = (msg: unknown): void => { process.send?.(msg) }
const deliver = (id: number): void => { send({ t: 'd', id, at: now() }) }

// What the current room's member does; reset when it stops (the process serves room after room).
let publish: (id: number) => Promise<void> = async () => {}
let linked: () => boolean = () => true
let linkTo: (addrs: string[][]) => void = () => {}
let stop: () => Promise<void> = async () => {}

function reset (): void {
  publish = async () => {}
  linked = () => true
  linkTo = () => {}
  stop = async () => {}
}

/** Load a variant's modules ahead of its setup (so that timed joins do not include it). */
async function load (variant: WorkerInit['variant']): Promise<void> {
  if (variant === 'A') await import('./tcp.js')
  else if (variant === 'B') await Promise.all([import('@multiformats/multiaddr'), import('../src/net/index.js')])
  else await Promise.all([import('../src/chat/index.js'), import('../src/identity/index.js'), import('../src/room/index.js')])
}

async function floorMember (init: WorkerInit): Promise<string[]> {
  const { connectToHub } = await import('./tcp.js')
  const s = await connectToHub(init.hubPort as number, (line) => { deliver(idOf(line)) })
  publish = async (id) => { s.write(body(id) + '\n') }
  stop = async () => { s.destroy() }
  return []
}

async function gossipMember (init: WorkerInit): Promise<string[]> {
  const { multiaddr } = await import('@multiformats/multiaddr')
  const { createChatNode } = await import('../src/net/index.js')
  const topic = init.topic as string
  const node = await createChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  const decoder = new TextDecoder()
  const encoder = new TextEncoder()
  node.services.pubsub.addEventListener('message', (evt) => { if (evt.detail.topic === topic) deliver(idOfFramed(evt.detail.data)) })
  await node.dial(multiaddr(init.relayAddr as string))
  node.services.pubsub.subscribe(topic)
  publish = async (id) => { await node.services.pubsub.publish(topic, framedBody(id)) }
  linked = () => node.services.pubsub.getSubscribers(topic).length >= init.n
  stop = async () => { await node.stop() }
  // Link to the members after us, as CryptoChat members on one machine link.
  linkTo = (peers) => { void Promise.all(peers.map(async (addrs) => await node.dial(addrs.map((a) => multiaddr(a))).catch(() => {}))) }
  return node.getMultiaddrs().map((a) => a.toString())
}

async function chatMember (init: WorkerInit): Promise<string[]> {
  const { createChatClient } = await import('../src/chat/index.js')
  const { loadOrCreateIdentity } = await import('../src/identity/index.js')
  const { createRoomStore } = await import('../src/room/index.js')
  const dataDir = init.dataDir as string
  const rooms = createRoomStore(dataDir)
  const client = createChatClient({
    identity: loadOrCreateIdentity(dataDir).identity,
    rooms,
    nick: `m${init.index}`,
    ...(init.variant === 'D' ? { listen: ['/p2p-circuit'] } : {})
  })
  await client.start()
  const session = await client.joinRoom(rooms.require(init.roomId as string))
  session.on('message', (m) => { if (!m.self) deliver(idOf(m.text)) })
  publish = async (id) => { await session.send(body(id)) }
  linked = () => session.members().length === init.n && client.node.services.pubsub.getSubscribers(session.topic).length >= Math.min(init.n, 7)
  stop = async () => { await client.stop() }
  return []
}

async function setup (init: WorkerInit): Promise<string[]> {
  switch (init.variant) {
    case 'A': return await floorMember(init)
    case 'B': return await gossipMember(init)
    default: return await chatMember(init)
  }
}

// The benchmark is gone (finished or crashed): so is its member.
process.on('disconnect', () => { process.exit(0) })
// An error nothing awaited (a library timer after its client stopped): the parent records
// it; the member stays up rather than take its room down with it.
const reportUncaught = (err: any): void => { send({ t: 'uncaught', message: String(err?.stack ?? err) }) }
process.on('uncaughtException', reportUncaught)
process.on('unhandledRejection', reportUncaught)

process.on('message', (msg: any) => {
  void (async () => {
    switch (msg?.t) {
      case 'init':
        try {
          send({ t: 'ready', addrs: await setup(msg.init as WorkerInit) })
        } catch (err: any) {
          send({ t: 'ready', error: String(err?.message ?? err) })
        }
        break
      case 'load': await load(msg.variant); send({ t: 'loaded' }); break
      case 'linked?': {
        const deadline = Date.now() + (typeof msg.timeoutMs === 'number' ? msg.timeoutMs : 60_000)
        while (!linked() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))
        send({ t: 'linked', ok: linked() })
        break
      }
      case 'cpu': send({ t: 'cpu', us: (({ user, system }) => user + system)(process.cpuUsage()) }); break
      case 'p': {
        send({ t: 's', id: msg.id, at: now() })
        await publish(msg.id as number).catch(() => {})
        break
      }
      case 'peers': linkTo(msg.addrs as string[][]); break
      case 'stop': await stop().catch(() => {}); reset(); send({ t: 'stopped' }); break
    }
  })().catch((err) => { send({ t: 'error', message: String(err?.message ?? err) }) })
})
