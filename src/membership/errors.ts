/** The membership area's user-visible failures (matched by `.name` at the CLI boundary). */

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

/** A nick or fingerprint prefix that names several members: more of it is needed. */
export class AmbiguousMemberError extends Error {
  override readonly name: string = 'AmbiguousMemberError'
}
