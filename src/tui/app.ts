import {
  acceptInvite, createRoom, issueInvite,
  type ChatClient, type ChatMessageEvent, type MemberEvent, type RoomSession
} from '../chat/index.js'
import type { Identity } from '../identity/index.js'
import { groupFingerprint } from '../identity/index.js'
import { HISTORY_SHOWN_ON_OPEN } from '../constants.js'
import { ControlType, MessageKind } from '../protocol/index.js'
import type { RoomRecord, RoomStore } from '../room/index.js'
import type { IdentityBook } from '../verify/index.js'
import { checkArity, helpText, parseCommandLine } from './command-line.js'
import { COMMANDS, type CommandContext } from './commands.js'
import { complete, type CompletionState } from './completion.js'
import { InputLine } from './input-line.js'
import { actionFor, keyHelp, type KeyAction } from './keys.js'
import { UiModel, type LogLine } from './model.js'
import { qrLines } from './qr.js'
import { VerificationCommands } from './verification.js'
import { MembershipCommands, membershipLine } from './membership-commands.js'
import { bytesToHex, hexToBytes } from '../crypto/index.js'
import { canInvite } from '../membership/index.js'
import type { TuiView } from './view.js'

/** How often the status bar re-reads connection counts. */
const STATUS_REFRESH_MS = 2000

/** What the app needs from outside: the chat library and two small services. */
export interface TuiAppInit {
  client: ChatClient
  identity: Identity
  rooms: RoomStore
  view: TuiView
  nick: string
  /** Who was seen and who is verified (seen.json, verified.json). */
  identities: IdentityBook
  /** Parse a duration such as `12h` (the CLI's parser). */
  parseDuration: (text: string) => number
  /** Called once when the user quits. */
  onQuit: () => void
  /** Log file writer for what must not reach the screen. */
  log: (line: string) => void
}

/** The error message of anything thrown, without a stack. */
function messageOf (err: unknown): string {
  return (err as { message?: string } | null)?.message ?? String(err)
}

/**
 * The terminal UI's controller: feeds chat events into the model, keys and commands
 * into the chat library, and asks the view to redraw. No protocol or crypto here.
 */
export class TuiApp implements CommandContext {
  readonly model: UiModel
  readonly input = new InputLine()
  private readonly init: TuiAppInit
  private completion?: CompletionState
  private renderQueued = false
  private statusTimer?: ReturnType<typeof setInterval>
  private quitting = false
  private readonly verification: VerificationCommands
  private readonly management: MembershipCommands

  constructor (init: TuiAppInit) {
    this.init = init
    this.model = new UiModel(init.nick, init.identity.fingerprint)
    this.verification = new VerificationCommands({
      info: (text) => { this.info(text) },
      fail: (text) => { this.fail(text) },
      block: (lines) => { for (const text of lines) this.currentLine({ kind: 'block', text }) },
      overlay: (title, lines) => this.init.view.showOverlay(title, lines),
      session: () => this.session(),
      refreshMembers: () => { for (const session of this.init.client.rooms()) this.syncMembers(session) }
    }, init.identities, init.identity)
    this.management = new MembershipCommands({
      info: (text) => { this.info(text) },
      fail: (text) => { this.fail(text) },
      session: () => this.session(),
      nickOf: (fp) => {
        try {
          return init.identities.find(fp).nicks.at(-1)
        } catch {
          return undefined
        }
      }
    })
  }

  /** Draw soon, once, however many events arrive in the same tick. */
  render (): void {
    if (this.renderQueued) return
    this.renderQueued = true
    setImmediate(() => {
      this.renderQueued = false
      if (!this.quitting) this.init.view.render(this.model, this.input)
    })
  }

  /** Open every stored room (the `first` one selected), keep the status fresh. */
  async start (first?: string): Promise<void> {
    const records = this.init.rooms.list()
    const ordered = first != null ? [...records.filter((r) => r.roomId === first), ...records.filter((r) => r.roomId !== first)] : records
    for (const record of ordered) this.model.addRoom(record.roomId, record.name)
    if (ordered.length === 0) this.systemLine('You are in no rooms yet: /join <roomId> <invite>, or create one with: cryptochat create <name> --relay <multiaddr>')
    this.model.switchTo(0)
    this.statusTimer = setInterval(() => { this.refreshStatus() }, STATUS_REFRESH_MS)
    this.statusTimer.unref?.()
    this.init.client.on('relay', (r) => {
      for (const session of this.init.client.rooms()) {
        if (session.relays.some((a) => a.endsWith(`/p2p/${r.peerId}`))) this.line(session.roomId, { kind: r.up ? 'system' : 'error', text: r.up ? 'relay connected' : 'relay connection lost; reconnecting' })
      }
      this.refreshStatus()
    })
    this.render()
    // Rooms open side by side; each reports its own success or failure in its log.
    await Promise.all(ordered.map(async (record) => { await this.openRoom(record) }))
  }

  private systemLine (text: string): void {
    this.model.system.push({ ts: Date.now(), kind: 'system', text })
    this.render()
  }

  private line (roomId: string, line: Omit<LogLine, 'ts'> & { ts?: number }): void {
    const full: LogLine = { ts: Date.now(), ...line }
    const room = this.model.find(roomId)
    // Only a reader scrolled up needs the row count (to keep their place).
    const rows = room != null && room.scroll > 0 ? this.init.view.rowCount(full, room) : 1
    this.model.addLine(roomId, full, rows)
    this.render()
  }

  /** Join a room with the chat library and wire its events into the model. */
  private async openRoom (record: RoomRecord): Promise<void> {
    this.model.addRoom(record.roomId, record.name)
    this.line(record.roomId, { kind: 'system', text: `joining '${record.name}' through ${record.relays.length} relay${record.relays.length === 1 ? '' : 's'}…` })
    let session: RoomSession
    try {
      session = await this.init.client.joinRoom(record)
    } catch (err) {
      this.line(record.roomId, { kind: 'error', text: `could not join: ${messageOf(err)}` })
      return
    }
    const view = this.model.find(record.roomId)
    if (view != null) view.nick = session.nick
    // Listeners and the history read happen in one synchronous step: a message is either
    // in the history read here or announced to the listener, never both, never neither.
    session.on('message', (m) => { this.onMessage(m) })
    session.on('member', (m) => { this.onMember(m, session) })
    session.on('warning', (w) => { this.line(w.roomId, { kind: 'error', text: w.message }) })
    session.on('status', (e) => { if (this.model.setStatus(e.roomId, e.index, e.status)) this.render() })
    session.on('catchup', (c) => {
      this.line(c.roomId, { kind: 'system', text: `caught up: ${c.count} message${c.count === 1 ? '' : 's'} you missed, from ${c.from === 'store' ? 'the relay\'s store' : 'a member'} (shown in place by time)` })
    })
    session.on('membership', (e) => {
      this.line(e.roomId, { kind: (e.event === 'refused' || e.event === 'removed') && e.self ? 'error' : 'system', text: membershipLine(session, e) })
    })
    session.on('epoch', (e) => {
      this.line(e.roomId, { kind: 'system', text: `new key epoch ${e.epoch}: messages from now on are sealed with a key only current members hold` })
    })
    session.on('gap', (g) => {
      this.line(g.roomId, { kind: 'error', text: `${g.missing} message${g.missing === 1 ? '' : 's'} from ${g.nick !== '' ? g.nick : 'a member'} (${g.fingerprint.slice(0, 8)}) missing: nobody reachable has ${g.missing === 1 ? 'it' : 'them'}` })
    })
    const earlier = session.recent(HISTORY_SHOWN_ON_OPEN)
    if (earlier.length > 0) {
      this.line(record.roomId, { kind: 'system', text: `history: the last ${earlier.length} message${earlier.length === 1 ? '' : 's'} (PgUp for more)`, ts: earlier[0]?.ts ?? Date.now() })
      for (const m of earlier) this.onMessage(m)
    }
    const unsent = session.unacknowledged().filter((m) => m.status === 'pending').length
    if (unsent > 0) this.line(record.roomId, { kind: 'system', text: `${unsent} message${unsent === 1 ? '' : 's'} from earlier still pending: sent as soon as a member or relay is reachable` })
    // Members heard before the listener was in place are checked too.
    for (const m of session.members()) {
      const warning = m.self ? undefined : this.verification.observe({ ...m, roomId: record.roomId })
      if (warning != null) this.line(record.roomId, { kind: 'error', text: warning })
    }
    this.syncMembers(session)
    this.line(record.roomId, { kind: 'system', text: `joined '${record.name}' as ${session.nick}; end-to-end encrypted. /help lists commands.` })
    this.refreshStatus()
  }

  private messageLine (m: ChatMessageEvent): LogLine {
    return {
      ts: m.ts,
      kind: m.kind === 'action' ? 'action' : 'message',
      text: m.text,
      nick: m.nick,
      fingerprint: m.fingerprint,
      self: m.self,
      index: m.index,
      ...(m.status != null ? { status: m.status } : {}),
      mention: !m.self && this.model.mentions(m.text, m.roomId)
    }
  }

  private onMessage (m: ChatMessageEvent): void {
    // A message can reach us twice around a room's opening: in the history read and as an
    // event. One (sender, number) is one line.
    const room = this.model.find(m.roomId)
    if (room?.lines.some((l) => l.index === m.index && l.fingerprint === m.fingerprint) === true) return
    const line = this.messageLine(m)
    if (m.via !== 'repair' && m.via !== 'catchup') {
      this.line(m.roomId, line)
      return
    }
    // Fetched late: shown in its place by time, not at the bottom.
    const rows = room != null && room.scroll > 0 ? this.init.view.rowCount(line, room) : 1
    this.model.insertLine(m.roomId, line, rows)
    this.render()
  }

  private onMember (m: MemberEvent, session: RoomSession): void {
    const warning = this.verification.observe(m)
    this.syncMembers(session)
    if (m.self) return
    const who = `${m.nick} (${m.fingerprint.slice(0, 8)})`
    const text = {
      join: `${who} joined`,
      present: `${who} is here`,
      nick: `${m.previousNick ?? '?'} (${m.fingerprint.slice(0, 8)}) is now known as ${m.nick}`,
      leave: `${who} left`,
      gone: `${who} has not been heard from for a while and is gone`
    }[m.event]
    this.line(m.roomId, { kind: 'system', text })
    // Loud, and after the arrival line it is about.
    if (warning != null) this.line(m.roomId, { kind: 'error', text: warning })
  }

  private syncMembers (session: RoomSession): void {
    const room = this.model.find(session.roomId)
    if (room == null) return
    room.members = session.members().map((m) => {
      const trust = this.verification.trustOf(m, session.roomId)
      return { nick: m.nick, fingerprint: m.fingerprint, self: m.self, ...(trust != null ? { trust } : {}) }
    })
    this.render()
  }

  private refreshStatus (): void {
    for (const room of this.model.rooms) {
      const status = this.init.client.roomStatus(room.roomId)
      if (status != null) room.status = status
    }
    this.render()
  }

  private session (): RoomSession | undefined {
    const room = this.model.room
    return room == null ? undefined : this.init.client.rooms().find((s) => s.roomId === room.roomId)
  }

  // ---- keys ---------------------------------------------------------------

  /** A key from the view: bound actions first, printable characters into the input. */
  onKey (ch: string | undefined, fullKey: string): void {
    if (this.init.view.overlayOpen) {
      // Any key closes an overlay (the QR code), and does nothing else.
      this.init.view.closeOverlay()
      this.render()
      return
    }
    const action = actionFor(fullKey)
    if (action !== 'complete') this.completion = undefined
    if (action != null) {
      this.act(action)
    } else if (ch != null && ch.length > 0 && !/[\p{Cc}]/u.test(ch)) {
      this.input.insert(ch)
    }
    this.render()
  }

  private act (action: KeyAction): void {
    const height = this.init.view.logHeight()
    switch (action) {
      case 'send': void this.submit(this.input.take()); break
      case 'complete': this.tabComplete(); break
      case 'quit': void this.quit(); break
      case 'nextRoom': this.model.cycle(1); break
      case 'prevRoom': this.model.cycle(-1); break
      case 'nextActive': this.model.nextActive(); break
      case 'pageUp': this.scroll(Math.max(1, height - 2), height); break
      case 'pageDown': this.scroll(-Math.max(1, height - 2), height); break
      case 'historyUp': this.input.historyUp(); break
      case 'historyDown': this.input.historyDown(); break
      case 'left': this.input.left(); break
      case 'right': this.input.right(); break
      case 'home': this.input.home(); break
      case 'end': this.input.end(); break
      case 'backspace': this.input.backspace(); break
      case 'deleteForward': this.input.deleteForward(); break
      case 'killToStart': this.input.killToStart(); break
      case 'killWord': this.input.killWord(); break
      default: this.model.switchTo(Number(action.slice(4)) - 1)
    }
  }

  private scroll (rows: number, height: number): void {
    const room = this.model.room
    if (room == null) return
    const total = this.init.view.totalRows(room)
    // At the top of what is loaded: read older messages back from history first.
    if (rows > 0 && room.scroll + rows > total - height) this.loadOlder(room.roomId)
    this.model.scrollBy(rows, height, this.init.view.totalRows(room))
  }

  /** Put the next older page of history above what the room shows. */
  private loadOlder (roomId: string): void {
    const session = this.init.client.rooms().find((s) => s.roomId === roomId)
    const room = this.model.find(roomId)
    if (session == null || room == null) return
    const shown = room.lines.filter((l) => l.kind === 'message' || l.kind === 'action').length
    const older = session.older(shown, HISTORY_SHOWN_ON_OPEN)
    this.model.prependLines(roomId, older.map((m) => this.messageLine(m)))
  }

  private tabComplete (): void {
    const nicks = this.model.room?.members.filter((m) => !m.self).map((m) => m.nick) ?? []
    const result = complete(this.input.text, true, { commands: COMMANDS.map((c) => c.name), nicks }, this.completion)
    this.input.set(result.input)
    this.completion = result.state
  }

  /** Run a typed line: a /command, or a message to the current room. */
  async submit (line: string): Promise<void> {
    const parsed = parseCommandLine(line)
    try {
      if (parsed.kind === 'text') {
        if (parsed.text.trim().length === 0) return
        const session = this.session()
        if (session == null) return this.fail('you are in no room here: /join <roomId> <invite> first')
        await session.send(parsed.text)
        return
      }
      const spec = COMMANDS.find((c) => c.name === parsed.name)
      if (spec == null) return this.fail(`unknown command /${parsed.name}; /help lists them`)
      const arity = checkArity(spec, parsed.args)
      if (arity != null) return this.fail(arity)
      await spec.run(this, parsed.args, parsed.rest)
    } catch (err) {
      this.fail(messageOf(err))
    }
  }

  // ---- commands (CommandContext) -----------------------------------------

  info (text: string): void {
    this.currentLine({ kind: 'system', text })
  }

  /** A line in the current room's log (or the no-room screen). */
  private currentLine (line: Omit<LogLine, 'ts'>): void {
    const room = this.model.room
    if (room == null) this.systemLine(line.text)
    else this.line(room.roomId, line)
  }

  fail (text: string): void {
    const room = this.model.room
    if (room == null) this.systemLine(`error: ${text}`)
    else this.line(room.roomId, { kind: 'error', text })
  }

  help (topic?: string): void {
    const lines = topic === 'keys' ? ['Keys:', ...keyHelp()] : helpText(COMMANDS, topic)
    for (const l of lines) this.info(l)
  }

  async join (roomId: string, invite?: string): Promise<void> {
    const record = invite != null ? acceptInvite(invite, roomId, this.init.rooms).room : this.init.rooms.require(roomId)
    this.model.addRoom(record.roomId, record.name)
    this.model.switchTo(this.model.rooms.findIndex((r) => r.roomId === record.roomId))
    await this.openRoom(record)
  }

  async create (name: string): Promise<void> {
    const current = this.session()
    if (current == null) return this.fail('/create uses the relays of the current room; open a room first, or use: cryptochat create <name> --relay <multiaddr>')
    const room = createRoom({ name, relays: current.relays, identity: this.init.identity, rooms: this.init.rooms, nick: this.model.nickIn() })
    await this.join(room.roomId)
    await this.invite({ qr: false })
  }

  async invite (options: { expires?: string, uses?: string, qr: boolean }): Promise<void> {
    const room = this.model.room
    const session = this.session()
    if (room == null || session == null) return this.fail('open a room first')
    const ttlMs = options.expires != null ? this.init.parseDuration(options.expires) : undefined
    const maxUses = options.uses != null ? Number(options.uses) : 0
    if (!Number.isSafeInteger(maxUses) || maxUses < 0 || (options.uses != null && maxUses === 0)) return this.fail('--uses takes a whole number of people, 1 or more')
    const why = session.membership.managed ? canInvite(session.membership.state, bytesToHex(this.init.identity.publicKey)) : undefined
    if (why != null) return this.fail(why === 'not a member' ? 'the room has not let you in (yet): an invite from you would let nobody in' : why)
    const issued = issueInvite(this.init.rooms.require(room.roomId), this.init.identity, { ...(ttlMs != null ? { ttlMs } : {}), maxUses, epochSecret: session.inviteSecret() })
    // Announced, so every member's /invites lists it.
    if (session.membership.managed) void session.control({ type: ControlType.INVITE, inviteId: hexToBytes(issued.inviteId), expiresAt: BigInt(issued.expiresAt), maxUses })
    this.info(`invite ${issued.inviteId} to '${room.name}', valid until ${new Date(issued.expiresAt).toLocaleString()}${maxUses > 0 ? `, for ${maxUses} join${maxUses === 1 ? '' : 's'}` : ''} (share it privately: it lets anyone read the room; /revoke ${issued.inviteId} stops it):`)
    this.info(`cryptochat join ${room.roomId} --invite ${issued.code}`)
    if (options.qr) {
      const lines = await qrLines(issued.code)
      if (!this.init.view.showOverlay('invite QR code: any key closes', lines)) {
        this.fail(`the terminal is too small for the QR code (it needs ${Math.max(...lines.map((l) => [...l].length)) + 4}×${lines.length + 2}); enlarge it and try again`)
      }
    }
  }

  members (): void { this.management.members() }
  async kick (who: string): Promise<void> { await this.management.kick(who) }
  async promote (who: string): Promise<void> { await this.management.promote(who) }
  invites (): void { this.management.invites() }
  async revoke (inviteId: string): Promise<void> { await this.management.revoke(inviteId) }
  async policy (who: string): Promise<void> { await this.management.policy(who) }

  async part (): Promise<void> {
    const room = this.model.room
    if (room == null) return this.fail('no room to leave')
    await this.init.client.leaveRoom(room.roomId)
    this.model.removeRoom(room.roomId)
    this.systemLine(`left '${room.name}'; /join ${room.roomId} to come back`)
    this.model.switchTo(this.model.current)
  }

  async setNick (nick: string): Promise<void> {
    const session = this.session()
    if (session == null) return this.fail('open a room first')
    await session.setNick(nick)
    const view = this.model.find(session.roomId)
    if (view != null) view.nick = nick
    this.syncMembers(session)
    this.info(`you are now known as ${nick} in this room`)
  }

  listRooms (): void {
    const open = new Set(this.model.rooms.map((r) => r.roomId))
    this.model.rooms.forEach((r, i) => { this.info(`${i + 1}. ${r.name}  ${r.roomId}${r.unread > 0 ? `  (${r.unread} unread)` : ''}`) })
    for (const r of this.init.rooms.list().filter((r) => !open.has(r.roomId))) this.info(`-  ${r.name}  ${r.roomId}  (not open: /join ${r.roomId})`)
  }

  who (): void {
    const room = this.model.room
    if (room == null) return this.fail('open a room first')
    this.info(`${room.members.length} member${room.members.length === 1 ? '' : 's'} in '${room.name}':`)
    const notes = { verified: '  ✓ verified', changed: '  ! not the verified key for this nick' }
    for (const m of room.members) this.info(`  ${m.nick}  ${m.fingerprint.slice(0, 8)}${m.self ? '  (you)' : m.trust != null ? notes[m.trust] : ''}`)
  }

  whois (nick: string): void {
    const session = this.session()
    const matches = session?.members().filter((m) => m.nick.toLowerCase() === nick.toLowerCase()) ?? []
    if (session == null || matches.length === 0) return this.fail(`no member called ${nick} here`)
    for (const m of matches) {
      const text = `${m.nick}${m.self ? ' (you)' : ''}: fingerprint ${groupFingerprint(m.fingerprint)}${m.self ? '' : `, ${this.verification.describe(m, session.roomId)}`}`
      if (this.verification.trustOf(m, session.roomId) === 'changed') this.fail(text)
      else this.info(text)
    }
  }

  async verify (who: string, action?: 'confirm' | 'qr'): Promise<void> {
    await this.verification.verify(who, action)
  }

  unverify (who: string): void {
    this.verification.unverify(who)
  }

  async me (action: string): Promise<void> {
    const session = this.session()
    if (session == null) return this.fail('open a room first')
    await session.send(action, MessageKind.ACTION)
  }

  clear (): void {
    const room = this.model.room
    if (room != null) {
      room.lines = []
      room.scroll = 0
    }
  }

  async quit (): Promise<void> {
    if (this.quitting) return
    this.quitting = true
    if (this.statusTimer != null) clearInterval(this.statusTimer)
    this.init.onQuit()
  }
}
