import stringWidth from 'string-width'

/**
 * Terminal display width of text, and cutting/wrapping by it. Everything here works on
 * grapheme clusters (what a user sees as one character), so an emoji ZWJ sequence, a flag
 * or a letter with its accents is never split, and CJK/emoji count their two columns.
 */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

// ASCII whitespace only: a no-break space (U+00A0) inside a word must stay unbroken.
const WORD_SEPARATOR = /[ \t\n\v\f\r]+/

/**
 * Columns `s` takes on a terminal. ANSI escape sequences are counted as the characters
 * they are (the bare ESC is zero-width) rather than stripped, so the width of a string is
 * exactly the sum of the widths of its graphemes: wrap and truncate rely on that, and
 * text shown in the UI is sanitized first anyway, so it holds no ESC.
 */
export function displayWidth (s: string): number {
  return stringWidth(s, { countAnsiEscapeCodes: true })
}

/** The grapheme clusters of `s`, in order; joined back they give `s`. */
export function graphemes (s: string): string[] {
  return Array.from(graphemeSegmenter.segment(s), (part) => part.segment)
}

// NaN and negative column counts would make the loops below meaningless: clamp them.
function columns (cols: number, min: number): number {
  return Number.isNaN(cols) ? min : Math.max(min, Math.floor(cols))
}

/**
 * `s` cut to at most `cols` display columns, on a grapheme boundary. When something is
 * cut, `ellipsis` (default `…`) ends the result and counts toward `cols`; it is left out
 * if even it does not fit. Text that already fits is returned unchanged.
 */
export function truncate (s: string, cols: number, ellipsis = '…'): string {
  const max = columns(cols, 0)
  if (displayWidth(s) <= max) return s
  const tail = displayWidth(ellipsis) <= max ? ellipsis : ''
  const budget = max - displayWidth(tail)
  let out = ''
  let used = 0
  for (const g of graphemes(s)) {
    const w = displayWidth(g)
    if (used + w > budget) break
    out += g
    used += w
  }
  return out + tail
}

/**
 * Word-wrap `text` into lines of at most `cols` display columns (`cols` below 1 counts
 * as 1). Words are separated by runs of ASCII whitespace, which become single spaces; no
 * line starts or ends with a space. A word wider than a line starts on a new line and is
 * broken between graphemes. The one case where a line is wider than `cols` is a single
 * grapheme that is itself wider (a CJK character at `cols` = 1): it gets a line of its
 * own rather than being split or dropped. Always returns at least one line (`['']` for
 * text with no words).
 */
export function wrap (text: string, cols: number): string[] {
  const max = columns(cols, 1)
  const lines: string[] = []
  let line = ''
  let used = 0
  const newLine = (): void => {
    lines.push(line)
    line = ''
    used = 0
  }
  for (const word of text.split(WORD_SEPARATOR)) {
    if (word === '') continue
    const w = displayWidth(word)
    if (line !== '' && used + 1 + w <= max) {
      line += ' ' + word
      used += 1 + w
      continue
    }
    if (line !== '') newLine()
    if (w <= max) {
      line = word
      used = w
      continue
    }
    for (const g of graphemes(word)) {
      const gw = displayWidth(g)
      if (line !== '' && used + gw > max) newLine()
      line += g
      used += gw
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line)
  return lines
}
