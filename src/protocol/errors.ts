/** Bytes from the network that are not a well-formed envelope. */
export class MalformedEnvelopeError extends Error {
  override readonly name: string = 'MalformedEnvelopeError'
}

/** An envelope or message of a protocol version this build does not speak. */
export class UnsupportedVersionError extends Error {
  override readonly name: string = 'UnsupportedVersionError'
}

/** A decrypted payload that is not a well-formed signed message. */
export class MalformedMessageError extends Error {
  override readonly name: string = 'MalformedMessageError'
}

/** The sender's signature does not verify: a forgery or corruption. */
export class ForgedMessageError extends Error {
  override readonly name: string = 'ForgedMessageError'
}

/** The envelope is for a key epoch we do not hold (yet). */
export class UnknownEpochError extends Error {
  override readonly name: string = 'UnknownEpochError'
  constructor (readonly epoch: number) { super(`no key for epoch ${epoch}`) }
}

/** A message a caller wants to send breaks a limit (body or nick too long). */
export class MessageTooLargeError extends Error {
  override readonly name: string = 'MessageTooLargeError'
}
