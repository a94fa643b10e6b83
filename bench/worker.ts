/**
 * One member of a benchmark room, in its own process (the separate-process layout).
 * Driven by the parent over IPC: set up, link, publish on command, report every delivery
 * with an absolute timestamp (processes on one machine share the clock).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { createChatNode, type ChatNode } from '../src/net/index.js'
import { createChatClient, type ChatClient, type RoomSession } from '../src/chat/index.js'
import { loadOrCreateIdentity } from '../src/identity/index.js'
import { createRoomStore } from '../src/room/index.js'
import { body, idOf } from './variants.js'
import { connectToHub } from './tcp.js'

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

const now = (): number => performance.timeOrigin + performance.now()
const send = (msg: unknown): void => { process.send?.(msg) }

let publish: (id: number) => Promise<void> = async () => {}
let linked: () => boolean = () => true
let stop: () => Promise<void> = async () => {}

async function setup (init: WorkerInit): Promise<string[]> {
  const deliver = (id: number): void => { send({ t: 'd', id, at: now() }) }
  if (init.variant === 'A') {
    const s = await connectToHub(init.hubPort as number, (line) => { deliver(idOf(line)) })
    publish = async (id) => { s.write(body(id) + '\n') }
    stop = async () => { s.destroy() }
    return []
  }
  if (init.variant === 'B') {
    const topic = init.topic as string
    const node: ChatNode = await createChatNode({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    const decoder = new TextDecoder()
    const encoder = new TextEncoder()
    node.services.pubsub.addEventListener('message', (evt) => { if (evt.detail.topic === topic) deliver(idOf(decoder.decode(evt.detail.data))) })
    await node.dial(multiaddr(init.relayAddr as string))
    node.services.pubsub.subscribe(topic)
    publish = async (id) => { await node.services.pubsub.publish(topic, encoder.encode(body(id))) }
    linked = () => node.services.pubsub.getSubscribers(topic).length >= init.n
    stop = async () => { await node.stop() }
    process.on('message', (msg: any) => {
      if (msg?.t === 'peers') {
        // Link to the members after us, as CryptoChat members on one machine link.
        void Promise.all((msg.addrs as string[][]).map(async (addrs) => await node.dial(addrs.map((a) => multiaddr(a))).catch(() => {})))
      }
    })
    return node.getMultiaddrs().map((a) => a.toString())
  }
  const dataDir = init.dataDir as string
  const rooms = createRoomStore(dataDir)
  const client: ChatClient = createChatClient({
    identity: loadOrCreateIdentity(dataDir).identity,
    rooms,
    nick: `m${init.index}`,
    ...(init.variant === 'D' ? { listen: ['/p2p-circuit'] } : {})
  })
  await client.start()
  const session: RoomSession = await client.joinRoom(rooms.require(init.roomId as string))
  session.on('message', (m) => { if (!m.self) deliver(idOf(m.text)) })
  publish = async (id) => { await session.send(body(id)) }
  linked = () => session.members().length === init.n && client.node.services.pubsub.getSubscribers(session.topic).length >= Math.min(init.n, 7)
  stop = async () => { await client.stop() }
  return []
}

process.on('message', (msg: any) => {
  void (async () => {
    switch (msg?.t) {
      case 'init': send({ t: 'ready', addrs: await setup(msg.init as WorkerInit) }); break
      case 'linked?': {
        const deadline = Date.now() + 60_000
        while (!linked() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))
        send({ t: 'linked', ok: linked() })
        break
      }
      case 'cpu': send({ t: 'cpu', us: (({ user, system }) => user + system)(process.cpuUsage()) }); break
      case 'p': {
        const at = now()
        send({ t: 's', id: msg.id, at })
        await publish(msg.id as number).catch(() => {})
        break
      }
      case 'stop': await stop(); send({ t: 'stopped' }); process.exit(0)
    }
  })().catch((err) => { send({ t: 'error', message: String(err?.message ?? err) }) })
})
