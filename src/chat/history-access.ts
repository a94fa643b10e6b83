import { bytesToHex, hexToBytes } from '../crypto/index.js'
import { RoomHistory, historyKey, sortForDisplay, type HistoryEntry, type LogCheck } from '../history/index.js'
import type { Identity } from '../identity/index.js'
import type { RoomStore } from '../room/index.js'
import type { ChatMessageEvent } from './events.js'

/** A history entry as the message event the UI and `--json` show. */
export function messageEventOf (roomId: string, e: HistoryEntry, selfHex: string): ChatMessageEvent {
  return {
    roomId,
    kind: e.kind,
    text: e.body,
    nick: e.nick,
    fingerprint: e.fingerprint,
    ts: e.ts,
    seq: Number(e.seq),
    index: e.index,
    self: e.sender === selfHex,
    via: e.via,
    ...(e.status != null ? { status: e.status } : {})
  }
}

/**
 * A room's history, read without changing anything (safe while the room is open in
 * another process), in display order, with the log's integrity check.
 */
export function readRoomHistory (rooms: RoomStore, identity: Identity, roomId: string): { messages: ChatMessageEvent[], check: LogCheck } {
  const room = rooms.require(roomId)
  const self = bytesToHex(identity.publicKey)
  const { entries, check } = RoomHistory.read({ dir: rooms.dir(room.roomId), roomId: room.roomId, key: historyKey(identity.secretKey, hexToBytes(room.roomId)), self })
  return { messages: sortForDisplay(entries).map((e) => messageEventOf(room.roomId, e, self)), check }
}

/**
 * Forget a room's history on this machine (the room must not be open elsewhere: this
 * takes its lock), except our messages nobody has acknowledged yet. What was held stays
 * accounted for, so catch-up does not fetch it again and our numbering goes on. Returns
 * how many messages were dropped.
 */
export async function wipeRoomHistory (rooms: RoomStore, identity: Identity, roomId: string): Promise<number> {
  const room = rooms.require(roomId)
  const release = await rooms.lock(room.roomId)
  try {
    const self = bytesToHex(identity.publicKey)
    const history = new RoomHistory({ dir: rooms.dir(room.roomId), roomId: room.roomId, key: historyKey(identity.secretKey, hexToBytes(room.roomId)), self })
    try {
      return history.wipe()
    } finally {
      history.close()
    }
  } finally {
    await release()
  }
}
