import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EventEmitter } from 'node:events'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { createRelay, type Relay, type RelayConfigInput } from '../../relay-node/index.js'
import { loadOrCreateIdentity, type Identity } from '../../src/identity/index.js'
import { createRoomStore, type RoomStore } from '../../src/room/index.js'
import { createChatClient, type ChatClient, type RoomSession } from '../../src/chat/index.js'

/** A fresh private temp directory; remove with {@link removeDir}. */
export function tempDir (prefix = 'cryptochat-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function removeDir (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** Temp directories named `<prefix><name>-…`, made as a test needs them, removed together. */
export function tempDirs (prefix: string): { make: (name: string) => string, removeAll: () => void } {
  const made: string[] = []
  return {
    make: (name) => {
      const d = tempDir(`${prefix}${name}-`)
      made.push(d)
      return d
    },
    removeAll: () => { for (const d of made.splice(0)) removeDir(d) }
  }
}

/** An in-process relay on loopback with an ephemeral port; its loopback address for invites. */
export async function startTestRelay (config: RelayConfigInput = {}, privateKey?: PrivateKey): Promise<{ relay: Relay, addr: string, privateKey: PrivateKey }> {
  const key = privateKey ?? await generateKeyPair('Ed25519')
  const relay = await createRelay({
    privateKey: key,
    config: { listen: ['/ip4/127.0.0.1/tcp/0'], ...config }
  })
  const addr = relay.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/'))
  if (addr == null) throw new Error('relay has no loopback address')
  return { relay, addr, privateKey: key }
}

/** A user on this machine: data directory, identity and room store. */
export interface TestUser {
  name: string
  dataDir: string
  identity: Identity
  rooms: RoomStore
}

export function makeUser (name: string, dataDir = tempDir(`cryptochat-${name}-`)): TestUser {
  const { identity } = loadOrCreateIdentity(dataDir)
  return { name, dataDir, identity, rooms: createRoomStore(dataDir) }
}

/**
 * Start a chat client for `user` and join room `roomId` (already in the user's rooms).
 * A client whose join fails is stopped before the error is passed on.
 */
export async function joinAs (user: TestUser, roomId: string, nick = user.name): Promise<{ client: ChatClient, session: RoomSession }> {
  const client = createChatClient({ identity: user.identity, rooms: user.rooms, nick })
  await client.start()
  try {
    return { client, session: await client.joinRoom(user.rooms.require(roomId)) }
  } catch (err) {
    await client.stop()
    throw err
  }
}

/** Resolve when `condition()` holds, checking every 20 ms; reject after `timeoutMs`. */
export async function waitFor (condition: () => boolean, timeoutMs = 10_000, what: string | (() => string) = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Collect every emission of `event` into an array (for later assertions). */
export function collect<T> (emitter: EventEmitter<any>, event: string): T[] {
  const items: T[] = []
  emitter.on(event, (item: T) => items.push(item))
  return items
}
