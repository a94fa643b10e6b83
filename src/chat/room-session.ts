import { EventEmitter } from 'node:events'
import { logger } from '@libp2p/logger'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { OLD_EPOCH_CHECK_MS, OLD_EPOCH_LISTEN_MS, JOIN_SKEW_MS, MESSAGE_MAX_AGE_MS, MESSAGE_MAX_FUTURE_MS, PRESENCE_INTERVAL_MS, PRESENCE_REPLY_JITTER_MS, PRESENCE_TIMEOUT_MS, REPLAY_FLUSH_MS, SEND_WAIT_FOR_PEERS_MS, SEQ_RESERVE_BLOCK } from '../constants.js'
import { bytesToHex, equalBytes, hexToBytes, type SigningKeyPair } from '../crypto/index.js'
import { fingerprint, type Identity } from '../identity/index.js'
import { RoomHistory, historyEntry, historyKey, sortForDisplay, type HistoryEntry, type Via } from '../history/index.js'
import {
  ControlType, MessageKind, UnknownEpochError, SyncResponse, syncResponse, openControl, type ControlRecord, checkOutgoing, envelopeEpoch, envelopeHash, openMessage, sealMessage, unpackBits,
  wire, type OpenedMessage, type SyncQuery, type SyncRequest
} from '../protocol/index.js'
import type { RoomRecord, RoomState, RoomStore } from '../room/index.js'
import { NotPermittedError, SendError } from './errors.js'
import type { ChatMessageEvent, InviteInfo, Member, MembershipEvent, RoomEvents, RosterEntry } from './events.js'
import { GapTracker } from './gaps.js'
import { messageEventOf } from './history-access.js'
import { MemberList, type PresenceSignal } from './members.js'
import { Outbox } from './outbox.js'
import { RoomSync, type IngestResult, type SyncLink } from './room-sync.js'
import {
  RoomMembership, invitesOf, rosterOf, queuedOps, EpochSet, RoomKeys, membershipChanges, ownStanding, serveLog, logRequest, takeLog,
  findInvite, hasWaitingJoin, type OwnOp, type Epoch, type MembershipState
} from '../membership/index.js'

const log = logger('cryptochat:room')

/** How often an open room looks for operations queued by `cryptochat revoke` and the like. */
const OP_QUEUE_POLL_MS = 1000
/** Our latest membership operations left with relays' stores (each put sends them all). */
const STORE_CONTROL_OPS = 32
/** A live membership operation must be dated within this of our clock. */
const CONTROL_FRESH_MS = 10 * 60_000
/** How long queued operations wait for a first membership log pull after the room opens. */
const QUEUE_WAIT_FOR_LOG_MS = 5000
/** Longest wait for one publish from the outbox before it is tried again. */
const PUBLISH_TIMEOUT_MS = 5000
/** After moving to a new epoch, the outbox tries again at these delays (the new topic's mesh is forming). */
const EPOCH_FLUSH_DELAYS_MS = [250, 1000, 2500]
/** Said when the log commits to another key than the one our invite gave us. */
const ENTRY_MISMATCH = 'the key your invite gave you is not this room\'s (its log commits to another): nothing you write is sent. Ask a member for a new invite.'

/** Options of a {@link RoomSession}. */
export interface RoomSessionInit {
  room: RoomRecord
  identity: Identity
  rooms: RoomStore
  pubsub: GossipSub
  nick: string
  /** How to reach our node, announced with JOIN and PRESENCE (omitted: not announced). */
  transport?: () => { peerId: string, addrs: string[] }
  /** How this room reaches peers for acks, catch-up and repair (bound to the room's topic key). */
  syncLink?: (topicKey: SigningKeyPair) => SyncLink
  /** Clock, for tests. */
  now?: () => number
}

/** A sync link that reaches nobody (a session used without a network sync, e.g. in tests). */
const NO_SYNC: SyncLink = {
  peers: () => ({ members: [], relays: [] }),
  async * request () {}
}

/** History messages: stored, numbered, acknowledged. */
const HISTORY_KINDS = new Set<MessageKind>([MessageKind.TEXT, MessageKind.ACTION])

/** Control messages (who is here, how to reach them) go on the discovery topic. */
const MEET_KINDS = new Set<MessageKind>([MessageKind.JOIN, MessageKind.PRESENCE, MessageKind.LEAVE, MessageKind.NICK])
/** Announcements that carry our transport addresses. */
const ANNOUNCE_KINDS = new Set<MessageKind>([MessageKind.JOIN, MessageKind.PRESENCE])

const KIND_TEXT: Record<string, 'text' | 'action' | undefined> = {
  [MessageKind.TEXT]: 'text',
  [MessageKind.ACTION]: 'action'
}

const SIGNAL: Record<string, PresenceSignal> = {
  [MessageKind.TEXT]: 'speech',
  [MessageKind.ACTION]: 'speech',
  [MessageKind.JOIN]: 'join',
  [MessageKind.LEAVE]: 'leave',
  [MessageKind.PRESENCE]: 'presence',
  [MessageKind.NICK]: 'nick'
}

/**
 * One joined room: seals and publishes our messages, and validates everything that
 * arrives on the room's topic (decode, epoch, AEAD, signature, replay) inside gossipsub's
 * topic validator, so nothing unauthentic is forwarded or reaches the UI.
 */
export class RoomSession extends EventEmitter<RoomEvents> {
  readonly roomId: string
  readonly name: string
  nick: string
  /** The room's local history (and our outbox). */
  readonly history: RoomHistory
  private readonly gaps: GapTracker
  private readonly outbox: Outbox
  private readonly sync: RoomSync
  /** The key epochs we hold, and the one we send in. */
  private readonly epochs: EpochSet
  private current: Epoch
  private readonly makeLink?: (topicKey: SigningKeyPair) => SyncLink
  private readonly links = new Map<number, SyncLink>()
  /** A member's membership log has been pulled at least once this run. */
  private logSynced = false
  /** Our own removal or refusal last told (see tellOwnStanding). */
  private toldOwn?: string
  private readonly openedAt = Date.now()
  /** Our latest CONTROL envelopes (this run), to leave with relays' stores. */
  private readonly controlEnvelopes: Array<{ epoch: number, bytes: Uint8Array }> = []
  /** Epochs whose topics we are subscribed to (old ones lapse: see leaveLapsedEpochs). */
  private readonly listening = new Set<number>()
  private lapseTimer?: ReturnType<typeof setInterval>
  /** Messages of ours wait for the log to confirm our entry key (see mayWriteIn). */
  private entryHeld = false
  private entryWarned?: string
  /** The room's signed membership log. */
  readonly membership: RoomMembership
  private readonly keyWork: RoomKeys
  /** Our next history index. */
  private nextIndex: number
  private opened = false
  private readonly deferred: Array<() => void> = []
  private readonly early: ChatMessageEvent[] = []
  private readonly roomIdBytes: Uint8Array
  private readonly state: RoomState
  private readonly identity: Identity
  private readonly selfHex: string
  private readonly rooms: RoomStore
  private readonly pubsub: GossipSub
  private room: RoomRecord
  private readonly now: () => number
  private readonly transport?: () => { peerId: string, addrs: string[] }
  private readonly memberList = new MemberList()
  private presenceTimer?: ReturnType<typeof setInterval>
  private queueTimer?: ReturnType<typeof setInterval>
  private readonly replyTimers = new Set<ReturnType<typeof setTimeout>>()
  private joined = false
  /** Sequence numbers below this are reserved on disk (see SEQ_RESERVE_BLOCK). */
  private reservedUpTo: bigint
  private replayDirty = false
  private replayTimer?: ReturnType<typeof setTimeout>

  constructor (init: RoomSessionInit) {
    super()
    this.room = init.room
    this.roomId = init.room.roomId
    this.name = init.room.name
    this.nick = init.nick
    this.roomIdBytes = hexToBytes(this.roomId)
    this.transport = init.transport
    this.epochs = new EpochSet(this.roomIdBytes)
    this.current = this.epochs.add(init.room.epoch, init.room.secret) as Epoch
    this.makeLink = init.syncLink
    this.identity = init.identity
    this.selfHex = bytesToHex(init.identity.publicKey)
    this.rooms = init.rooms
    this.pubsub = init.pubsub
    this.state = init.rooms.loadState(this.roomId)
    // Whatever was reserved before (a crash) may have been used: start above it.
    this.reservedUpTo = this.state.nextSeq
    this.now = init.now ?? Date.now
    this.history = new RoomHistory({ dir: init.rooms.dir(this.roomId), roomId: this.roomId, key: historyKey(init.identity.secretKey, this.roomIdBytes), self: this.selfHex })
    // History accounts for every index we used (marks survive compaction and wipes).
    this.nextIndex = this.history.highest(this.selfHex) + 1
    this.membership = new RoomMembership({
      roomId: this.roomId,
      dir: init.rooms.dir(this.roomId),
      key: historyKey(init.identity.secretKey, this.roomIdBytes),
      identity: init.identity,
      ...(init.room.creator != null ? { creator: init.room.creator, createdAt: init.room.createdAt ?? 0 } : {}),
      ...(init.room.genesisNonce != null ? { genesisNonce: init.room.genesisNonce } : {}),
      entry: { epoch: init.room.epoch, secret: init.room.secret },
      now: this.now
    })
    this.keyWork = new RoomKeys({
      roomIdBytes: this.roomIdBytes,
      self: this.selfHex,
      membership: this.membership,
      epochs: this.epochs,
      currentEpoch: () => this.current.epoch,
      joined: () => this.joined,
      lastMessageOf: (member) => this.history.highest(member),
      control: async (fields, putToStores) => { await this.control(fields, putToStores) },
      publishControl: async (bytes, epoch) => { await this.send('', MessageKind.CONTROL, bytes, epoch) },
      changed: (before) => { this.membershipChanged(before) },
      putControlToStores: async (epoch) => { await this.putControlToStores(epoch) },
      now: this.now
    })
    // Every epoch the log gives us a key for; we send in the latest.
    this.refreshEpochs()
    this.gaps = new GapTracker(this.history)
    this.outbox = new Outbox({
      history: this.history,
      publish: async (bytes) => await this.publishEnvelope(bytes),
      askMembers: async (hashes) => await this.askMembers(hashes),
      relays: () => this.link.peers().relays,
      noMembers: () => this.link.peers().members.length === 0,
      putToStore: async (relay, envelopes) => await this.putToStore(relay, envelopes),
      onStatus: (entry, status, by) => { this.emit('status', { roomId: this.roomId, index: entry.index, seq: Number(entry.seq), status, ...(by != null ? { ackedBy: by } : {}) }) }
    })
    this.sync = new RoomSync({
      roomId: this.roomId,
      history: this.history,
      gaps: this.gaps,
      // Through the current epoch's proof (the link follows a rekey).
      link: { peers: () => this.link.peers(), request: (peer, query) => this.askPeer(peer, query) },
      storeKey: (relay) => this.current.epoch === 0 ? relay : `${relay}@${this.current.epoch}`,
      ingest: (bytes, via) => this.ingest(bytes, via),
      joinedAt: this.room.joinedAt,
      loadState: () => this.rooms.loadSync(this.roomId),
      saveState: (state) => { this.rooms.saveSync(this.roomId, state) },
      onCatchup: (e) => { this.emit('catchup', e) },
      onGap: (e) => { this.emit('gap', e) },
      fingerprintOf: (sender) => fingerprint(hexToBytes(sender)),
      nickOf: (sender) => this.memberList.list().find((m) => m.fingerprint === fingerprint(hexToBytes(sender)))?.nick ?? '',
      now: this.now
    })
  }

  /** The last `limit` messages of the room's history, in display order. */
  recent (limit: number): ChatMessageEvent[] {
    return this.history.latest(limit).map((e) => this.toEvent(e))
  }

  /** Messages of ours not yet acknowledged by anyone (pending or sent). */
  unacknowledged (): ChatMessageEvent[] {
    return this.history.outbox().map((e) => this.toEvent(e))
  }

  private toEvent (e: HistoryEntry): ChatMessageEvent {
    const event = messageEventOf(this.roomId, e, this.selfHex)
    if (!this.membership.managed) return event
    const st = this.membership.standing(e.sender, e.ts, e.index)
    return { ...event, member: st === 'member' || st === 'former' }
  }

  /**
   * The caller has its listeners in place: fetches that would emit messages may start
   * (those asked for before wait until now, so that no message is emitted unheard).
   */
  markOpen (): void {
    if (this.opened) return
    this.opened = true
    // Messages that arrived while the caller was getting ready (they are in history too).
    for (const m of this.early.splice(0)) this.emit('message', m)
    const damaged = this.history.damaged
    if (damaged != null) {
      this.emit('warning', {
        roomId: this.roomId,
        code: 'HistoryDamagedError',
        message: `this room's history file was damaged after byte ${damaged.offset} (a crash mid-write?): the ${damaged.bytes} bytes from there were moved to ${damaged.savedAs}; everything before is kept`
      })
    }
    for (const run of this.deferred.splice(0)) run()
    // Operations asked for from the command line (`cryptochat revoke`), now and while open.
    this.takeQueued()
    this.queueTimer = setInterval(() => { this.takeQueued() }, OP_QUEUE_POLL_MS)
    this.queueTimer.unref?.()
    // A removal interrupted before its new epoch (a crash), or keys a member still lacks.
    this.scheduleKeyWork()
    // Removed, or refused, in an earlier run: say so again now.
    // (A refusal waits for a member's log: ours alone may lack our inviter's own JOIN.)
    if (this.ownStanding()?.event === 'removed') this.tellOwnStanding(true)
    // Newcomers sign their JOIN (with the invite's grant) once: members check it.
    // (Again after a removal, with a newer invite: the JOIN names the invite it uses.)
    const ticket = this.room.grant
    if (ticket?.inviteSeed != null) {
      if (!this.membership.hasJoined(RoomMembership.ticketInviteId(ticket))) void this.control(this.membership.joinFields({ ...ticket, inviteSeed: ticket.inviteSeed }))
      // The invite key's seed has done its job (our JOIN is signed and kept): it goes.
      try {
        this.room = { ...this.room, grant: { grant: ticket.grant, signature: ticket.signature } }
        this.rooms.save(this.room)
      } catch (err: any) {
        log('could not drop the used invite key: %s', err.message)
      }
    }
  }

  /** Emit a message, or keep it until the caller listens (see {@link markOpen}). */
  private emitMessage (event: ChatMessageEvent): void {
    if (this.opened) this.emit('message', event)
    else this.early.push(event)
  }

  private whenOpen (run: () => void): void {
    if (this.opened) run()
    else this.deferred.push(run)
  }

  /** Fetch what we missed from a member (on join, and when a link to one comes up). */
  catchUpFromMember (peerId: string): void {
    this.whenOpen(() => {
      // The membership log first: it says whose messages to take, and which epoch we are
      // in now (so what waited in our outbox goes out on the current topic).
      void this.pullLog(peerId).then(async () => {
        void this.outbox.flush()
        await this.sync.catchUpFromMember(peerId)
      })
    })
  }

  /** Whether a member's membership log has reached us this run. */
  get membershipSynced (): boolean {
    return this.logSynced
  }

  /**
   * Tell our own removal or refusal (once per state): a refusal only once a member's log
   * has reached us, since our log alone may lack our inviter's own JOIN.
   */
  private tellOwnStanding (past: boolean): void {
    const own = this.ownStanding()
    if (own == null) return
    if (own.event === 'refused' && !this.logSynced) return
    const key = `${own.event}|${own.reason ?? ''}|${own.by ?? ''}`
    if (this.toldOwn === key) return
    this.toldOwn = key
    this.whenOpen(() => { this.emit('membership', past ? { ...own, past: true } : own) })
  }

  /** Our own removal or refusal as the log stands, as an event (undefined when we are in). */
  private ownStanding (): MembershipEvent | undefined {
    return this.membership.managed ? ownStanding(this.roomId, this.membership.state, this.selfHex) : undefined
  }

  /** Sign and send the membership operations other processes queued for this room. */
  private takeQueued (): void {
    if (!this.membership.managed) return
    // What we sign must rest on the room's log as members hold it (a revocation keeps the
    // joins we know of): wait for a first log pull, or a few seconds if no member answers.
    if (!this.logSynced && Date.now() - this.openedAt < QUEUE_WAIT_FOR_LOG_MS) return
    try {
      for (const { op, done } of queuedOps(this.rooms.dir(this.roomId))) {
        // control() signs and keeps the operation before its first await: the queue entry can go.
        if (op.type === ControlType.REMOVE && op.member != null) void this.remove(bytesToHex(op.member)).catch((err: any) => { this.emit('warning', { roomId: this.roomId, message: `could not remove: ${err.message}`, code: err.name ?? 'Error' }) })
        else void this.control(op)
        done()
      }
    } catch (err: any) {
      log('queued membership operations: %s', err.message)
    }
  }

  /** Fetch the membership records a member holds and we do not. */
  private async pullLog (peer: string): Promise<void> {
    if (!this.membership.managed) return
    // One change for the whole pull: a log arriving in pieces passes through states that
    // never were (a join before the invite that allows it), which are not news.
    const before = this.membership.state
    // A newcomer's first pull brings the room's whole past: only its own admission is news.
    const first = this.membership.creator !== this.selfHex && this.membership.onlyOwn()
    let added = 0
    try {
      // From any peer that proves the room's key, not only those our log lists as members: a
      // newcomer's log lists nobody yet, and every record is signed and judged on its own.
      added = await takeLog(this.membership, this.link.request(peer, logRequest(this.membership)))
      this.logSynced = true
    } catch (err: any) {
      log('membership log from %s: %s', peer, err.message)
    }
    if (added > 0) this.membershipChanged(before, first)
    // Judged on the room's log now: a refusal (or a removal) is told.
    if (this.logSynced) {
      this.tellOwnStanding(false)
      this.checkEntryHeld()
    }
  }

  /** Take in a membership record (verified here); emits what changed. */
  private takeControl (record: Uint8Array | ControlRecord): 'added' | 'duplicate' | 'pending' | 'refused' {
    if (!this.membership.managed) return 'refused'
    const before = this.membership.state
    let result: 'added' | 'duplicate' | 'pending' | 'refused'
    try {
      // A record the validator already opened is not checked (and its signature verified) again.
      result = record instanceof Uint8Array ? this.membership.addBytes(record) : this.membership.addRecord(record)
    } catch (err: any) {
      this.emit('warning', { roomId: this.roomId, message: `could not write the membership log: ${err.message}`, code: 'HistoryWriteError' })
      return 'refused'
    }
    if (result === 'added') this.membershipChanged(before)
    return result
  }

  private membershipChanged (before: MembershipState, quiet = false): void {
    const all = membershipChanges(this.roomId, this.selfHex, before, this.membership.state)
    // A first log pull replays the room's whole past: only what concerns us is news then.
    // Our own refusal is told once the log has come from a member (see tellOwnStanding).
    const events = (quiet ? all.filter((e) => e.self) : all).filter((e) => !(e.self && e.event === 'refused'))
    if (all.some((e) => e.self && e.event === 'refused') && this.logSynced) this.tellOwnStanding(false)
    if (events.length > 0) this.whenOpen(() => { for (const e of events) this.emit('membership', e) })
    // Whoever the log removed or refused is no longer shown as present.
    for (const e of all) {
      if ((e.event !== 'removed' && e.event !== 'refused') || e.self || e.fingerprint == null) continue
      const gone = this.memberList.forget(e.fingerprint)
      if (gone != null) this.emit('member', { roomId: this.roomId, event: 'gone', nick: gone.nick, fingerprint: gone.fingerprint, publicKey: gone.publicKey, ts: this.now(), self: false })
    }
    this.refreshEpochs()
    this.checkEntryHeld()
    this.scheduleKeyWork()
  }

  /** Keys others still need from us (see RoomKeys). */
  private scheduleKeyWork (): void {
    this.keyWork.schedule()
  }

  /**
   * Remove a member (owners only): sign the removal, then start a new epoch whose key goes
   * to every remaining member and not to them (see RoomKeys).
   */
  async remove (member: string): Promise<void> {
    await this.keyWork.remove(member)
  }

  /** Start a new epoch: a fresh secret wrapped for every member (ourselves included). */
  async rekey (): Promise<number> {
    return await this.keyWork.rekey()
  }

  /**
   * Sign a membership operation of ours, keep it in the log and send it to the room. With
   * nobody reachable it still counts here, and reaches members through log sync.
   */
  async control (fields: OwnOp | ((heads: Uint8Array[]) => OwnOp), putToStores = true): Promise<void> {
    const before = this.membership.state
    if (typeof fields !== 'function' && fields.type === ControlType.REVOKE && fields.inviteId != null && (fields.member == null || fields.member.length === 0)) {
      // Invites are told apart by issuer and id: name the issuer of the one with this id.
      const id = bytesToHex(fields.inviteId)
      const invite = findInvite(before, id, this.selfHex)
      if (invite != null) fields = { ...fields, member: wire(hexToBytes(invite.issuer)) }
    }
    const record = this.membership.sign(fields)
    this.membershipChanged(before)
    try {
      await this.send('', MessageKind.CONTROL, record.bytes)
    } catch (err: any) {
      log('membership operation not published now (members get it by log sync): %s', err.message)
    }
    if (putToStores) void this.putControlToStores(this.current.epoch)
  }

  /**
   * Leave our latest membership operations with the relays' stores (sealed in `epoch`),
   * so a member who is away when no other is online still learns of them.
   */
  private async putControlToStores (epoch: number): Promise<void> {
    const e = this.epochs.get(epoch)
    if (e == null) return
    const link = this.linkFor(e)
    const envelopes = this.controlEnvelopes.filter((c) => c.epoch === epoch).map((c) => c.bytes)
    if (envelopes.length === 0) return
    for (const relay of link.peers().relays) {
      try {
        for await (const _frame of link.request(relay, { put: envelopes.map(wire) })) break
      } catch (err: any) {
        log('membership to the store of %s: %s', relay, err.message)
      }
    }
  }

  /** The room's members as its signed log lists them (for an unmanaged room: those present). */
  roster (): RosterEntry[] {
    const present = new Map(this.memberList.list().map((m) => [m.publicKey, m.nick]))
    if (!this.membership.managed) {
      return this.memberList.list().map((m) => ({ fingerprint: m.fingerprint, publicKey: m.publicKey, role: 'member', nick: m.nick, since: 0, online: true, self: m.self }))
    }
    return rosterOf(this.membership.state, this.selfHex, present.set(this.selfHex, this.nick))
  }

  /** Invites the room's log knows of, with what became of them. */
  invites (): InviteInfo[] {
    return invitesOf(this.membership.state, this.now())
  }

  /** Fetch what a relay's blind store kept for us (a relay without one refuses). */
  catchUpFromStore (relayPeerId: string): void {
    this.whenOpen(() => { void this.sync.catchUpFromStore(relayPeerId) })
  }

  /** Messages of history older than the newest `skip` ones, in display order (scrolling back). */
  older (skip: number, limit: number): ChatMessageEvent[] {
    const all = sortForDisplay([...this.history.entries()])
    return all.slice(Math.max(0, all.length - skip - limit), Math.max(0, all.length - skip)).map((e) => this.toEvent(e))
  }

  /**
   * Answer a member's verified sync request from our history (or membership log).
   * `requester`: the identity that signed the request for this link, if any. The log goes
   * only to identities in it (see RoomMembership.recordsFor); history only to members.
   */
  async * serveSync (request: SyncRequest, epoch = this.current.epoch, requester?: Uint8Array): AsyncGenerator<SyncResponse> {
    const who = requester != null ? bytesToHex(requester) : undefined
    if (request.log) {
      yield * serveLog(this.membership, request, who)
      return
    }
    // History and acknowledgements for members only (and those waiting to be admitted):
    // someone who once held a key and is gone learns nothing more from us.
    if (this.membership.managed && (who == null || !this.mayAsk(who))) {
      yield syncResponse({ status: SyncResponse.Status.DENIED, done: true })
      return
    }
    // A requester proves one epoch: it gets nothing sealed in a later one (it could not
    // open it; and a removed member must not even collect it).
    yield * this.sync.serve(request, epoch)
  }

  /** Whether `identity` may ask us for history: a member, or someone whose request to join waits. */
  private mayAsk (identity: string): boolean {
    const state = this.membership.state
    // A removed member's request waits for an owner, and earns nothing meanwhile.
    return state.members.has(identity) || (hasWaitingJoin(state, identity) && state.departed.get(identity)?.how !== 'removed')
  }

  /** Whether a sync answer came from a member of the room (its first frame bound a member's identity to the link). */
  private fromMember (frame: SyncResponse): boolean {
    if (!this.membership.managed) return true
    if (frame.identity.length === 0) return false
    const who = bytesToHex(frame.identity)
    return who !== this.selfHex && this.membership.state.members.has(who)
  }

  /**
   * A request to a peer: a relay's store answers as it is; a member's answer counts only
   * if it is a member's (anyone who once held a key could otherwise ack what nobody holds,
   * or feed us history).
   */
  private async * askPeer (peer: string, query: Partial<SyncQuery>): AsyncGenerator<SyncResponse> {
    const isRelay = this.link.peers().relays.includes(peer)
    for await (const frame of this.link.request(peer, query)) {
      if (!isRelay && !this.fromMember(frame)) throw new NotPermittedError(`${peer} answered, but not as a member of the room`)
      yield frame
    }
  }

  /** Publish what is still waiting in the outbox (a peer appeared). */
  flushOutbox (): void {
    void this.outbox.flush()
  }

  /** The key epoch we send in: the latest we hold a key for. */
  get epoch (): number {
    return this.current.epoch
  }

  /** The room's chat topic (of the current epoch). */
  get topic (): string {
    return this.current.topic
  }

  /** The room's discovery topic (presence and transport announcements; current epoch). */
  get meetTopic (): string {
    return this.current.meetTopic
  }

  /** Signs sync requests in the current epoch; its public key names the topic. */
  get topicKey (): SigningKeyPair {
    return this.current.topicKey
  }

  /** The epoch whose chat or discovery topic is `topic`, if we hold it (routes members' sync requests). */
  epochOfTopic (topic: string): number | undefined {
    return this.epochs.ofTopic(topic)?.epoch
  }

  /** The current epoch, its secret and its EPOCH record: what an invite made now carries. */
  inviteSecret (): { epoch: number, secret: Uint8Array, record?: Uint8Array } {
    const record = this.current.epoch > 0 ? this.membership.epochRecord(this.current.epoch) : undefined
    return { epoch: this.current.epoch, secret: this.current.secret, ...(record != null ? { record } : {}) }
  }

  /** How we reach peers for sync, proving the current epoch. */
  private get link (): SyncLink {
    return this.linkFor(this.current)
  }

  private linkFor (epoch: Epoch): SyncLink {
    let link = this.links.get(epoch.epoch)
    if (link == null) {
      link = this.makeLink?.(epoch.topicKey) ?? NO_SYNC
      this.links.set(epoch.epoch, link)
    }
    return link
  }

  private unsubscribeEpoch (epoch: Epoch): void {
    this.listening.delete(epoch.epoch)
    for (const topic of [epoch.topic, epoch.meetTopic]) {
      this.pubsub.unsubscribe(topic)
      this.pubsub.topicValidators.delete(topic)
    }
  }

  /** Subscribe to an epoch's topics, with our validator. */
  private subscribeEpoch (epoch: Epoch): void {
    if (this.lapsed(epoch)) return
    this.listening.add(epoch.epoch)
    for (const topic of [epoch.topic, epoch.meetTopic]) {
      this.pubsub.topicValidators.set(topic, (_peer, msg) => this.validate(msg.data))
      this.pubsub.subscribe(topic)
    }
  }

  /**
   * Take in every epoch secret the membership log gives us; move to the latest. We stay
   * subscribed to older epochs' topics (only listening) for OLD_EPOCH_LISTEN_MS: members who were away come back
   * there, and find us to fetch the new epoch's key from.
   */
  private refreshEpochs (): void {
    let replacedCurrent = false
    for (const [epoch, secret] of this.membership.epochSecrets()) {
      const { added, replaced } = this.epochs.set(epoch, secret)
      if (replaced != null) {
        log('epoch %d was started by another owner first; using theirs', epoch)
        if (this.joined) this.unsubscribeEpoch(replaced)
        this.links.delete(epoch)
        if (replaced === this.current) replacedCurrent = true
      }
      if (added != null && this.joined) this.subscribeEpoch(added)
    }
    const latest = this.epochs.latest()
    if (replacedCurrent) this.current = this.epochs.get(this.current.epoch) ?? latest
    if (latest.epoch <= this.current.epoch) return
    const from = this.current.epoch
    this.current = latest
    log('now in epoch %d', latest.epoch)
    // Remembered for `cryptochat rooms` (which reads no secrets, so cannot replay the log).
    try {
      this.room = { ...this.room, currentEpoch: latest.epoch }
      this.rooms.save(this.room)
    } catch (err: any) {
      log('could not note the epoch in the room record: %s', err.message)
    }
    this.whenOpen(() => { this.emit('epoch', { roomId: this.roomId, epoch: latest.epoch, previous: from }) })
    this.leaveLapsedEpochs()
    if (this.joined) {
      // Tell the members on the new topics how to reach us (they answer with theirs).
      this.sendQuietly(MessageKind.JOIN)
      void this.outbox.flush()
      for (const ms of EPOCH_FLUSH_DELAYS_MS) {
        const timer = setTimeout(() => { if (this.joined) void this.outbox.flush() }, ms)
        timer.unref?.()
      }
    }
  }

  /** Whether `epoch` was replaced longer than OLD_EPOCH_LISTEN_MS ago (we no longer listen there). */
  private lapsed (epoch: Epoch): boolean {
    if (epoch.epoch >= this.current.epoch) return false
    const replaced = this.membership.supersededAt(epoch.epoch)
    return replaced != null && Math.min(replaced, this.now()) + OLD_EPOCH_LISTEN_MS < this.now()
  }

  /** Leave the topics of epochs replaced long ago (their keys stay, for history and sync). */
  private leaveLapsedEpochs (): void {
    if (!this.joined) return
    for (const epoch of this.epochs.all()) {
      if (!this.listening.has(epoch.epoch) || !this.lapsed(epoch)) continue
      log('leaving the topics of epoch %d (replaced over %d days ago)', epoch.epoch, Math.round(OLD_EPOCH_LISTEN_MS / 86_400_000))
      this.unsubscribeEpoch(epoch)
    }
  }

  /** Install the validator and subscribe to the room's chat and discovery topics. */
  subscribe (): void {
    if (this.joined) return
    for (const epoch of this.epochs.all()) this.subscribeEpoch(epoch)
    this.lapseTimer = setInterval(() => { this.leaveLapsedEpochs() }, OLD_EPOCH_CHECK_MS)
    this.lapseTimer.unref?.()
    this.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    this.joined = true
  }

  /** Someone (un)subscribed somewhere: if it is our topic and we have pending messages, send them. */
  private readonly onSubscriptionChange = (): void => {
    if (this.history.outbox().some((e) => e.status === 'pending') && this.pubsub.getSubscribers(this.topic).length > 0) void this.outbox.flush()
  }

  /** Announce ourselves again (e.g. when our addresses change). */
  announce (): void {
    if (this.joined) this.sendQuietly(MessageKind.PRESENCE)
  }

  /** The room's relay addresses. */
  get relays (): string[] {
    return this.room.relays
  }

  /** Members currently in the room (ourselves included once joined). */
  members (): Member[] {
    return this.memberList.list()
  }

  /**
   * Start taking part in presence: count ourselves in, beat every PRESENCE_INTERVAL_MS,
   * and forget members not heard from for PRESENCE_TIMEOUT_MS.
   */
  startPresence (): void {
    this.memberList.observe('presence', this.identity.fingerprint, this.nick, true, this.now(), this.selfHex)
    if (this.presenceTimer != null) return
    this.presenceTimer = setInterval(() => {
      this.sendQuietly(MessageKind.PRESENCE)
      // Now and then compare membership logs with a linked member: an operation published
      // while a link was down, or sealed in an epoch we could not open, arrives this way.
      const members = this.link.peers().members
      const peer = members[Math.floor(Math.random() * members.length)]
      if (peer != null) void this.pullLog(peer)
      for (const m of this.memberList.expire(this.now() - PRESENCE_TIMEOUT_MS)) {
        this.emit('member', { roomId: this.roomId, event: 'gone', nick: m.nick, fingerprint: m.fingerprint, publicKey: m.publicKey, ts: this.now(), self: false })
      }
    }, PRESENCE_INTERVAL_MS)
    this.presenceTimer.unref?.()
  }

  /** Send a control message (presence, nick) whose failure only deserves a log line. */
  private sendQuietly (kind: MessageKind, body = ''): void {
    this.send(body, kind).catch((err: any) => { log('could not send %s: %s', kind, err.message) })
  }

  /** Change our nick in this room: announced to the members and remembered. */
  async setNick (nick: string): Promise<void> {
    checkOutgoing(nick, '')
    const previous = this.nick
    if (nick === previous) return
    this.nick = nick
    this.room = { ...this.room, nick }
    this.rooms.save(this.room)
    this.memberList.observe('nick', this.identity.fingerprint, nick, true, this.now(), this.selfHex)
    await this.send(previous, MessageKind.NICK)
  }

  /** Unsubscribe, remove the validator and write any pending state. */
  unsubscribe (): void {
    // A clean stop gives back the unused part of the reserved block.
    try {
      if (this.reservedUpTo > this.state.nextSeq) this.rooms.saveSequence(this.roomId, this.state.nextSeq)
      this.reservedUpTo = this.state.nextSeq
    } catch {}
    if (this.queueTimer != null) clearInterval(this.queueTimer)
    this.queueTimer = undefined
    if (this.presenceTimer != null) clearInterval(this.presenceTimer)
    this.presenceTimer = undefined
    if (this.lapseTimer != null) clearInterval(this.lapseTimer)
    this.lapseTimer = undefined
    for (const t of this.replyTimers) clearTimeout(t)
    this.replyTimers.clear()
    this.keyWork.stop()
    if (this.joined) {
      for (const epoch of this.epochs.all()) this.unsubscribeEpoch(epoch)
      this.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
      this.joined = false
    }
    this.outbox.stop()
    this.sync.stop()
    this.flushReplay()
  }

  /**
   * Before leaving: give our sent messages up to `timeoutMs` to be confirmed by a member or
   * taken by a relay's store, so members who are away can still get them.
   */
  async drainOutbox (timeoutMs: number): Promise<void> {
    await this.outbox.drain(timeoutMs)
  }

  /** Stop for good: flush history to disk and close it. */
  async close (): Promise<void> {
    this.unsubscribe()
    await this.history.sync().catch(() => {})
    await this.membership.sync().catch(() => {})
    this.history.close()
    this.membership.close()
  }

  /** Refuse (with a reason) what no honest, live message can be: see DESIGN and README. */
  private refuse (reason: string, result: TopicValidatorResult): TopicValidatorResult {
    this.emit('rejected', { roomId: this.roomId, reason })
    log('refused message: %s', reason)
    return result
  }

  /**
   * Gossipsub topic validator. Garbage, forgeries and replays are Rejected (not
   * forwarded, not shown); an envelope for an epoch we do not hold is Ignored.
   */
  validate (data: Uint8Array): TopicValidatorResult {
    let msg: OpenedMessage
    try {
      msg = openMessage(this.roomIdBytes, (epoch) => this.epochs.get(epoch)?.key, data)
    } catch (err: any) {
      const reason: string = err?.name ?? 'Error'
      // An epoch two owners started at once: an envelope sealed under the losing key is a
      // member's honest mistake, not garbage worth penalising its forwarder for.
      if (reason === 'MalformedEnvelopeError' && this.membership.contested(envelopeEpoch(data))) return this.refuse(reason, TopicValidatorResult.Ignore)
      return this.refuse(reason, reason === 'UnknownEpochError' ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject)
    }
    // Time bounds: a newcomer's replay window is empty, so envelopes captured before it
    // joined must be refused by date; and a sender is only ever forgotten by the replay
    // window once its messages are too old to be accepted at all. A wrong clock is not
    // an attack: Ignore (drop, no penalty) rather than Reject.
    const now = this.now()
    const ts = Number(msg.timestamp)
    if (ts > now + MESSAGE_MAX_FUTURE_MS) return this.refuse('FutureMessageError', TopicValidatorResult.Ignore)
    if (ts < now - MESSAGE_MAX_AGE_MS || ts < this.room.joinedAt - JOIN_SKEW_MS) return this.refuse('StaleMessageError', TopicValidatorResult.Ignore)
    const sender = bytesToHex(msg.sender)
    // The membership log decides whose messages count: someone removed (after its removal)
    // or refused is dropped; someone the log does not list yet is shown flagged.
    // (Membership operations are judged by the log itself: a removed member's JOIN with a
    // newer invite must reach it.)
    const st = this.membership.standing(sender, ts, HISTORY_KINDS.has(msg.kind) ? Number(msg.index) : undefined)
    if ((st === 'gone' || st === 'refused') && msg.kind !== MessageKind.CONTROL) return this.refuse('NotAMemberError', TopicValidatorResult.Ignore)
    // A member speaking in an older epoch than the log gives it missed the rekey: hand it on.
    if (msg.epoch < this.current.epoch && st === 'member') this.keyWork.remind(sender, msg.epoch)
    // A superseded epoch is closed: only those the log let hold its key speak in it (a
    // key once held, by anyone since gone, opens nothing more).
    if (this.closedTo(sender, msg)) return this.refuse('NotAMemberError', TopicValidatorResult.Ignore)
    // Already held (fetched by catch-up, or sent again by an outbox): drop, no penalty.
    if (HISTORY_KINDS.has(msg.kind) && this.history.holds(sender, Number(msg.index))) {
      // Same number, other content: the sender signed two different messages as one (a
      // broken or dishonest client). Members may now see different things: say so.
      const held = this.history.entryAt(sender, Number(msg.index))
      if (held != null && held.hash !== bytesToHex(envelopeHash(data)) && held.body !== msg.body) {
        this.emit('warning', { roomId: this.roomId, code: 'EquivocationError', message: `${msg.nick} (${fingerprint(msg.sender).slice(0, 8)}) sent two different messages numbered ${msg.index}; only the first is shown` })
      }
      return this.refuse('DuplicateError', TopicValidatorResult.Ignore)
    }
    const admission = this.state.replay.admit(sender, msg.seq, ts)
    // A replay is Ignored, not Rejected: outboxes legitimately publish a message again.
    if (admission === 'replay') return this.refuse('ReplayError', TopicValidatorResult.Ignore)
    if (admission === 'full') return this.refuse('SenderLimitError', TopicValidatorResult.Ignore)
    this.scheduleReplayFlush()
    if (msg.kind === MessageKind.CONTROL) {
      // Live operations come from their author, dated now: an author cannot slip in an
      // operation dated into the past (before a revocation, say) through live traffic.
      let record: ControlRecord
      try {
        record = openControl(msg.control, this.roomIdBytes)
      } catch {
        return this.refuse('ForgedControlError', TopicValidatorResult.Reject)
      }
      if (!equalBytes(record.op.author, msg.sender)) return this.refuse('ForgedControlError', TopicValidatorResult.Reject)
      if (Math.abs(Number(record.op.timestamp) - now) > CONTROL_FRESH_MS) return this.refuse('StaleControlError', TopicValidatorResult.Ignore)
      const result = this.takeControl(record)
      if (result === 'refused') return this.refuse('ForgedControlError', TopicValidatorResult.Reject)
      return result === 'pending' ? TopicValidatorResult.Ignore : TopicValidatorResult.Accept
    }
    // History is written now (before the Accept is returned, so a crash cannot lose an
    // accepted message); it is shown after gossipsub has taken the Accept, so forwarding
    // is not delayed by the UI.
    const entry = HISTORY_KINDS.has(msg.kind) ? this.keep(msg, data, 'live') : undefined
    queueMicrotask(() => { this.deliver(msg, sender === this.selfHex, entry) })
    return TopicValidatorResult.Accept
  }

  /** Write a verified history message; undefined when it was already held. */
  private keep (msg: OpenedMessage, envelope: Uint8Array, via: Via): HistoryEntry | undefined {
    const entry = historyEntry(msg, envelope, msg.epoch, this.now(), via)
    try {
      if (!this.history.add(entry)) return undefined
    } catch (err: any) {
      this.emit('warning', { roomId: this.roomId, message: `could not write history: ${err.message}`, code: 'HistoryWriteError' })
    }
    this.gaps.saw(entry.sender, entry.index)
    this.sync.scheduleGapCheck()
    return entry
  }

  /**
   * Take in an envelope fetched by catch-up or repair: checked exactly as live traffic
   * (epoch, AEAD, signature, dates), except that it may be older than a day (history),
   * and refused if already held (nothing is shown twice).
   */
  ingest (data: Uint8Array, via: Via): IngestResult {
    // A fetch still answering after we left: the room's files are no longer ours to write.
    if (!this.joined) return 'refused'
    let msg: OpenedMessage
    try {
      msg = openMessage(this.roomIdBytes, (epoch) => this.epochs.get(epoch)?.key, data)
    } catch (err: any) {
      this.refuse(err?.name ?? 'Error', TopicValidatorResult.Reject)
      return 'refused'
    }
    const ts = Number(msg.timestamp)
    // A membership operation left in a store (or handed over): the log judges it, whatever its date.
    if (msg.kind === MessageKind.CONTROL) {
      const result = this.takeControl(msg.control)
      return result === 'added' ? 'accepted' : result === 'refused' ? 'refused' : 'duplicate'
    }
    if (!HISTORY_KINDS.has(msg.kind)) return 'refused'
    if (ts > this.now() + MESSAGE_MAX_FUTURE_MS || ts < this.room.joinedAt - JOIN_SKEW_MS) return 'refused'
    const sender = bytesToHex(msg.sender)
    if (this.history.holds(sender, Number(msg.index))) return 'duplicate'
    const st = this.membership.standing(sender, ts, Number(msg.index))
    if (st === 'gone' || st === 'refused' || this.closedTo(sender, msg)) return 'refused'
    // Mark it in the replay window too, so a live copy arriving later is refused there as well.
    this.state.replay.admit(sender, msg.seq, ts)
    this.scheduleReplayFlush()
    const entry = this.keep(msg, data, via)
    if (entry == null) return 'duplicate'
    this.deliver(msg, sender === this.selfHex, entry)
    return 'accepted'
  }

  /** Whether `msg` (not a membership operation) is sealed in a superseded epoch that `sender` never held as a member. */
  private closedTo (sender: string, msg: OpenedMessage): boolean {
    return msg.kind !== MessageKind.CONTROL && msg.epoch < this.current.epoch && !this.membership.heldEpoch(sender, msg.epoch)
  }

  /** A sender told us its latest history index. */
  private announced (sender: string, latest: number): void {
    if (sender === this.selfHex || latest < 1) return
    this.gaps.announce(sender, latest)
    this.sync.scheduleGapCheck()
  }

  /**
   * Write the replay window soon, in one batch: rewriting it (up to MBs) synchronously for
   * every message would cap a client at tens of messages per second. Messages accepted in
   * the last few ms before a crash (not a clean stop) could be shown again after it.
   */
  private scheduleReplayFlush (): void {
    this.replayDirty = true
    if (this.replayTimer != null) return
    this.replayTimer = setTimeout(() => { this.flushReplay() }, REPLAY_FLUSH_MS)
    this.replayTimer.unref?.()
  }

  /** Write pending replay state now. */
  flushReplay (): void {
    if (this.replayTimer != null) clearTimeout(this.replayTimer)
    this.replayTimer = undefined
    if (!this.replayDirty) return
    this.replayDirty = false
    try {
      this.rooms.saveReplay(this.roomId, this.state.replay)
    } catch (err: any) {
      this.emit('warning', { roomId: this.roomId, message: `could not save replay state: ${err.message}`, code: 'StateWriteError' })
    }
  }

  private deliver (msg: OpenedMessage, self: boolean, entry?: HistoryEntry): void {
    const fp = entry?.fingerprint ?? fingerprint(msg.sender)
    const ts = Number(msg.timestamp)
    if (!self && ANNOUNCE_KINDS.has(msg.kind)) {
      if (msg.peerId.length > 0) this.emit('peerInfo', { roomId: this.roomId, fingerprint: fp, peerId: msg.peerId, addrs: msg.addrs })
      this.announced(bytesToHex(msg.sender), Number(msg.index))
    }
    // Messages fetched by catch-up or repair say nothing about who is here now.
    const signal = entry == null || entry.via === 'live' ? SIGNAL[msg.kind] : undefined
    if (signal != null) {
      const change = this.memberList.observe(signal, fp, msg.nick, self, this.now(), bytesToHex(msg.sender))
      if (change != null) this.emit('member', { roomId: this.roomId, ...change, fingerprint: fp, ts, self })
      // Answer an arrival so the newcomer learns who is here; jittered, so that a big
      // room does not answer all in the same millisecond.
      if (signal === 'join' && !self && this.joined) {
        const timer = setTimeout(() => {
          this.replyTimers.delete(timer)
          if (this.joined) this.sendQuietly(MessageKind.PRESENCE)
        }, Math.floor(Math.random() * PRESENCE_REPLY_JITTER_MS))
        this.replyTimers.add(timer)
      }
    }
    // A history message is shown once, when it is first written (entry is then set).
    if (KIND_TEXT[msg.kind] != null && entry != null) this.emitMessage(this.toEvent(entry))
  }

  /**
   * Publish; if nobody is reachable on the topic right now (a link being re-established,
   * say), wait up to SEND_WAIT_FOR_PEERS_MS for someone to subscribe, then try again.
   * Presence beats are not worth the wait.
   */
  private async publishWhenReachable (topic: string, bytes: Uint8Array, kind: MessageKind): Promise<void> {
    try {
      await this.pubsub.publish(topic, bytes)
      return
    } catch (err: any) {
      if (!String(err?.message).includes('NoPeersSubscribedToTopic') || kind === MessageKind.PRESENCE || kind === MessageKind.LEAVE) throw err
    }
    const deadline = this.now() + SEND_WAIT_FOR_PEERS_MS
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.pubsub.getSubscribers(topic).length === 0 && this.now() < deadline && this.joined) return
        this.pubsub.removeEventListener('gossipsub:heartbeat', check)
        this.pubsub.removeEventListener('subscription-change', check)
        resolve()
      }
      this.pubsub.addEventListener('gossipsub:heartbeat', check)
      this.pubsub.addEventListener('subscription-change', check)
    })
    await this.pubsub.publish(topic, bytes)
  }

  /** Publish on the chat topic for the outbox: true once some peer took it, false if none is reachable. */
  private async publishEnvelope (bytes: Uint8Array): Promise<boolean> {
    // Held (pending) until the log confirms the key our invite gave us.
    if (!this.mayWriteIn(envelopeEpoch(bytes))) return false
    try {
      // A publish stuck on one peer's stream must not hold the whole outbox: past the
      // bound it counts as not sent, and is tried again (a repeat is refused as a duplicate).
      let timer: ReturnType<typeof setTimeout> | undefined
      const stuck = new Promise<'stuck'>((resolve) => { timer = setTimeout(() => { resolve('stuck') }, PUBLISH_TIMEOUT_MS) })
      const result = await Promise.race([this.pubsub.publish(this.topic, bytes), stuck]).finally(() => { clearTimeout(timer) })
      if (result === 'stuck') {
        log('publish took over %d ms; trying again later', PUBLISH_TIMEOUT_MS)
        return false
      }
      return true
    } catch (err: any) {
      const message = String(err?.message ?? err)
      if (message.includes('NoPeersSubscribedToTopic')) return false
      // Published before (this run): gossipsub refuses to send the same bytes twice.
      if (message.includes('Duplicate')) return true
      throw err
    }
  }

  /**
   * Whether our messages may go out sealed in `epoch`: not in the epoch our invite gave us
   * until the log confirms its secret (see RoomMembership.entryConfirmed). What is held
   * back stays pending, and goes once the log confirms it.
   */
  private mayWriteIn (epoch: number): boolean {
    if (!this.membership.managed || epoch !== this.membership.entryEpoch) return true
    const check = this.membership.entryConfirmed()
    if (check === 'ok') return true
    this.entryHeld = true
    if (check === 'mismatch') this.warnEntry(ENTRY_MISMATCH)
    return false
  }

  /** Once the log confirms our entry key, what was held back goes; if a member's log does not, say so (once). */
  private checkEntryHeld (): void {
    if (!this.entryHeld) return
    const check = this.membership.entryConfirmed()
    if (check === 'ok') {
      this.entryHeld = false
      void this.outbox.flush()
    } else if (check === 'mismatch' || this.logSynced) {
      this.warnEntry(check === 'mismatch'
        ? ENTRY_MISMATCH
        : 'the room\'s log does not confirm the key your invite gave you, so what you write is held back (pending): the invite may not come from this room\'s members.')
    }
  }

  private warnEntry (message: string): void {
    if (this.entryWarned === message) return
    this.entryWarned = message
    this.emit('warning', { roomId: this.roomId, message, code: 'InviteSecretMismatchError' })
  }

  /** Ask a couple of linked members which of these envelopes they hold (hashes only). */
  private async askMembers (hashes: Uint8Array[]): Promise<boolean[] | undefined> {
    const members = [...this.link.peers().members].sort(() => Math.random() - 0.5).slice(0, 2)
    const held = hashes.map(() => false)
    let answered = false
    for (const peer of members) {
      try {
        for await (const frame of this.askPeer(peer, { have: hashes.map(wire) })) {
          unpackBits(frame.have, hashes.length).forEach((b, i) => { if (b) held[i] = true })
          answered = true
        }
      } catch (err: any) {
        log('ack question to %s: %s', peer, err.message)
      }
      if (held.every(Boolean)) break
    }
    return answered ? held : undefined
  }

  /**
   * Put envelopes into a relay's blind store (it keeps only what members put, with the
   * room proof); which it now holds. `busy`: try later. Undefined when it keeps none (no store).
   */
  private async putToStore (relay: string, envelopes: Uint8Array[]): Promise<boolean[] | 'busy' | undefined> {
    try {
      for await (const frame of this.link.request(relay, { put: envelopes.map(wire) })) {
        return unpackBits(frame.have, envelopes.length)
      }
    } catch (err: any) {
      log('store put to %s: %s', relay, err.message)
      // Rate-limited: the store is there, just not now (the outbox tries again later).
      if (err?.name === 'SyncBusyError') return 'busy'
    }
    return undefined
  }

  /** A relay of the room is connected (again): its store may take what it lacks, and have news. */
  relayUp (relayPeerId: string): void {
    this.outbox.relayUp(relayPeerId)
    void this.outbox.flush()
    this.catchUpFromStore(relayPeerId)
  }

  /**
   * Seal and send a message. Its sequence number is reserved (and persisted) before it is
   * sent, so a number is never reused, even after a crash. A text or action message is
   * written to history first (`pending`), then published (`sent`) and later acknowledged
   * (`acked`): with no peer reachable it stays pending and goes out when one appears.
   */
  async send (body: string, kind: MessageKind = MessageKind.TEXT, control?: Uint8Array, inEpoch?: number): Promise<ChatMessageEvent> {
    checkOutgoing(this.nick, body)
    // Nobody would take it: say so rather than mark it sent.
    if (HISTORY_KINDS.has(kind)) {
      // (A refusal counts once a member's log has reached us: ours alone may lack our inviter's JOIN.)
      const out = this.ownStanding()
      if (out != null && (out.event === 'removed' || this.logSynced)) throw new NotPermittedError(out.event === 'removed' ? `you were removed from this room (by ${out.by?.slice(0, 8) ?? 'an owner'}): members take nothing more from you` : `the room refused your invite (${out.reason ?? ''}): members take nothing from you`)
    }
    // Normally the current epoch; a key handed to a member still in an older one goes there.
    const epoch = inEpoch != null ? this.epochs.get(inEpoch) : this.current
    if (epoch == null) throw new UnknownEpochError(inEpoch ?? this.current.epoch)
    const key = epoch.key
    const seq = this.state.nextSeq
    // Numbers are reserved on disk (a block at a time) before use; if that fails, nothing
    // is sent: a reused number would be dropped as a replay by every receiver.
    if (seq >= this.reservedUpTo) {
      this.rooms.saveSequence(this.roomId, seq + BigInt(SEQ_RESERVE_BLOCK))
      this.reservedUpTo = seq + BigInt(SEQ_RESERVE_BLOCK)
    }
    this.state.nextSeq = seq + 1n
    const ts = this.now()
    // Our own sequence numbers go into our replay window: an echo of our own envelope
    // (captured and re-sent by anyone) is then refused like any other replay.
    this.state.replay.accept(this.selfHex, seq, ts)
    this.scheduleReplayFlush()
    const isHistory = HISTORY_KINDS.has(kind)
    // History messages take the next index; announcements carry the latest one so far.
    const index = isHistory ? this.nextIndex : this.nextIndex - 1
    const bytes = sealMessage({
      roomId: this.roomIdBytes,
      epoch: epoch.epoch,
      key,
      senderSecretKey: this.identity.secretKey,
      senderPublicKey: this.identity.publicKey
    }, { seq, timestamp: BigInt(ts), kind, nick: this.nick, body, index: BigInt(index), ...(ANNOUNCE_KINDS.has(kind) ? this.transport?.() ?? {} : {}), ...(control != null ? { control } : {}) })
    if (isHistory) {
      const message = { sender: wire(this.identity.publicKey), seq, timestamp: BigInt(ts), kind, nick: this.nick, body, index: BigInt(index) }
      const entry: HistoryEntry = { ...historyEntry(message, bytes, epoch.epoch, ts, 'self'), status: 'pending' }
      try {
        this.history.add(entry)
      } catch (err: any) {
        throw new SendError(`message not sent: it could not be written to history first (${String(err?.message ?? err)})`)
      }
      this.nextIndex++
      this.emitMessage(this.toEvent(entry))
      this.emit('status', { roomId: this.roomId, index, seq: Number(seq), status: 'pending' })
      await this.outbox.submit(entry)
      return this.toEvent(entry)
    }
    if (kind === MessageKind.CONTROL) {
      this.controlEnvelopes.push({ epoch: epoch.epoch, bytes })
      if (this.controlEnvelopes.length > STORE_CONTROL_OPS) this.controlEnvelopes.shift()
    }
    const topic = MEET_KINDS.has(kind) ? epoch.meetTopic : epoch.topic
    try {
      await this.publishWhenReachable(topic, bytes, kind)
    } catch (err: any) {
      const why = String(err?.message ?? err).includes('NoPeersSubscribedToTopic') ? 'no member or relay is reachable in this room right now' : String(err?.message ?? err)
      throw new SendError(`message not delivered: ${why}`)
    }
    return { roomId: this.roomId, kind: 'text', text: body, nick: this.nick, fingerprint: this.identity.fingerprint, ts, seq: Number(seq), index, self: true, via: 'self' }
  }
}
