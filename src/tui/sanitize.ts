import { truncate } from './width.js'

/**
 * Make untrusted peer text safe to show in a blessed element created with `tags: true`.
 * Two attacks are closed: terminal control (ESC sequences, BEL, CR, backspace, bidi
 * overrides that reorder what follows) and blessed tag injection (`{red-fg}`, `{bold}`,
 * `{escape}`), which would let a peer restyle or fake other people's lines.
 */

/** Widest nick shown, in terminal columns; a longer one is cut and ends in `…`. */
export const NICK_COLUMNS = 32

// One pass over everything that needs replacing, by alternative:
//  1. an emoji tag sequence (the flags of England, Scotland, Wales: black flag, tag
//     letters, cancel tag), kept whole; tag characters anywhere else are made visible,
//     since they are invisible and are used to smuggle hidden text;
//  2. a run of line breaks and tabs, which becomes one space so the result is one line;
//  3. any other control (C0, DEL, C1), format/bidi control (\p{Cf}) or lone surrogate.
const UNSAFE = /(\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F})|((?:\r\n|[\n\t\u2028\u2029])+)|[\p{Cc}\p{Cf}\p{Cs}]/gu

// The zero-width joiner is \p{Cf} but glues emoji sequences (👩‍👩‍👧) together, so it is
// kept. Variation selectors U+FE0E/U+FE0F are \p{Mn}, not matched at all.
const ZERO_WIDTH_JOINER = 0x200d

function visibleForm (ch: string): string {
  const code = ch.codePointAt(0) as number
  if (code === ZERO_WIDTH_JOINER) return ch
  if (code < 0x20) return '^' + String.fromCharCode(code + 0x40)
  if (code === 0x7f) return '^?'
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`
}

/**
 * `text` on one line with every control character in a visible form: `^[` for ESC, `^G`
 * for BEL, `^?` for DEL, `<U+202E>` for C1 and format/bidi controls; line breaks and tabs
 * become one space. Blessed tags are NOT escaped: use this when the text still has to be
 * measured, cut or wrapped, then call {@link escapeTags} on each piece.
 */
export function visibleText (text: string): string {
  return text.replace(UNSAFE, (match: string, emojiTags: string | undefined, breaks: string | undefined) => {
    if (emojiTags !== undefined) return emojiTags
    if (breaks !== undefined) return ' '
    return visibleForm(match)
  })
}

/**
 * Escape blessed tags the way blessed's own `escape` helper does (`{` → `{open}`,
 * `}` → `{close}`), without importing blessed. Every `{` in the result starts one of
 * those two tags, so no other tag can be formed.
 */
export function escapeTags (text: string): string {
  return text.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'))
}

/** Untrusted text made safe for a tag-enabled blessed element, on a single line. */
export function sanitizeText (text: string): string {
  return escapeTags(visibleText(text))
}

/**
 * An untrusted nick made safe like {@link sanitizeText} and cut to {@link NICK_COLUMNS}
 * columns with an ellipsis. The cut happens before tag escaping, so it measures what is
 * seen and can never split an `{open}`.
 */
export function sanitizeNick (nick: string): string {
  return escapeTags(truncate(visibleText(nick), NICK_COLUMNS))
}
