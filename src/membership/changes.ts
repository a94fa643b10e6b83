import { fingerprint } from '../identity/index.js'
import { hexToBytes } from '../crypto/index.js'
import type { MembershipState } from './log.js'
import type { MembershipEvent } from './events.js'

/** The events a change from `before` to `after` of the membership log means. */
export function membershipChanges (roomId: string, self: string, before: MembershipState, after: MembershipState): MembershipEvent[] {
  const fp = (hex: string): string => fingerprint(hexToBytes(hex))
  const about = (hex: string): Pick<MembershipEvent, 'fingerprint' | 'publicKey' | 'self'> => ({ fingerprint: fp(hex), publicKey: hex, self: hex === self })
  const out: MembershipEvent[] = []
  for (const [key, m] of after.members) {
    const was = before.members.get(key)
    if (was == null) out.push({ roomId, event: 'joined', ...about(key), ...(m.addedBy != null ? { by: fp(m.addedBy) } : {}) })
    else if (was.role !== 'owner' && m.role === 'owner') out.push({ roomId, event: 'promoted', ...about(key), ...(m.promotedBy != null ? { by: fp(m.promotedBy) } : {}) })
  }
  for (const [key, d] of after.departed) {
    if (before.departed.get(key)?.ts === d.ts || after.members.has(key)) continue
    out.push({ roomId, event: d.how === 'removed' ? 'removed' : 'left', ...about(key), by: fp(d.by) })
  }
  for (const [key, reason] of after.refusedJoins) {
    if (before.refusedJoins.get(key) !== reason) out.push({ roomId, event: 'refused', ...about(key), reason })
  }
  for (const [id, inv] of after.invites) {
    if (inv.revoked && before.invites.get(id)?.revoked !== true) out.push({ roomId, event: 'revoked', inviteId: inv.inviteId, self: inv.issuer === self, ...(inv.revokedBy != null ? { by: fp(inv.revokedBy) } : {}) })
  }
  if (after.name !== before.name && after.name !== '') out.push({ roomId, event: 'renamed', name: after.name, self: false })
  if (after.ownersInvite !== before.ownersInvite) out.push({ roomId, event: 'policy', reason: after.ownersInvite ? 'only owners may invite' : 'any member may invite', self: false, ...(after.policyBy != null ? { by: fp(after.policyBy) } : {}) })
  return out
}


/** Our own removal or refusal as `state` stands, as an event (undefined when we are in). */
export function ownStanding (roomId: string, state: MembershipState, self: string): MembershipEvent | undefined {
  const fp = (hex: string): string => fingerprint(hexToBytes(hex))
  const departed = state.departed.get(self)
  if (departed?.how === 'removed') return { roomId, event: 'removed', fingerprint: fp(self), publicKey: self, by: fp(departed.by), self: true }
  const refused = state.refusedJoins.get(self)
  if (refused != null && !state.members.has(self)) return { roomId, event: 'refused', fingerprint: fp(self), publicKey: self, reason: refused, self: true }
  return undefined
}
