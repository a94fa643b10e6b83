/** A command line that cannot be acted on (bad value for a flag, missing argument). */
export class UsageError extends Error {
  override readonly name: string = 'UsageError'
}

/** A duration that is not a positive number with a unit (`30s`, `10m`, `12h`, `7d`). */
export class InvalidDurationError extends Error {
  override readonly name: string = 'InvalidDurationError'
}

/** A nick that is empty, too long or has control characters. */
export class InvalidNickError extends Error {
  override readonly name: string = 'InvalidNickError'
}

/** `history --check` found a damaged history file. */
export class HistoryDamagedError extends Error {
  override readonly name: string = 'HistoryDamagedError'
}
