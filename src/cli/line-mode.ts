import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { describeMembership, type ChatClient, type MemberEvent, type RoomSession } from '../chat/index.js'
import { MessageKind } from '../protocol/index.js'
import { shortFingerprint } from '../identity/index.js'
import type { CommandContext } from './context.js'
import type { Output } from './output.js'
import { sanitizeForTerminal as clean } from './sanitize.js'
import { formatMessageLine as formatMessage, hhmm } from './message-line.js'
import { IdentityBook } from '../verify/index.js'

function formatMember (m: MemberEvent): string {
  return `[${hhmm(m.ts)}] -- ${clean(m.nick)}~${shortFingerprint(m.fingerprint)} ${m.event === 'join' ? 'joined' : 'left'}`
}

/**
 * A plain line-based chat for terminals (the full-screen UI is separate): type a line
 * and press Enter to send, `/me <action>`, `/quit` or Ctrl-D to leave.
 */
export async function runLineMode (client: ChatClient, session: RoomSession, ctx: CommandContext, output: Output, input: Readable): Promise<void> {
  output.out(`Joined '${clean(session.name)}' as ${clean(session.nick)} (${shortFingerprint(ctx.identity.fingerprint)}). End-to-end encrypted. /me <action>, /quit or Ctrl-D to leave.`)
  session.on('message', (m) => { if (!m.self) output.out(formatMessage(m)) })
  // Who we meet is remembered (seen.json, for `cryptochat verify`), and a key that is not
  // the verified one for its nick is said loudly, as in the other modes.
  const book = new IdentityBook(ctx.dataDir, { self: ctx.identity.fingerprint, onError: (err) => { output.err(`! ${err.message}`) } })
  const closeBook = (): void => { book.close() }
  process.once('exit', closeBook)
  session.on('member', (m) => {
    output.out(formatMember(m))
    const warning = book.observe(m)
    if (warning != null) output.err(`!! ${clean(warning.message)}`)
  })
  session.on('status', (s) => { if (s.status === 'sent' && pendingShown.delete(s.index)) output.err(`! message ${s.index} sent`) })
  session.on('catchup', (c) => { output.err(`! caught up: ${c.count} message${c.count === 1 ? '' : 's'} you missed (from ${c.from === 'store' ? 'the relay\'s store' : 'a member'})`) })
  session.on('membership', (e) => {
    const who = (fp: string): string => `${clean(session.roster().find((m) => m.fingerprint === fp)?.nick || 'a member')}~${shortFingerprint(fp)}`
    output.err(`${e.event === 'refused' && e.self ? '!' : '--'} ${clean(describeMembership(e, who))}`)
  })
  session.on('gap', (g) => { output.err(`! ${g.missing} message${g.missing === 1 ? '' : 's'} from ${clean(g.nick || 'a member')}~${shortFingerprint(g.fingerprint)} missing: nobody reachable has ${g.missing === 1 ? 'it' : 'them'}`) })
  const pendingShown = new Set<number>()
  session.on('warning', (e) => { output.err(`! ${e.message}`) })
  client.on('relay', (r) => { output.err(`! relay ${r.up ? 'connected' : 'disconnected'}`) })

  const lines = createInterface({ input, crlfDelay: Infinity })
  let queue = Promise.resolve()
  lines.on('line', (line) => {
    if (line.trim() === '/quit') {
      lines.close()
      return
    }
    if (line.length === 0) return
    const action = line.startsWith('/me ')
    queue = queue.then(async () => {
      try {
        const sent = await session.send(action ? line.slice(4) : line, action ? MessageKind.ACTION : MessageKind.TEXT)
        if (sent.status === 'pending') {
          pendingShown.add(sent.index)
          output.err(`! message ${sent.index} is pending: no member or relay is reachable; it is kept and sent when one is`)
        }
      } catch (err: any) {
        output.err(`! ${err.message}`)
      }
    })
  })
  await new Promise<void>((resolve) => lines.once('close', resolve))
  // `/quit` closes the reader, not the input: a piped stdin left open would keep the
  // process alive after the room is left.
  input.destroy()
  await queue
  await client.leaveRoom(session.roomId)
  process.off('exit', closeBook)
  closeBook()
}
