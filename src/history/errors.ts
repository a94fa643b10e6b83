/**
 * The history log's header authenticates, but not under this key and label: another
 * identity's key, another room's log, or a damaged header. Nothing on disk was changed,
 * because moving a whole log aside would look like losing it.
 */
export class HistoryKeyError extends Error {
  override readonly name: string = 'HistoryKeyError'
  constructor (readonly path: string) {
    super(`history file ${path} cannot be decrypted with this identity's key (or it belongs to another room); it was left as it is`)
  }
}

/** The file is not a history log this version can read (wrong magic, unknown version, torn header). Left untouched. */
export class HistoryFormatError extends Error {
  override readonly name: string = 'HistoryFormatError'
  constructor (readonly path: string, reason: string) {
    super(`${path} is not a CryptoChat history file this version can read (${reason}); it was left as it is`)
  }
}

/** A record larger than the log's limit was appended; nothing was written. */
export class HistoryRecordTooLargeError extends Error {
  override readonly name: string = 'HistoryRecordTooLargeError'
  constructor (readonly bytes: number, readonly maxBytes: number) {
    super(`a history record of ${bytes} bytes is larger than the limit of ${maxBytes} bytes; nothing was written`)
  }
}

/** The log was used (append, sync) before `open()`, after `close()`, or after a write it could not undo. */
export class HistoryNotOpenError extends Error {
  override readonly name: string = 'HistoryNotOpenError'
  constructor (readonly path: string) {
    super(`history file ${path} is not open; call open() first`)
  }
}
