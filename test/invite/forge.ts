/**
 * Builders shared by the invite tests: real relay peer ids, valid invite fields, and
 * invite codes assembled by hand (mirroring src/invite/codec.ts) so that tests can sign
 * bodies encodeInvite would never produce.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { base58btc } from 'multiformats/bases/base58'
import { randomBytes, sign, generateSigningKeyPair, type SigningKeyPair } from '../../src/crypto/index.js'
import { InviteBody, SignedInvite } from '../../src/protocol/index.js'
import type { InviteFields } from '../../src/invite/index.js'
import { INVITE_PREFIX, PROTOCOL_VERSION } from '../../src/constants.js'

export const INVITE_DOMAIN = `cryptochat/${PROTOCOL_VERSION}/invite`
export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

export async function relayAddresses (): Promise<string[]> {
  const ids = await Promise.all([0, 1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
  return [
    `/ip4/203.0.113.7/tcp/4001/p2p/${ids[0]}`,
    `/ip6/2001:db8::1/tcp/4001/ws/p2p/${ids[1]}`,
    `/dns4/relay.example.com/tcp/443/wss/p2p/${ids[2]}`
  ]
}

export const NOW = 1_750_000_000_000
export const HOUR = 60 * 60 * 1000

export function inviteFields (relays: string[], over: Partial<InviteFields> = {}): InviteFields {
  return {
    roomIdBytes: randomBytes(16),
    roomName: 'Book club 📚',
    epoch: 0,
    roomSecret: randomBytes(32),
    relays,
    issuedAt: NOW,
    expiresAt: NOW + 24 * HOUR,
    inviteId: randomBytes(16),
    inviteSeed: randomBytes(32),
    ...over
  }
}

/** The fields of an InviteBody, from invite fields and an inviter key. */
export function bodyOf (fields: InviteFields, inviter: Uint8Array, over: Partial<InviteBody> = {}): InviteBody {
  return {
    version: PROTOCOL_VERSION,
    roomId: fields.roomIdBytes as Uint8Array<ArrayBuffer>,
    roomName: fields.roomName,
    epoch: fields.epoch,
    roomSecret: fields.roomSecret as Uint8Array<ArrayBuffer>,
    relays: fields.relays,
    inviter: inviter as Uint8Array<ArrayBuffer>,
    issuedAt: BigInt(fields.issuedAt),
    expiresAt: BigInt(fields.expiresAt),
    inviteId: fields.inviteId as Uint8Array<ArrayBuffer>,
    maxUses: 0,
    creator: new Uint8Array(0),
    createdAt: 0n,
    grantSignature: new Uint8Array(0),
    genesisNonce: new Uint8Array(0),
    inviteSeed: fields.inviteSeed as Uint8Array<ArrayBuffer>,
    genesisCommitment: new Uint8Array(0),
    epochRecord: new Uint8Array(0),
    ...over
  }
}

/** Encode a signed record as an invite code. */
export function codeOf (signed: Partial<SignedInvite>, trailing: Uint8Array = new Uint8Array(0)): string {
  const bytes = SignedInvite.encode(signed)
  return INVITE_PREFIX + base58btc.baseEncode(new Uint8Array([...bytes, ...trailing]))
}

/** Sign body bytes (with the invite domain unless told otherwise) and encode the code. */
export function signedCode (body: Uint8Array, signer: SigningKeyPair, opts: { version?: number, domain?: string } = {}): string {
  const signature = sign(signer.secretKey, opts.domain ?? INVITE_DOMAIN, body)
  return codeOf({
    version: opts.version ?? PROTOCOL_VERSION,
    body: body as Uint8Array<ArrayBuffer>,
    signature: signature as Uint8Array<ArrayBuffer>
  })
}

/** The signed record inside a code. */
export function recordOf (code: string): SignedInvite {
  return SignedInvite.decode(base58btc.baseDecode(code.slice(INVITE_PREFIX.length)))
}

export { generateSigningKeyPair }
