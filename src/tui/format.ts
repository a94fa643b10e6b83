import { nickKey } from '../verify/index.js'
import { sanitizeNick, sanitizeText } from './sanitize.js'

/** Small formatters for what the chat view prints next to each line. */

/** Characters of a fingerprint shown to tell members with the same nick apart. */
export const SHORT_FP_CHARS = 8

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** `[HH:MM]` in local time, zero padded; `[--:--]` for a timestamp that is not a date. */
export function formatTime (ts: number): string {
  const date = new Date(ts)
  if (Number.isNaN(date.getTime())) return '[--:--]'
  return `[${pad2(date.getHours())}:${pad2(date.getMinutes())}]`
}

/** The first {@link SHORT_FP_CHARS} characters of a fingerprint. */
export function shortFp (fp: string): string {
  return fp.slice(0, SHORT_FP_CHARS)
}

/**
 * What two nicks are compared by when looking for duplicates: Unicode-compatibility
 * normalized, lower-cased, invisible characters removed. So `Alice`, `alice` and
 * `ali<ZWJ>ce`, which read the same, count as the same nick. The same rule decides when
 * a key uses a verified member's nick, so it lives in src/verify.
 */
export { nickKey }

/**
 * The nicks (as given) that share their {@link nickKey} with another entry of `nicks`:
 * pass one entry per member, and give the result to {@link memberLabel}.
 */
export function duplicateNicks (nicks: Iterable<string>): Set<string> {
  const byKey = new Map<string, string[]>()
  for (const nick of nicks) {
    const key = nickKey(nick)
    const group = byKey.get(key)
    if (group === undefined) byKey.set(key, [nick])
    else group.push(nick)
  }
  const out = new Set<string>()
  for (const group of byKey.values()) if (group.length > 1) for (const nick of group) out.add(nick)
  return out
}

/**
 * How a member is named on screen, already safe for a tag-enabled blessed element:
 * the sanitized nick, plus `~` and the short fingerprint when the nick is in `dupNicks`
 * (see {@link duplicateNicks}). A nick that itself contains `~` always gets the suffix,
 * so `bob~1234abcd` cannot pose as the disambiguated label of another bob: the last
 * suffix shown is always the real one.
 */
export function memberLabel (nick: string, fp: string, dupNicks: ReadonlySet<string>): string {
  const shown = sanitizeNick(nick)
  if (!dupNicks.has(nick) && !nick.includes('~')) return shown
  return `${shown}~${sanitizeText(shortFp(fp))}`
}
