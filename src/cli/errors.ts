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

/** The new passphrase and its confirmation differ. */
export class PassphraseMismatchError extends Error {
  override readonly name: string = 'PassphraseMismatchError'
  constructor () {
    super('the two passphrases differ; nothing was changed')
  }
}

/** Ctrl-C (or Ctrl-D) at a prompt (a passphrase, a confirmation). */
export class PromptCanceledError extends Error {
  override readonly name: string = 'PromptCanceledError'
  constructor (message = 'canceled at the passphrase prompt; nothing was changed') {
    super(message)
  }
}

/** A command that asks before acting found no terminal to ask on, and no `--yes`. */
export class ConfirmationRequiredError extends Error {
  override readonly name: string = 'ConfirmationRequiredError'
}
