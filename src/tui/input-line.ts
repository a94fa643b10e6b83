/** Most entries kept in the input history. */
export const MAX_HISTORY = 200

/**
 * The input line: a text buffer with a cursor (in UTF-16 code units, always on a code
 * point boundary), readline-style editing, and an Up/Down history of what was sent.
 */
export class InputLine {
  text = ''
  cursor = 0
  private readonly history: string[] = []
  /** Position while walking the history; history.length means "the line being typed". */
  private browsing = 0
  private draft = ''

  insert (chars: string): void {
    this.text = this.text.slice(0, this.cursor) + chars + this.text.slice(this.cursor)
    this.cursor += chars.length
  }

  /** Delete the code point before the cursor. */
  backspace (): void {
    if (this.cursor === 0) return
    const before = Array.from(this.text.slice(0, this.cursor))
    const removed = before.pop() ?? ''
    this.text = before.join('') + this.text.slice(this.cursor)
    this.cursor -= removed.length
  }

  /** Delete the code point under the cursor. */
  deleteForward (): void {
    const after = Array.from(this.text.slice(this.cursor))
    after.shift()
    this.text = this.text.slice(0, this.cursor) + after.join('')
  }

  left (): void {
    const before = Array.from(this.text.slice(0, this.cursor))
    this.cursor -= (before.pop() ?? '').length
  }

  right (): void {
    const next = Array.from(this.text.slice(this.cursor))[0]
    this.cursor += next?.length ?? 0
  }

  home (): void { this.cursor = 0 }
  end (): void { this.cursor = this.text.length }

  /** Ctrl-U: delete everything before the cursor. */
  killToStart (): void {
    this.text = this.text.slice(this.cursor)
    this.cursor = 0
  }

  /** Ctrl-W: delete the word before the cursor. */
  killWord (): void {
    const before = this.text.slice(0, this.cursor).replace(/\S+\s*$/u, '')
    this.text = before + this.text.slice(this.cursor)
    this.cursor = before.length
  }

  /** Replace the whole line, cursor at the end. */
  set (text: string): void {
    this.text = text
    this.cursor = text.length
  }

  /** Take the line for sending: remembered in the history, then cleared. */
  take (): string {
    const line = this.text
    if (line.trim().length > 0 && this.history[this.history.length - 1] !== line) {
      this.history.push(line)
      if (this.history.length > MAX_HISTORY) this.history.shift()
    }
    this.browsing = this.history.length
    this.draft = ''
    this.set('')
    return line
  }

  /** Up: the previous line sent (the line being typed is kept as a draft). */
  historyUp (): void {
    if (this.browsing === 0) return
    if (this.browsing === this.history.length) this.draft = this.text
    this.browsing--
    this.set(this.history[this.browsing] ?? '')
  }

  /** Down: the next line sent, and finally the draft. */
  historyDown (): void {
    if (this.browsing >= this.history.length) return
    this.browsing++
    this.set(this.browsing === this.history.length ? this.draft : this.history[this.browsing] ?? '')
  }
}
