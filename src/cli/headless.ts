import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { JoinRefusedError, type ChatClient, type Member, type MemberEvent, type RoomSession } from '../chat/index.js'
import { IdentityBook } from '../verify/index.js'
import type { CommandContext } from './context.js'
import type { Output } from './output.js'

/**
 * Headless mode (`--json`): every stdin line is sent as a text message; stdout carries
 * one JSON event per line (schema in the README). EOF leaves the room. Text is passed
 * through exactly as sent: a bot may need it; sanitising is the display's job.
 */
export async function runHeadless (client: ChatClient, session: RoomSession, ctx: CommandContext, output: Output, input: Readable): Promise<void> {
  // Who we meet is remembered (seen.json, for `cryptochat verify`); a key that is not the
  // verified one for its nick is a `warning` event.
  const book = new IdentityBook(ctx.dataDir, {
    self: ctx.identity.fingerprint,
    onError: (err) => { output.json({ type: 'error', roomId: session.roomId, message: err.message, code: err.name }) }
  })
  const closeBook = (): void => { book.close() }
  // A signal ends the process from outside this function: pending sightings are written on the way out.
  process.once('exit', closeBook)
  const watch = (m: MemberEvent | (Member & { roomId: string })): void => {
    const warning = book.observe(m)
    if (warning == null) return
    output.json({ type: 'warning', roomId: warning.roomId, code: warning.name, message: warning.message, nick: warning.nick, fingerprint: warning.fingerprint, verifiedFingerprint: warning.verifiedFingerprint })
  }
  session.on('message', (m) => { output.json({ type: 'message', ...m }) })
  session.on('member', (m) => {
    output.json({ type: 'member', ...m, ...(m.self ? {} : { verified: book.trustOf(m).state === 'verified' }) })
    watch(m)
  })
  session.on('warning', (e) => { output.json({ type: 'error', ...e }) })
  session.on('status', (e) => { output.json({ type: 'status', ...e }) })
  session.on('catchup', (e) => { output.json({ type: 'catchup', ...e }) })
  session.on('gap', (e) => { output.json({ type: 'gap', ...e }) })
  session.on('epoch', (e) => { output.json({ type: 'epoch', ...e }) })
  // The room's signed membership log changed; our own JOIN refused ends the run (exit 16).
  let refusal: string | undefined
  session.on('membership', (e) => {
    output.json({ type: 'membership', ...e })
    // Refused: the run ends (exit 16). Removed while running: the run goes on (what we
    // type gets an error event, not "sent"); removed in an earlier run: it ends too.
    if (e.self && (e.event === 'refused' || (e.event === 'removed' && e.past === true)) && refusal == null) {
      refusal = e.event === 'removed' ? `you were removed from the room by ${e.by?.slice(0, 8) ?? 'an owner'}` : `the room's members refused your invite (${e.reason ?? 'refused'}); ask a member for a new one`
      lines.close()
    }
  })
  client.on('relay', (r) => { output.json({ type: 'relay', ...r }); connectionChanged() })
  client.on('peer', (p) => { output.json({ type: 'peer', ...p }); connectionChanged() })

  // A `connection` summary whenever links change (coalesced), and once at ready.
  let last = ''
  let pending: ReturnType<typeof setTimeout> | undefined
  const emitConnection = (): void => {
    pending = undefined
    const status = client.roomStatus(session.roomId)
    if (status == null) return
    const event = { type: 'connection', roomId: session.roomId, ...status }
    const line = JSON.stringify(event)
    if (line !== last) output.json(event)
    last = line
  }
  function connectionChanged (): void {
    pending ??= setTimeout(emitConnection, 100)
  }
  // The mesh changes without connection events too (grafts): look again now and then.
  const poll = setInterval(connectionChanged, 2000)
  poll.unref()

  output.json({
    type: 'ready',
    roomId: session.roomId,
    name: session.name,
    nick: session.nick,
    fingerprint: ctx.identity.fingerprint,
    peerId: client.peerId,
    topic: session.topic,
    // Our messages from earlier runs that nobody has acknowledged yet (status events follow).
    unacknowledged: session.unacknowledged().map((m) => m.index)
  })
  emitConnection()
  // Members heard before the listeners were in place.
  for (const m of session.members()) if (!m.self) watch({ ...m, roomId: session.roomId })

  // Lines are sent one after another, in order; EOF waits for the last one.
  let queue = Promise.resolve()
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false })
  lines.on('line', (line) => {
    if (line.length === 0) return
    queue = queue.then(async () => {
      try {
        await session.send(line)
      } catch (err: any) {
        output.json({ type: 'error', roomId: session.roomId, message: err.message, code: err.name })
      }
    })
  })
  await new Promise<void>((resolve) => lines.once('close', resolve))
  await queue
  clearInterval(poll)
  if (pending != null) clearTimeout(pending)
  await client.leaveRoom(session.roomId)
  process.off('exit', closeBook)
  closeBook()
  output.json({ type: 'left', roomId: session.roomId })
  if (refusal != null) throw new JoinRefusedError(refusal)
}
