/**
 * The room's rules as its callers ask them: may this identity invite, remove, admit?
 * One copy of each rule, read off the replayed state, for the CLI, the UI and the room
 * session alike (replay itself applies the same rules to signed operations).
 */
import { hexToBytes } from '../crypto/index.js'
import { fingerprint } from '../identity/index.js'
import { nickKey } from '../verify/index.js'
import { AmbiguousMemberError, UnknownMemberError } from './errors.js'
import { admitProblem, type InviteRecord, type JoinRequest, type MembershipState } from './log.js'

/** Why `who` (hex key) may not issue invites that the room would honour; undefined: it may. */
export function canInvite (state: MembershipState, who: string): string | undefined {
  const self = state.members.get(who)
  if (self == null) return 'not a member'
  if (state.ownersInvite && self.role !== 'owner') return 'only owners may invite to this room (an owner set it so)'
  return undefined
}

/** Why `who` may not remove `member` (omitted: anyone); undefined: it may. */
export function canRemove (state: MembershipState, who: string, member?: string): string | undefined {
  if (state.members.get(who)?.role !== 'owner') return 'only an owner can remove a member'
  if (member == null) return undefined
  if (member === who) return 'you cannot remove yourself: leave the room instead'
  if (member === state.creator) return 'the room\'s creator cannot be removed'
  if (!state.members.has(member)) return 'no such member in this room'
  return undefined
}

/** Why `who` may not make `member` (omitted: anyone) an owner; undefined: it may. */
export function canPromote (state: MembershipState, who: string, member?: string): string | undefined {
  if (state.members.get(who)?.role !== 'owner') return 'only an owner can make someone an owner'
  if (member == null) return undefined
  if (!state.members.has(member)) return 'no such member in this room'
  return undefined
}

/** Why `who` may not set who may invite; undefined: it may. */
export function canSetPolicy (state: MembershipState, who: string): string | undefined {
  return state.members.get(who)?.role !== 'owner' ? 'only an owner can set who may invite' : undefined
}

/**
 * Why `who` may not revoke `invite` (undefined: one the room's log does not know);
 * undefined: it may. An owner may revoke any, a member only its own.
 */
export function canRevoke (state: MembershipState, who: string, invite: Pick<InviteRecord, 'issuer'> | undefined): string | undefined {
  if (state.members.get(who)?.role === 'owner') return undefined
  if (invite == null) return 'only an owner can revoke an invite the room does not know'
  return invite.issuer !== who ? 'only an owner or the invite\'s issuer can revoke it' : undefined
}

/** Why `who` may not admit `request` now; undefined: it may (see admitProblem). */
export function canAdmit (state: MembershipState, who: string, request: JoinRequest, now: number, readmit = false): string | undefined {
  return admitProblem(state, who, request, now, readmit)
}

/**
 * The invite that id `inviteId` (hex) names for `who`: its own if it issued one with that
 * id, else the one other issuer's (invites are told apart by issuer and id, so a member
 * reusing another's id makes a different invite).
 */
export function findInvite (state: MembershipState, inviteId: string, who: string): InviteRecord | undefined {
  const all = [...state.invites.values()].filter((i) => i.inviteId === inviteId)
  return all.find((i) => i.issuer === who) ?? all[0]
}

/** How {@link resolveMember} looks members up. */
export interface ResolveMemberInit {
  /** The nick each member (hex key) was last heard by, if known: members may then be named by nick. */
  nickOf?: (member: string) => string | undefined
  /** Where the user can see the members, for messages ("see: /members"). */
  listedBy?: string
}

/**
 * The one member (hex key) that `text` names: by nick (compared as {@link nickKey} does,
 * when `nickOf` knows nicks), else by 8 to 40 hex characters of fingerprint (spaces
 * dropped). Throws UnknownMemberError when none matches, AmbiguousMemberError when
 * several do (a shared nick, a short prefix).
 */
export function resolveMember (state: MembershipState, text: string, init: ResolveMemberInit = {}): string {
  const see = init.listedBy != null ? ` (see: ${init.listedBy})` : ''
  const members = [...state.members.keys()]
  const wanted = text.trim()
  if (init.nickOf != null && wanted !== '') {
    const byNick = members.filter((key) => { const nick = init.nickOf?.(key); return nick != null && nick !== '' && nickKey(nick) === nickKey(wanted) })
    if (byNick.length > 1) throw new AmbiguousMemberError(`${byNick.length} members use the nick ${wanted}: name one by fingerprint${see}`)
    if (byNick.length === 1) return byNick[0] as string
  }
  const prefix = wanted.replace(/\s+/g, '').toLowerCase()
  if (!/^[0-9a-f]{8,40}$/.test(prefix)) {
    const how = init.nickOf != null ? 'by nick or by the first 8 or more hex characters of their fingerprint' : 'by the first 8 or more hex characters of their fingerprint'
    throw new UnknownMemberError(`no member of this room is called ${JSON.stringify(wanted)}: name a member ${how}${see}`)
  }
  const matches = members.filter((key) => fingerprint(hexToBytes(key)).startsWith(prefix))
  if (matches.length === 0) throw new UnknownMemberError(`no member of this room has a fingerprint starting ${prefix}${see}`)
  if (matches.length > 1) throw new AmbiguousMemberError(`several members' fingerprints start with ${prefix}: give more of it`)
  return matches[0] as string
}
