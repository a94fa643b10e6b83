import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import type { ChatClient, ChatMessageEvent, MemberEvent, RoomSession } from '../chat/index.js'
import { MessageKind } from '../protocol/index.js'
import { shortFingerprint } from '../identity/index.js'
import type { CommandContext } from './context.js'
import type { Output } from './output.js'
import { sanitizeForTerminal as clean } from './sanitize.js'

function hhmm (ts: number): string {
  const d = new Date(ts)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

function formatMessage (m: ChatMessageEvent): string {
  const who = `${clean(m.nick)}~${shortFingerprint(m.fingerprint)}`
  return m.kind === 'action'
    ? `[${hhmm(m.ts)}] * ${who} ${clean(m.text)}`
    : `[${hhmm(m.ts)}] <${who}> ${clean(m.text)}`
}

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
  session.on('member', (m) => { output.out(formatMember(m)) })
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
        await session.send(action ? line.slice(4) : line, action ? MessageKind.ACTION : MessageKind.TEXT)
      } catch (err: any) {
        output.err(`! ${err.message}`)
      }
    })
  })
  await new Promise<void>((resolve) => lines.once('close', resolve))
  await queue
  await client.leaveRoom(session.roomId)
}
