/**
 * Property-based fuzzing of the invite decoder (and of checkInvite on what it returns):
 * whatever the text, only the documented typed errors may escape, and no damaged code
 * decodes to a different invite.
 */
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { base58btc } from 'multiformats/bases/base58'
import { generateSigningKeyPair } from '../../src/crypto/index.js'
import { InviteBody } from '../../src/protocol/index.js'
import { encodeInvite, decodeInvite, checkInvite, type Invite } from '../../src/invite/index.js'
import { INVITE_PREFIX } from '../../src/constants.js'
import { onlyTyped } from '../unit-helpers.js'
import { BASE58_ALPHABET, codeOf, inviteFields, relayAddresses, signedCode } from './forge.js'

const DECODE_ERRORS = new Set(['NotAnInviteError', 'InviteCorruptedError', 'InviteVersionError', 'InviteSignatureError', 'InviteSecretMismatchError'])
const CHECK_ERRORS = new Set(['InviteExpiredError', 'InviteRoomMismatchError', 'InviteCorruptedError'])
const RUNS = 500

const base58 = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...BASE58_ALPHABET), maxLength })

describe('invite decoder under fuzzing', () => {
  const inviter = generateSigningKeyPair()
  let relays: string[] = []
  let code = ''
  let original: Invite
  before(async () => {
    relays = await relayAddresses()
    code = encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey)
    original = decodeInvite(code)
  })

  it('arbitrary strings throw only typed errors', () => {
    fc.assert(fc.property(fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.string({ maxLength: 100 }).map((s) => INVITE_PREFIX + s),
      fc.string({ unit: 'binary', maxLength: 100 }).map((s) => INVITE_PREFIX + s)
    ), (text) => {
      onlyTyped(() => decodeInvite(text), DECODE_ERRORS)
    }), { numRuns: 1000 })
  })

  it("'cc1' followed by arbitrary base58 throws only typed errors", () => {
    fc.assert(fc.property(base58(600), (payload) => {
      onlyTyped(() => decodeInvite(INVITE_PREFIX + payload), DECODE_ERRORS)
    }), { numRuns: 1000 })
  })

  it('arbitrary bytes, and arbitrary signed records, encoded as codes throw only typed errors', () => {
    fc.assert(fc.property(fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((bytes) => INVITE_PREFIX + base58btc.baseEncode(bytes)),
      fc.record({
        version: fc.integer({ min: 0, max: 0xffffffff }),
        body: fc.uint8Array({ maxLength: 200 }),
        signature: fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 80 }))
      }).map((r) => codeOf({ version: r.version, body: r.body as Uint8Array<ArrayBuffer>, signature: r.signature as Uint8Array<ArrayBuffer> }))
    ), (text) => {
      onlyTyped(() => decodeInvite(text), DECODE_ERRORS)
    }), { numRuns: RUNS })
  })

  it('validly signed bodies with arbitrary contents throw only typed errors (reaching the checks after the signature)', () => {
    const relayish = fc.oneof(
      fc.constantFrom(...relays),
      fc.string({ maxLength: 60 }),
      fc.constantFrom(...relays).map((r) => r.slice(0, -3)),
      fc.constantFrom('/ip4/1.2.3.4/tcp/1', '/p2p-circuit', '/ip4/1.2.3.4/tcp/1/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')
    )
    // Mostly valid field by field, so that some bodies pass every check and reach checkInvite.
    const mostly = <T>(valid: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> =>
      fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: any })
    const bytes = (n: number): fc.Arbitrary<Uint8Array> =>
      mostly(fc.uint8Array({ minLength: n, maxLength: n }), fc.uint8Array({ minLength: n - 2, maxLength: n + 2 }))
    const body = fc.record({
      version: mostly(fc.constant(1), fc.integer({ min: 0, max: 0xffffffff })),
      roomId: bytes(16),
      roomName: fc.string({ unit: 'grapheme', maxLength: 40 }),
      epoch: mostly(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
      roomSecret: bytes(32),
      relays: mostly(fc.subarray(relays, { minLength: 1 }), fc.array(relayish, { maxLength: 10 })),
      issuedAt: mostly(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
      expiresAt: mostly(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
      inviteId: bytes(16),
      inviteSeed: bytes(32),
      // Sometimes a creator, with a commitment and a key record that rarely fit.
      creator: fc.oneof({ weight: 3, arbitrary: fc.constant(new Uint8Array(0)) }, { weight: 1, arbitrary: bytes(32) }),
      genesisNonce: fc.oneof(fc.constant(new Uint8Array(0)), bytes(16)),
      genesisCommitment: fc.oneof(fc.constant(new Uint8Array(0)), bytes(32)),
      epochRecord: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 200 }))
    })
    let decodedCount = 0
    fc.assert(fc.property(body, (b) => {
      const bytes = InviteBody.encode({ ...b, inviter: inviter.publicKey } as unknown as InviteBody)
      const text = signedCode(bytes, inviter)
      let invite: Invite | undefined
      onlyTyped(() => { invite = decodeInvite(text) }, DECODE_ERRORS)
      if (invite != null) {
        decodedCount++
        // Whatever decodes is within the documented bounds.
        assert.equal(invite.roomIdBytes.length, 16)
        assert.equal(invite.roomSecret.length, 32)
        assert.ok(invite.relays.length >= 1 && invite.relays.length <= 8)
        assert.ok(Number.isSafeInteger(invite.expiresAt) && invite.expiresAt > invite.issuedAt)
        onlyTyped(() => checkInvite(invite as Invite, { roomId: invite?.roomId ?? '', now: Date.now() }), CHECK_ERRORS)
      }
    }), { numRuns: 300 })
    assert.ok(decodedCount > 0, 'the generator never produced a decodable invite')
  })

  it('mutated valid codes throw only typed errors and never decode to a different invite', () => {
    const edit = fc.oneof(
      fc.tuple(fc.constant('replace' as const), fc.nat(), fc.constantFrom(...BASE58_ALPHABET)),
      fc.tuple(fc.constant('insert' as const), fc.nat(), fc.constantFrom(...BASE58_ALPHABET)),
      fc.tuple(fc.constant('delete' as const), fc.nat(), fc.constant('')),
      fc.tuple(fc.constant('truncate' as const), fc.nat(), fc.constant('')),
      fc.tuple(fc.constant('junk' as const), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
    )
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      let text = code
      for (const [op, pos, ch] of edits) {
        const i = text.length === 0 ? 0 : pos % text.length
        if (op === 'replace') text = text.slice(0, i) + ch + text.slice(i + 1)
        else if (op === 'insert' || op === 'junk') text = text.slice(0, i) + ch + text.slice(i)
        else if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1)
        else text = text.slice(0, i)
      }
      let decoded: Invite | undefined
      onlyTyped(() => { decoded = decodeInvite(text) }, DECODE_ERRORS)
      if (decoded != null) assert.deepEqual(decoded, original, `edited code decoded to a different invite: ${JSON.stringify(edits)}`)
    }), { numRuns: RUNS })
  })

  it('checkInvite throws only its typed errors for any time and any typed room id', () => {
    fc.assert(fc.property(
      fc.oneof(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.constant(original.expiresAt)),
      fc.oneof(fc.constant(original.roomId), fc.constant(original.roomId.toUpperCase()), fc.string({ maxLength: 40 })),
      (now, roomId) => { onlyTyped(() => checkInvite(original, { roomId, now }), CHECK_ERRORS) }
    ), { numRuns: RUNS })
  })

  it('checkInvite stays typed for validly signed invites with extreme (but safe-integer) times', () => {
    const times = fc.oneof(fc.constantFrom(0, 1, 8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER), fc.nat({ max: Number.MAX_SAFE_INTEGER }))
    fc.assert(fc.property(times, times, times, (a, b, now) => {
      const [issuedAt, expiresAt] = a < b ? [a, b] : [b, a]
      fc.pre(issuedAt < expiresAt)
      const invite = decodeInvite(encodeInvite(inviteFields(relays, { issuedAt, expiresAt }), inviter.secretKey, inviter.publicKey))
      assert.equal(invite.expiresAt, expiresAt)
      onlyTyped(() => checkInvite(invite, { roomId: invite.roomId, now }), CHECK_ERRORS)
      onlyTyped(() => checkInvite(invite, { roomId: invite.roomId, now: expiresAt }), CHECK_ERRORS)
    }), { numRuns: 100 })
  })
})
