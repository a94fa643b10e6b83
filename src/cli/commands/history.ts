import { readRoomHistory, wipeRoomHistory } from '../../chat/index.js'
import { parseRoomId } from '../../room/index.js'
import { openContext, type CommonOptions } from '../context.js'
import { HistoryDamagedError } from '../errors.js'
import { dateTime, formatMessageLine } from '../message-line.js'
import type { Output } from '../output.js'
import { parsePositiveInt } from '../parse.js'
import { sanitizeForTerminal as clean } from '../sanitize.js'

export interface HistoryOptions extends CommonOptions {
  limit?: string
  wipe?: boolean
  check?: boolean
}

/** How many messages `history` prints unless told otherwise. */
const DEFAULT_LIMIT = 50

/**
 * `cryptochat history <roomId>`: the room's last messages from the local (encrypted)
 * history, oldest first; `--wipe` forgets them; `--check` verifies the history file.
 * Reading changes nothing on disk, so it is safe while the room is open elsewhere.
 */
export async function historyCommand (roomId: string, opts: HistoryOptions, output: Output): Promise<void> {
  const id = parseRoomId(roomId)
  const limit = opts.limit != null ? parsePositiveInt(opts.limit, '--limit') : DEFAULT_LIMIT
  const ctx = await openContext(opts, output)
  const room = ctx.rooms.require(id)
  if (opts.wipe === true) {
    const count = await wipeRoomHistory(ctx.rooms, ctx.identity, room.roomId)
    if (opts.json === true) output.json({ type: 'wiped', roomId: room.roomId, messages: count })
    else output.out(`Wiped ${count} message${count === 1 ? '' : 's'} from this machine's history of '${clean(room.name)}'.`)
    return
  }
  const { messages, check } = readRoomHistory(ctx.rooms, ctx.identity, room.roomId)
  if (opts.check === true) {
    if (opts.json === true) output.json({ type: 'check', roomId: room.roomId, ok: check.ok, records: check.records, goodBytes: check.goodBytes, totalBytes: check.totalBytes, ...(check.reason != null ? { reason: check.reason } : {}) })
    else if (check.ok) output.out(`History of '${clean(room.name)}' is intact: ${messages.length} messages, ${check.totalBytes} bytes.`)
    if (!check.ok) {
      throw new HistoryDamagedError(`history of room ${room.roomId} is damaged from byte ${check.goodBytes} of ${check.totalBytes} (${check.reason ?? 'unknown'}); ` +
        `the ${check.records} records before it are intact. The damaged part is moved aside (not deleted) the next time the room is opened.`)
    }
    return
  }
  for (const m of messages.slice(-limit)) {
    if (opts.json === true) output.json({ type: 'message', ...m })
    else output.out(formatMessageLine(m, dateTime))
  }
  if (opts.json !== true && messages.length === 0) output.err(`No messages in this machine's history of '${clean(room.name)}' yet.`)
  if (!check.ok) output.err(`! the history file is damaged after its first ${check.records} records; run: cryptochat history ${room.roomId} --check`)
}
