/**
 * Membership log sync over a room's sync link: what we serve a peer that asks for the log,
 * and taking in what a member serves us. The link (member-signed requests and answers)
 * is the chat client's; the rules of who gets which records are RoomMembership's.
 */
import { bytesToHex, hexToBytes } from '../crypto/index.js'
import { SyncResponse, syncResponse, wire, type SyncRequest } from '../protocol/index.js'
import type { RoomMembership } from './room-log.js'

/** Records per answer frame: records are at most MAX_PAYLOAD_BYTES each, so these stay within a frame. */
const LOG_RECORDS_PER_FRAME = 100

/**
 * Answer a request for the membership log. `requester` is the identity that signed the
 * request for this link: the log goes only to identities in it, a former member getting
 * it as it stood when it left (see {@link RoomMembership.recordsFor}).
 */
export function * serveLog (membership: RoomMembership, request: SyncRequest, requester: string | undefined): Generator<SyncResponse> {
  const records = !membership.managed || requester == null ? undefined : membership.recordsFor(requester, new Set(request.logHave.map((h) => bytesToHex(h))))
  if (records == null) {
    yield syncResponse({ status: SyncResponse.Status.DENIED, done: true })
    return
  }
  for (let i = 0; i < records.length; i += LOG_RECORDS_PER_FRAME) {
    yield syncResponse({ log: records.slice(i, i + LOG_RECORDS_PER_FRAME).map(wire), done: i + LOG_RECORDS_PER_FRAME >= records.length })
  }
  if (records.length === 0) yield syncResponse({ done: true })
}

/** What to ask a member for: the log, naming the records we hold so that only the rest comes. */
export function logRequest (membership: RoomMembership): Pick<SyncRequest, 'log' | 'logHave'> {
  return { log: true, logHave: membership.recordIds().map((id) => wire(hexToBytes(id))) }
}

/**
 * Take in a member's answer to {@link logRequest}; each record is verified as it is
 * added. Resolves to how many were new; throws what the link throws.
 */
export async function takeLog (membership: RoomMembership, frames: AsyncIterable<SyncResponse>): Promise<number> {
  let added = 0
  for await (const frame of frames) {
    for (const bytes of frame.log) if (membership.addBytes(bytes) === 'added') added++
  }
  return added
}
