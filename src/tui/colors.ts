/**
 * Nick colours, weechat-style: each member gets a colour derived from their identity
 * fingerprint, so it stays the same across sessions and nick changes, and two members
 * who pick the same nick are likely to look different. A colour is a hint only: with 12
 * colours anyone can find a key that shares someone else's, so identity checks go by
 * fingerprint, never by colour.
 */

/**
 * Foreground colours for other members, as blessed names (usable as `style.fg` or in
 * tags like `{light-cyan-fg}`). Left out: black, white and default (the colour of text
 * and of our own lines), grey and plain blue (too dark to read on a black background).
 * The one hex colour is an orange that blessed maps to the nearest of 256 colours (or 16).
 */
export const NICK_PALETTE: readonly string[] = Object.freeze([
  'red',
  'green',
  'yellow',
  'magenta',
  'cyan',
  'light-red',
  'light-green',
  'light-yellow',
  'light-blue',
  'light-magenta',
  'light-cyan',
  '#ff8700'
])

/** The colour of our own nick: outside the palette, so no peer can share it. */
export const OWN_COLOR = 'white'

// FNV-1a over the characters, then the murmur3 finalizer so that fingerprints differing
// in one character still land on unrelated colours. Not a security property (see above).
function hash32 (text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * The palette colour for a member, from their identity fingerprint (40 hex characters;
 * case is ignored). Deliberately not from the nick, which anyone can copy.
 */
export function colorForFingerprint (fp: string): string {
  return NICK_PALETTE[hash32(fp.toLowerCase()) % NICK_PALETTE.length] as string
}
