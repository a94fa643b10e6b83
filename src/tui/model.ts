/**
 * The UI's state, independent of blessed: rooms, their log lines, unread counts,
 * scroll positions, members and the input line. Events come in (a message, a member
 * change, a key), the model changes, the view redraws from it.
 */

/** One line of a room's log. */
export interface LogLine {
  ts: number
  /** `block`: pre-formatted text drawn as is, in white, without time (a QR code). */
  kind: 'message' | 'action' | 'system' | 'error' | 'block'
  text: string
  nick?: string
  fingerprint?: string
  self?: boolean
  /** The line mentions us. */
  mention?: boolean
  /** Our messages: the sender's history index and where delivery stands. */
  index?: number
  status?: 'pending' | 'sent' | 'acked'
}

/** A member as the member list shows it. */
export interface MemberView {
  nick: string
  fingerprint: string
  self: boolean
  /**
   * `verified`: its key was compared out of band and marked. `changed`: not verified, and
   * using the nick of an identity verified in this room (shown loudly). Otherwise unset.
   */
  trust?: 'verified' | 'changed'
}

/** Connection summary shown in the status bar. */
export interface StatusView {
  relaysUp: number
  relaysTotal: number
  direct: number
  relayed: number
  viaHub: boolean
}

/** A room as the UI shows it. */
export interface RoomView {
  roomId: string
  name: string
  lines: LogLine[]
  unread: number
  mention: boolean
  /** Rows scrolled up from the bottom; 0 follows new messages. */
  scroll: number
  /** Lines that arrived below while scrolled up (shown in the status bar). */
  newBelow?: number
  members: MemberView[]
  status?: StatusView
  /** Our nick in this room (nicks are per room). */
  nick?: string
}

/** Most lines kept per room in memory (older ones are read back from history on scrolling). */
export const MAX_LOG_LINES = 2000

/** The whole UI state. */
export class UiModel {
  readonly rooms: RoomView[] = []
  current = 0
  /** The status line for the "no room" screen and system messages. */
  readonly system: LogLine[] = []

  constructor (public nick: string, readonly fingerprint: string) {}

  get room (): RoomView | undefined {
    return this.rooms[this.current]
  }

  find (roomId: string): RoomView | undefined {
    return this.rooms.find((r) => r.roomId === roomId)
  }

  addRoom (roomId: string, name: string): RoomView {
    const existing = this.find(roomId)
    if (existing != null) return existing
    const room: RoomView = { roomId, name, lines: [], unread: 0, mention: false, scroll: 0, members: [] }
    this.rooms.push(room)
    return room
  }

  removeRoom (roomId: string): void {
    const index = this.rooms.findIndex((r) => r.roomId === roomId)
    if (index < 0) return
    this.rooms.splice(index, 1)
    // Removing a room before the one on screen must not change what is on screen.
    if (index < this.current) this.current--
    if (this.current >= this.rooms.length) this.current = Math.max(0, this.rooms.length - 1)
  }

  /**
   * Append a line to a room; counts it unread (and a mention) unless it is on screen.
   * `rows` is how many screen rows the line takes once wrapped (scrolling counts rows).
   */
  addLine (roomId: string, line: LogLine, rows = 1): void {
    const room = this.find(roomId)
    if (room == null) return
    room.lines.push(line)
    // Trimmed only while following the bottom: a reader scrolled back (into lines read
    // back from history, say) keeps what they are looking at.
    if (room.lines.length > MAX_LOG_LINES && room.scroll === 0) room.lines.splice(0, room.lines.length - MAX_LOG_LINES)
    // A reader scrolled up keeps their place: the new line pushes the view, not them.
    if (room.scroll > 0) {
      room.scroll += rows
      room.newBelow = (room.newBelow ?? 0) + 1
    }
    const visible = room === this.room
    if (!visible && (line.kind === 'message' || line.kind === 'action') && line.self !== true) {
      room.unread++
      if (line.mention === true) room.mention = true
    }
  }

  /**
   * Put a message that arrived late (caught up, or a gap repaired) in its place by time,
   * and count it like {@link addLine}.
   */
  insertLine (roomId: string, line: LogLine, rows = 1): void {
    const room = this.find(roomId)
    if (room == null) return
    let at = room.lines.length
    while (at > 0 && (room.lines[at - 1]?.ts ?? 0) > line.ts) at--
    if (at === room.lines.length) {
      this.addLine(roomId, line, rows)
      return
    }
    room.lines.splice(at, 0, line)
    if (room.lines.length > MAX_LOG_LINES) room.lines.splice(0, room.lines.length - MAX_LOG_LINES)
    if (room.scroll > 0) room.scroll += rows
    if (room !== this.room && line.self !== true) room.unread++
  }

  /** Older lines read back from history, above everything shown (scrolling back). */
  prependLines (roomId: string, lines: LogLine[]): void {
    const room = this.find(roomId)
    if (room == null || lines.length === 0) return
    room.lines.unshift(...lines)
  }

  /** One of our messages changed delivery status. */
  setStatus (roomId: string, index: number, status: 'pending' | 'sent' | 'acked'): boolean {
    const line = this.find(roomId)?.lines.findLast((l) => l.self === true && l.index === index)
    if (line == null || line.status === status) return false
    line.status = status
    return true
  }

  /** Switch to room `index` (0-based); clears its unread count. */
  switchTo (index: number): boolean {
    const room = this.rooms[index]
    if (room == null) return false
    this.current = index
    room.unread = 0
    room.mention = false
    return true
  }

  /** Next (+1) or previous (-1) room, wrapping around. */
  cycle (step: 1 | -1): void {
    if (this.rooms.length === 0) return
    this.switchTo((this.current + step + this.rooms.length) % this.rooms.length)
  }

  /** Jump to the next room with activity (mentions first); false when there is none. */
  nextActive (): boolean {
    // The other rooms, nearest after the current one first (the current one is not "next").
    const order = this.rooms.slice(1).map((_, i) => (this.current + 1 + i) % this.rooms.length)
    const target = order.find((i) => this.rooms[i]?.mention === true) ?? order.find((i) => (this.rooms[i]?.unread ?? 0) > 0)
    return target != null && target !== this.current && this.switchTo(target)
  }

  /**
   * Scroll the current room by `rows` (positive: up into the past), within the log's
   * `totalRows` screen rows once wrapped (by default one row per line).
   */
  scrollBy (rows: number, viewHeight: number, totalRows?: number): void {
    const room = this.room
    if (room == null) return
    const max = Math.max(0, (totalRows ?? room.lines.length) - viewHeight)
    room.scroll = Math.min(max, Math.max(0, room.scroll + rows))
    if (room.scroll === 0) room.newBelow = 0
  }

  /** Our nick in a room (or the default one). */
  nickIn (roomId?: string): string {
    return (roomId != null ? this.find(roomId)?.nick : this.room?.nick) ?? this.nick
  }

  /** Whether `text` mentions our nick (in that room) as a word. */
  mentions (text: string, roomId?: string): boolean {
    const nick = this.nickIn(roomId)
    if (nick.length === 0) return false
    const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return new RegExp(`(^|[^\\p{L}\\p{N}_])${escaped}($|[^\\p{L}\\p{N}_])`, 'iu').test(text)
  }
}
