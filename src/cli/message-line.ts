import type { ChatMessageEvent } from '../chat/index.js'
import { shortFingerprint } from '../identity/index.js'
import { sanitizeForTerminal as clean } from './sanitize.js'

/** Local time as HH:MM. */
export function hhmm (ts: number): string {
  const d = new Date(ts)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** Local date and time as YYYY-MM-DD HH:MM, for history listings that span days. */
export function dateTime (ts: number): string {
  const d = new Date(ts)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${hhmm(ts)}`
}

/** A message as one plain line: `[time] <nick~fp> text` or `[time] * nick~fp action`, made inert for a terminal. */
export function formatMessageLine (m: ChatMessageEvent, time: (ts: number) => string = hhmm): string {
  const who = `${clean(m.nick)}~${shortFingerprint(m.fingerprint)}`
  const pending = m.self && m.status != null && m.status !== 'acked' ? ` (${m.status})` : ''
  return m.kind === 'action'
    ? `[${time(m.ts)}] * ${who} ${clean(m.text)}${pending}`
    : `[${time(m.ts)}] <${who}> ${clean(m.text)}${pending}`
}
