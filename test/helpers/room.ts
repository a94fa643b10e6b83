import { createRoom, issueInvite, acceptInvite, type ChatClient, type ChatMessageEvent, type RoomSession } from '../../src/chat/index.js'
import { bytesToHex } from '../../src/crypto/index.js'
import type { Relay, RelayConfigInput } from '../../relay-node/index.js'
import type { RoomRecord } from '../../src/room/index.js'
import { startTestRelay, makeUser, joinAs, removeDir, waitFor, collect, type TestUser } from './index.js'

/** A room of named users on one in-process relay; each user's latest client and session. */
export class TestRoom {
  relay!: Relay
  room!: RoomRecord
  readonly users = new Map<string, TestUser>()
  readonly clients = new Map<string, ChatClient>()
  readonly sessions = new Map<string, RoomSession>()
  readonly inboxes = new Map<string, ChatMessageEvent[]>()
  /** Each user's invite ticket (grant and invite key seed) as accepted, before its client dropped the seed. */
  readonly tickets = new Map<string, { grant: string, signature: string, inviteSeed: string }>()
  private readonly all: ChatClient[] = []

  async start (owner: string, others: string[], relayConfig: RelayConfigInput = {}): Promise<void> {
    const started = await startTestRelay(relayConfig)
    this.relay = started.relay
    const creator = makeUser(owner)
    this.users.set(owner, creator)
    this.room = createRoom({ name: 'team', relays: [started.addr], identity: creator.identity, rooms: creator.rooms })
    for (const name of others) {
      const user = makeUser(name)
      this.users.set(name, user)
      this.accept(name, issueInvite(this.room, creator.identity).code)
    }
    for (const name of [owner, ...others]) await this.open(name)
    // Everyone is in everyone's log before the test starts.
    for (const s of this.sessions.values()) await waitFor(() => s.roster().length === others.length + 1, 15_000, 'every member in every log')
  }

  /** A user (made if new) accepts an invite code to the room, as `cryptochat join --invite` does before it connects. */
  accept (name: string, code: string, now?: number): TestUser {
    const user = this.users.get(name) ?? makeUser(name)
    this.users.set(name, user)
    const { room } = acceptInvite(code, this.room.roomId, user.rooms, now)
    if (room.grant?.inviteSeed != null) this.tickets.set(name, { grant: room.grant.grant, signature: room.grant.signature, inviteSeed: room.grant.inviteSeed })
    return user
  }

  /**
   * Open the room as a modified client would that signs its own JOIN (or none): the invite
   * key's seed is taken out of the room record first, so the session signs nothing itself.
   */
  async openSilently (name: string): Promise<RoomSession> {
    const user = this.users.get(name)!
    const room = user.rooms.require(this.room.roomId)
    if (room.grant != null) user.rooms.save({ ...room, grant: { grant: room.grant.grant, signature: room.grant.signature } })
    return await this.open(name)
  }

  async open (name: string): Promise<RoomSession> {
    const { client, session } = await joinAs(this.users.get(name)!, this.room.roomId)
    this.all.push(client)
    this.clients.set(name, client)
    this.sessions.set(name, session)
    this.inboxes.set(name, collect<ChatMessageEvent>(session, 'message'))
    return session
  }

  async stopUser (name: string): Promise<void> {
    await this.clients.get(name)!.stop()
  }

  /** The libp2p peer id of a user's running client. */
  peerId (name: string): string {
    return this.clients.get(name)!.node.peerId.toString()
  }

  key (name: string): string {
    return bytesToHex(this.users.get(name)!.identity.publicKey)
  }

  s (name: string): RoomSession {
    return this.sessions.get(name)!
  }

  got (name: string, text: string): boolean {
    return this.inboxes.get(name)!.some((m) => m.text === text)
  }

  async stop (): Promise<void> {
    await Promise.all(this.all.map(async (c) => { await c.stop() }))
    await this.relay?.stop()
    for (const u of this.users.values()) removeDir(u.dataDir)
  }
}

