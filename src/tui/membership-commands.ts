import { canPromote, canRemove, canRevoke, canSetPolicy, findInvite, resolveMember } from '../membership/index.js'
import { describeMembership, type RoomSession, type RosterEntry } from '../chat/index.js'
import { hexToBytes } from '../crypto/index.js'
import { ControlType } from '../protocol/index.js'
import { shortFp } from './format.js'

/** What the membership commands need from the app. */
export interface MembershipHost {
  info(text: string): void
  fail(text: string): void
  /** The session of the room on screen. */
  session(): RoomSession | undefined
  /** The last nick a member was seen under (seen.json), for members not heard from this run. */
  nickOf?(fingerprint: string): string | undefined
}

/**
 * The UI side of room management: `/members` (the signed log's list: roles, who added
 * whom), `/kick` (owners: removal and a new key epoch), `/promote`, `/revoke`,
 * `/invites`, `/policy`. The session and the log do the work and check the rules again;
 * this module names members and words the lines.
 */
export class MembershipCommands {
  constructor (private readonly host: MembershipHost) {}

  private current (): RoomSession | undefined {
    const session = this.host.session()
    if (session == null) this.host.fail('open a room first')
    else if (!session.membership.managed) {
      this.host.fail('this room was made before members were recorded: it has no owners or member list (make a new room to manage members)')
      return undefined
    }
    return session
  }

  /** A member of the room by nick (one only) or by 8+ hex characters of fingerprint. */
  private member (session: RoomSession, who: string): RosterEntry | undefined {
    const roster = session.roster()
    try {
      const key = resolveMember(session.membership.state, who, { nickOf: (k) => roster.find((m) => m.publicKey === k)?.nick, listedBy: '/members' })
      return roster.find((m) => m.publicKey === key)
    } catch (err: any) {
      this.host.fail(err.message)
      return undefined
    }
  }

  /** Our identity key (hex) in the room on screen. */
  private self (session: RoomSession): string {
    return session.roster().find((m) => m.self)?.publicKey ?? ''
  }

  /** Say the room's rule when it says no; true when it allows. */
  private allowed (problem: string | undefined): boolean {
    if (problem != null) this.host.fail(problem)
    return problem == null
  }

  /** `/members`. */
  members (): void {
    const session = this.current()
    if (session == null) return
    const roster = session.roster()
    const nick = (fp: string): string => {
      const here = roster.find((r) => r.fingerprint === fp)?.nick
      return here != null && here !== '' ? here : this.host.nickOf?.(fp) ?? ''
    }
    const name = (fp: string): string => nick(fp) !== '' ? `${nick(fp)} ${shortFp(fp)}` : shortFp(fp)
    this.host.info(`${roster.length} member${roster.length === 1 ? '' : 's'} in the room's signed log (key epoch ${session.epoch}):`)
    for (const m of roster) {
      const who = `${nick(m.fingerprint) !== '' ? nick(m.fingerprint) : '?'} ${shortFp(m.fingerprint)}`
      const added = m.addedBy != null ? `added by ${name(m.addedBy)}` : 'created the room'
      this.host.info(`  ${who}  ${m.role}  ${added}${m.self ? '  (you)' : m.online ? '' : '  (away)'}`)
    }
  }

  /** `/kick <nick|fingerprint>`: remove a member and start a new key epoch. */
  async kick (who: string): Promise<void> {
    const session = this.current()
    if (session == null) return
    const state = session.membership.state
    if (!this.allowed(canRemove(state, this.self(session)))) return
    const target = this.member(session, who)
    if (target == null) return
    if (target.self) return this.host.fail('you cannot remove yourself: /part leaves the room')
    if (!this.allowed(canRemove(state, this.self(session), target.publicKey))) return
    const started = Date.now()
    try {
      await session.remove(target.publicKey)
    } catch (err: any) {
      return this.host.fail(`could not remove ${who}: ${String(err.message)}`)
    }
    this.host.info(`removed ${target.nick !== '' ? target.nick : shortFp(target.fingerprint)}; new key epoch ${session.epoch} sent to the ${session.roster().length - 1} other member${session.roster().length === 2 ? '' : 's'} in ${Date.now() - started} ms. They keep what they already read; they read and send nothing more.`)
  }

  /** `/promote <nick|fingerprint>`: make a member an owner. */
  async promote (who: string): Promise<void> {
    const session = this.current()
    if (session == null) return
    if (!this.allowed(canPromote(session.membership.state, this.self(session)))) return
    const target = this.member(session, who)
    if (target == null) return
    if (target.role === 'owner') return this.host.fail(`${who} is already an owner`)
    await session.control({ type: ControlType.PROMOTE, member: hexToBytes(target.publicKey) })
  }

  /** `/invites`: invites the room's log knows, live ones first. */
  invites (): void {
    const session = this.current()
    if (session == null) return
    const list = session.invites().sort((a, b) => (a.status === 'live' ? 0 : 1) - (b.status === 'live' ? 0 : 1) || a.expiresAt - b.expiresAt)
    if (list.length === 0) return this.host.info('no invites known to this room yet (/invite makes one)')
    for (const i of list) {
      const uses = i.maxUses > 0 ? `${i.uses}/${i.maxUses} used` : `${i.uses} use${i.uses === 1 ? '' : 's'}`
      this.host.info(`  ${i.inviteId}  ${i.status}  until ${new Date(i.expiresAt).toLocaleString()}  ${uses}  by ${i.issuer !== '' ? shortFp(i.issuer) : '?'}`)
    }
  }

  /** `/revoke <inviteId>`. */
  async revoke (inviteId: string): Promise<void> {
    const session = this.current()
    if (session == null) return
    const id = inviteId.toLowerCase()
    if (!/^[0-9a-f]{32}$/.test(id)) return this.host.fail('usage: /revoke <invite id> (32 hex characters; /invites lists them)')
    const known = findInvite(session.membership.state, id, this.self(session))
    if (known == null) return this.host.fail(`no invite ${id} is known to this room (/invites lists them; from the shell an owner can revoke an unknown id with: cryptochat revoke <roomId> <id> --force)`)
    if (!this.allowed(canRevoke(session.membership.state, this.self(session), known))) return
    if (known?.revoked === true) return this.host.info(`invite ${id} is already revoked`)
    await session.control({ type: ControlType.REVOKE, inviteId: hexToBytes(id), member: hexToBytes(known.issuer) })
  }

  /** `/policy owners|anyone`: who may invite. */
  async policy (who: string): Promise<void> {
    const session = this.current()
    if (session == null) return
    if (who !== 'owners' && who !== 'anyone') return this.host.fail('usage: /policy owners|anyone (who may invite)')
    if (!this.allowed(canSetPolicy(session.membership.state, this.self(session)))) return
    await session.control({ type: ControlType.POLICY, ownersInvite: who === 'owners' })
  }
}

/** A membership event as a log line (names members by nick where known). */
export function membershipLine (session: RoomSession, e: Parameters<typeof describeMembership>[0]): string {
  const roster = session.roster()
  const who = (fp: string): string => {
    const nick = roster.find((m) => m.fingerprint === fp)?.nick
    return nick != null && nick !== '' ? `${nick} (${shortFp(fp)})` : shortFp(fp)
  }
  return describeMembership(e, who)
}
