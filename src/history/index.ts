/**
 * @packageDocumentation
 *
 * Chat history on disk: an encrypted, append-only record log (XChaCha20-Poly1305, every
 * frame bound to its log's label and its offset) that survives a kill -9 at any point.
 * A damaged tail is moved aside, never deleted; a wrong key changes nothing.
 *
 * @example
 * ```ts
 * const history = createRecordLog({ path, key, label: `cryptochat/1/history|${roomId}` })
 * const { records, damaged } = history.open()
 * history.append(new TextEncoder().encode('hello'))  // survives a crash of the process
 * await history.sync()                                // and now a power loss
 * history.rewrite(records.slice(-1000))               // compaction, atomically
 * history.close()
 * ```
 */
export {
  createRecordLog, checkRecordLog,
  type RecordLog, type RecordLogInit, type OpenedLog, type LogCheck, type DamageReason
} from './record-log.js'
export { HistoryKeyError, HistoryFormatError, HistoryRecordTooLargeError, HistoryNotOpenError } from './errors.js'
export { RoomHistory, sortForDisplay, historyEntry, HISTORY_FILE, type HistoryMessage, type HistoryEntry, type HistorySelection, type RoomHistoryInit, type Via, type DeliveryStatus } from './room-history.js'
export { historyKey } from './keys.js'
