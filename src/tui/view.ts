import blessed from 'blessed'
import { colorForFingerprint, OWN_COLOR } from './colors.js'
import { duplicateNicks, formatTime, shortFp } from './format.js'
import type { InputLine } from './input-line.js'
import type { LogLine, RoomView, UiModel } from './model.js'
import { escapeTags, visibleText } from './sanitize.js'
import { displayWidth, truncate, wrap } from './width.js'

const ROOMS_WIDTH = 22
const MEMBERS_WIDTH = 26
/** Width of `[HH:MM] `: continuation lines are indented under the text. */
const TIME_WIDTH = 8

/** Options of the view (streams default to the process's terminal). */
/** How our messages show delivery: kept here only, published, held by someone else. */
const STATUS_MARKERS: Record<'pending' | 'sent' | 'acked', { text: string, color: string }> = {
  pending: { text: ' (pending)', color: 'yellow' },
  sent: { text: ' ✓', color: 'gray' },
  acked: { text: ' ✓✓', color: 'gray' }
}

/** How the member list marks a member's key (see MemberView.trust). */
const TRUST_MARKERS: Record<'verified' | 'changed', { text: string, color: string }> = {
  verified: { text: '✓', color: 'green' },
  changed: { text: '!', color: 'red' }
}

/** What naming a sender in the log depends on: nicks shared in the room, keys not the verified one for their nick. */
interface Senders {
  dups: ReadonlySet<string>
  changed: ReadonlySet<string>
}

function sendersOf (room: RoomView): Senders {
  return {
    dups: duplicateNicks(room.members.map((m) => m.nick)),
    changed: new Set(room.members.filter((m) => m.trust === 'changed').map((m) => m.fingerprint))
  }
}

export interface TuiViewInit {
  input?: NodeJS.ReadableStream
  output?: NodeJS.WritableStream
}

/**
 * The blessed screen: room list (left), log (centre), members (right), status bar and
 * input line (bottom). It only draws the model; it holds no chat logic. Every piece of
 * peer-controlled text goes through the sanitiser before it reaches a tag-enabled box.
 */
export class TuiView {
  readonly screen: blessed.Widgets.Screen
  private readonly roomList: blessed.Widgets.BoxElement
  private readonly log: blessed.Widgets.BoxElement
  private readonly memberList: blessed.Widgets.BoxElement
  private readonly status: blessed.Widgets.BoxElement
  private readonly input: blessed.Widgets.BoxElement
  private overlay?: blessed.Widgets.BoxElement

  constructor (init: TuiViewInit = {}) {
    this.screen = blessed.screen({
      smartCSR: true,
      fullUnicode: true,
      dockBorders: true,
      autoPadding: true,
      title: 'CryptoChat',
      ...(init.input != null ? { input: init.input as any } : {}),
      ...(init.output != null ? { output: init.output as any } : {})
    })
    this.roomList = blessed.box({ parent: this.screen, top: 0, left: 0, width: ROOMS_WIDTH, bottom: 2, border: { type: 'line' }, label: ' rooms ', tags: true })
    this.log = blessed.box({ parent: this.screen, top: 0, left: ROOMS_WIDTH, right: MEMBERS_WIDTH, bottom: 2, border: { type: 'line' }, tags: true, wrap: false })
    this.memberList = blessed.box({ parent: this.screen, top: 0, right: 0, width: MEMBERS_WIDTH, bottom: 2, border: { type: 'line' }, label: ' members ', tags: true })
    this.status = blessed.box({ parent: this.screen, bottom: 1, left: 0, right: 0, height: 1, tags: true, style: { fg: 'white', bg: 'blue' } })
    this.input = blessed.box({ parent: this.screen, bottom: 0, left: 0, right: 0, height: 1, tags: true })
  }

  /** Rows available for log lines. */
  logHeight (): number {
    return Math.max(1, (this.log.height as number) - 2)
  }

  private logWidth (): number {
    return Math.max(10, (this.log.width as number) - 2)
  }

  /** Redraw everything from the model. */
  render (model: UiModel, input: InputLine): void {
    this.renderRooms(model)
    this.renderLog(model.room, model)
    this.renderMembers(model.room)
    this.renderStatus(model)
    this.renderInput(input)
    this.screen.render()
  }

  private renderRooms (model: UiModel): void {
    const inner = ROOMS_WIDTH - 2
    const rows = model.rooms.map((room, i) => {
      const marker = room.mention ? '{red-fg}!{/red-fg}' : ' '
      const unread = room.unread > 0 ? ` (${room.unread})` : ''
      const label = escapeTags(truncate(visibleText(`${i + 1} ${room.name}`), inner - 1 - unread.length))
      const row = `${marker}${label}${unread}`
      return i === model.current ? `{inverse}${row}{/inverse}` : row
    })
    this.roomList.setContent(rows.length > 0 ? rows.join('\n') : '{gray-fg}no room{/gray-fg}')
  }

  /** The wrapped screen rows of one log line, the first with the time and sender. */
  private rowsOf (line: LogLine, width: number, senders: Senders): string[] {
    if (line.kind === 'block') return [`{white-fg}${escapeTags(truncate(visibleText(line.text), width))}{/white-fg}`]
    const time = `{gray-fg}${formatTime(line.ts)}{/gray-fg} `
    const textWidth = Math.max(4, width - TIME_WIDTH)
    let prefix = ''
    let prefixWidth = 0
    let body = visibleText(line.text)
    if ((line.kind === 'message' || line.kind === 'action') && line.nick != null && line.fingerprint != null) {
      // memberLabel's rule (a shared nick, or one containing '~', gets the short
      // fingerprint), built unescaped here so it can be measured and cut first. A key that
      // is not the verified one for its nick always shows its fingerprint, and a red `!`.
      const nick = truncate(visibleText(line.nick), 20)
      const changed = line.self !== true && senders.changed.has(line.fingerprint)
      const label = changed
        ? `${nick}~${shortFp(line.fingerprint)}!`
        : senders.dups.has(line.nick) || line.nick.includes('~') ? `${nick}~${shortFp(line.fingerprint)}` : nick
      const color = line.self === true ? OWN_COLOR : changed ? 'red' : colorForFingerprint(line.fingerprint)
      const styled = `{${color}-fg}${line.self === true ? '{bold}' : ''}${escapeTags(label)}${line.self === true ? '{/bold}' : ''}{/${color}-fg}`
      if (line.kind === 'action') {
        prefix = `* ${styled} `
        prefixWidth = 3 + displayWidth(label)
      } else {
        prefix = `<${styled}> `
        prefixWidth = 3 + displayWidth(label)
      }
    } else if (line.kind === 'system') {
      body = `-- ${body}`
    } else if (line.kind === 'error') {
      body = `!! ${body}`
    }
    // Our messages end with where delivery stands (kept out of the wrapped text).
    const marker = line.self === true && line.status != null ? STATUS_MARKERS[line.status] : undefined
    const markerWidth = marker != null ? displayWidth(marker.text) : 0
    // Short prefixes wrap under the text; a long nick wraps under the time instead.
    const hang = prefixWidth < textWidth / 2 ? prefixWidth : 0
    const first = wrap(body, Math.max(4, textWidth - prefixWidth - markerWidth))
    const rest = first.length > 1 ? wrap(first.slice(1).join(' '), Math.max(4, textWidth - hang - markerWidth)) : []
    const paint = (s: string): string => {
      const escaped = escapeTags(s)
      if (line.kind === 'system') return `{gray-fg}${escaped}{/gray-fg}`
      if (line.kind === 'error') return `{red-fg}${escaped}{/red-fg}`
      if (line.mention === true) return `{yellow-fg}${escaped}{/yellow-fg}`
      return escaped
    }
    const rows = [
      time + prefix + paint(first[0] ?? ''),
      ...rest.map((r) => ' '.repeat(TIME_WIDTH + hang) + paint(r))
    ]
    if (marker != null) rows[rows.length - 1] += `{${marker.color}-fg}${marker.text}{/${marker.color}-fg}`
    return rows
  }

  /** Screen rows one line of `room` takes once wrapped. */
  rowCount (line: LogLine, room: RoomView): number {
    return this.rowsOf(line, this.logWidth(), sendersOf(room)).length
  }

  /** Screen rows the whole log of `room` takes once wrapped. */
  totalRows (room: RoomView): number {
    const senders = sendersOf(room)
    const width = this.logWidth()
    return room.lines.reduce((sum, line) => sum + this.rowsOf(line, width, senders).length, 0)
  }

  private renderLog (room: RoomView | undefined, model: UiModel): void {
    if (room == null) {
      this.log.setLabel(' CryptoChat ')
      this.log.setContent(model.system.map((l) => `{gray-fg}-- ${escapeTags(visibleText(l.text))}{/gray-fg}`).join('\n'))
      return
    }
    this.log.setLabel(` ${escapeTags(truncate(visibleText(room.name), 40))} `)
    const width = this.logWidth()
    const height = this.logHeight()
    const senders = sendersOf(room)
    // Wrap from the newest line backwards only as far as the screen (and scroll) needs.
    const needed = height + room.scroll
    const rows: string[] = []
    for (let i = room.lines.length - 1; i >= 0 && rows.length < needed; i--) {
      rows.unshift(...this.rowsOf(room.lines[i] as LogLine, width, senders))
    }
    const end = Math.max(0, rows.length - room.scroll)
    const visible = rows.slice(Math.max(0, end - height), end)
    this.log.setContent(visible.join('\n'))
  }

  private renderMembers (room: RoomView | undefined): void {
    if (room == null) {
      this.memberList.setContent('')
      return
    }
    // Every member shows its short fingerprint: equal nicks stay distinguishable. Then `*`
    // for us, `✓` for a verified key, a red `!` (and a red nick) for a key that is not the
    // verified one for its nick.
    const rows = room.members.map((m) => {
      const color = m.self ? OWN_COLOR : m.trust === 'changed' ? 'red' : colorForFingerprint(m.fingerprint)
      const trust = m.trust != null ? TRUST_MARKERS[m.trust] : undefined
      const marker = m.self ? '*' : trust != null ? `{bold}{${trust.color}-fg}${trust.text}{/${trust.color}-fg}{/bold}` : ''
      return `{${color}-fg}${escapeTags(truncate(visibleText(m.nick), MEMBERS_WIDTH - 13))}{/${color}-fg} {gray-fg}${shortFp(m.fingerprint)}{/gray-fg}${marker}`
    })
    this.memberList.setLabel(` members (${room.members.length}) `)
    this.memberList.setContent(rows.join('\n'))
  }

  private renderStatus (model: UiModel): void {
    const room = model.room
    const parts = [` ${escapeTags(truncate(visibleText(model.nickIn()), 20))} (${shortFp(model.fingerprint)})`]
    if (room != null) {
      parts.push(escapeTags(truncate(visibleText(room.name), 24)))
      const s = room.status
      if (s != null) {
        parts.push(s.relaysUp > 0 ? `relay up ${s.relaysUp}/${s.relaysTotal}` : '{red-fg}relay down{/red-fg}')
        parts.push(`mesh: ${s.viaHub ? 'hub' : 'no hub'}, ${s.direct} direct, ${s.relayed} relayed`)
      }
      parts.push('E2E encrypted')
      if (room.scroll > 0) parts.push(`{yellow-fg}scrolled up${(room.newBelow ?? 0) > 0 ? `, ${room.newBelow ?? 0} new below` : ''}{/yellow-fg}`)
    }
    this.status.setContent(parts.join(' | '))
  }

  private renderInput (input: InputLine): void {
    const width = Math.max(10, (this.input.width as number) - 3)
    const text = visibleText(input.text)
    // Scroll horizontally so the cursor stays visible.
    const before = visibleText(input.text.slice(0, input.cursor))
    let start = 0
    while (displayWidth(before.slice(start)) > width - 1) start++
    const shownBefore = before.slice(start)
    const after = text.slice(before.length)
    const cursorChar = Array.from(after)[0] ?? ' '
    const rest = after.slice(cursorChar === ' ' && after.length === 0 ? 0 : cursorChar.length)
    this.input.setContent(`> ${escapeTags(shownBefore)}{inverse}${escapeTags(cursorChar)}{/inverse}${escapeTags(truncate(rest, Math.max(0, width - displayWidth(shownBefore) - 1)))}`)
  }

  /**
   * Show pre-formatted lines (a QR code) in a box over everything, as wide as they need;
   * false when the terminal is too small to show them whole (a cut QR code is useless).
   */
  showOverlay (title: string, lines: string[]): boolean {
    this.closeOverlay()
    const width = Math.max(...lines.map(displayWidth), displayWidth(title)) + 4
    const height = lines.length + 2
    if (width > (this.screen.width as number) || height > (this.screen.height as number)) return false
    this.overlay = blessed.box({
      parent: this.screen,
      top: 'center',
      left: 'center',
      width,
      height,
      border: { type: 'line' },
      label: ` ${escapeTags(title)} `,
      tags: true,
      style: { fg: 'white', bg: 'black' },
      content: lines.map((l) => ` ${escapeTags(l)}`).join('\n')
    })
    this.screen.render()
    return true
  }

  /** Whether an overlay is open (the next key closes it). */
  get overlayOpen (): boolean {
    return this.overlay != null
  }

  closeOverlay (): void {
    this.overlay?.destroy()
    this.overlay = undefined
  }

  destroy (): void {
    this.screen.destroy()
  }
}
