/**
 * Exit codes of `cryptochat` and `cryptochat-relay`, and which error (by `.name`) maps
 * to which. Errors are thrown deep with a stable `.name`; only the CLI turns them into
 * text and an exit code. Documented in the README.
 */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  STORAGE: 3,
  /** A room, or another member's identity, that this data directory does not know (or cannot take). */
  ROOM: 4,
  NETWORK: 5,
  CONFIG: 6,
  WRONG_PASSPHRASE: 7,
  PASSPHRASE_REQUIRED: 8,
  /** The room's rules do not let you do this (e.g. only owners may remove or invite). */
  NOT_PERMITTED: 9,
  INVITE_NOT_AN_INVITE: 10,
  INVITE_CORRUPTED: 11,
  INVITE_BAD_SIGNATURE: 12,
  INVITE_EXPIRED: 13,
  INVITE_WRONG_ROOM: 14,
  INVITE_UNSUPPORTED_VERSION: 15,
  /** The room's members refused the join: the invite was revoked, used up or expired. */
  INVITE_REFUSED: 16,
  /** The invite's room key is not the room's (a forged invite): nothing was sent. */
  INVITE_WRONG_SECRET: 17,
  /** Ctrl-C at a passphrase prompt (128 + SIGINT, as shells report it). */
  CANCELED: 130
} as const

/** Exit code of each user-visible error class, by its `.name`. */
export const EXIT_CODE_BY_ERROR: Record<string, number> = {
  UsageError: ExitCode.USAGE,
  UnknownInviteError: ExitCode.USAGE,
  NotPermittedError: ExitCode.NOT_PERMITTED,
  JoinRefusedError: ExitCode.INVITE_REFUSED,
  InvalidDurationError: ExitCode.USAGE,
  InvalidRelayAddressError: ExitCode.USAGE,
  InvalidRoomNameError: ExitCode.USAGE,
  InvalidNickError: ExitCode.USAGE,
  PassphraseAlreadySetError: ExitCode.USAGE,
  NoPassphraseError: ExitCode.USAGE,
  InvalidPassphraseError: ExitCode.USAGE,
  PassphraseMismatchError: ExitCode.USAGE,
  PassphraseFileError: ExitCode.USAGE,
  InvalidListenAddressError: ExitCode.USAGE,
  MessageTooLargeError: ExitCode.USAGE,
  InvalidFingerprintError: ExitCode.USAGE,
  AmbiguousFingerprintError: ExitCode.USAGE,
  VerifySelfError: ExitCode.USAGE,
  VerifiedListFullError: ExitCode.USAGE,
  ConfirmationRequiredError: ExitCode.USAGE,
  InsecurePermissionsError: ExitCode.STORAGE,
  CorruptFileError: ExitCode.STORAGE,
  DataDirError: ExitCode.STORAGE,
  IdentityFileError: ExitCode.STORAGE,
  HistoryDamagedError: ExitCode.STORAGE,
  HistoryKeyError: ExitCode.STORAGE,
  HistoryFormatError: ExitCode.STORAGE,
  HistoryWriteError: ExitCode.STORAGE,
  KeystoreChangedError: ExitCode.STORAGE,
  InvalidRoomIdError: ExitCode.ROOM,
  UnknownRoomError: ExitCode.ROOM,
  UnknownMemberError: ExitCode.ROOM,
  AmbiguousMemberError: ExitCode.USAGE,
  RoomConflictError: ExitCode.ROOM,
  RoomBusyError: ExitCode.ROOM,
  UnknownIdentityError: ExitCode.ROOM,
  RelayUnreachableError: ExitCode.NETWORK,
  JoinTimeoutError: ExitCode.NETWORK,
  ListenError: ExitCode.NETWORK,
  RelayConfigError: ExitCode.CONFIG,
  WrongPassphraseError: ExitCode.WRONG_PASSPHRASE,
  PassphraseRequiredError: ExitCode.PASSPHRASE_REQUIRED,
  PromptCanceledError: ExitCode.CANCELED,
  NotAnInviteError: ExitCode.INVITE_NOT_AN_INVITE,
  InviteCorruptedError: ExitCode.INVITE_CORRUPTED,
  InviteSignatureError: ExitCode.INVITE_BAD_SIGNATURE,
  InviteExpiredError: ExitCode.INVITE_EXPIRED,
  InviteRoomMismatchError: ExitCode.INVITE_WRONG_ROOM,
  InviteVersionError: ExitCode.INVITE_UNSUPPORTED_VERSION,
  InviteSecretMismatchError: ExitCode.INVITE_WRONG_SECRET
}

/** The exit code for an error; unknown errors are internal (1). */
export function exitCodeFor (err: unknown): number {
  const name = (err as { name?: unknown } | null)?.name
  return typeof name === 'string' ? EXIT_CODE_BY_ERROR[name] ?? ExitCode.INTERNAL : ExitCode.INTERNAL
}

/** Whether an error is one we expect users to meet (shown without a stack trace). */
export function isUserError (err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name
  return typeof name === 'string' && name in EXIT_CODE_BY_ERROR
}
