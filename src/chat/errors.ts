/** None of the room's relays could be reached. */
export class RelayUnreachableError extends Error {
  override readonly name: string = 'RelayUnreachableError'
}

/** Connected, but the room did not become ready (the relay never joined its mesh) in time. */
export class JoinTimeoutError extends Error {
  override readonly name: string = 'JoinTimeoutError'
}

/** A message could not be published (no member or relay was listening). */
export class SendError extends Error {
  override readonly name: string = 'SendError'
}

/** The client is not started, or already stopped. */
export class ClientStateError extends Error {
  override readonly name: string = 'ClientStateError'
}

export { JoinRefusedError, NotPermittedError, UnknownInviteError, UnknownMemberError, AmbiguousMemberError } from '../membership/index.js'
