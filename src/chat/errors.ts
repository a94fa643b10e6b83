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

/** The room's membership log refused our JOIN (invite revoked, used up, expired...). */
export class JoinRefusedError extends Error {
  override readonly name: string = 'JoinRefusedError'
}

/** The room's rules do not let us do this (only owners may..., only its issuer may...). */
export class NotPermittedError extends Error {
  override readonly name: string = 'NotPermittedError'
}

/** No invite with that id is known to this room here. */
export class UnknownInviteError extends Error {
  override readonly name: string = 'UnknownInviteError'
}

/** No member of the room matches (a fingerprint or nick that the membership log does not list). */
export class UnknownMemberError extends Error {
  override readonly name: string = 'UnknownMemberError'
}
