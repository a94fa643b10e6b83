import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { base58btc } from 'multiformats/bases/base58'
import { bytesToHex, generateSigningKeyPair, randomBytes, sign } from '../../src/crypto/index.js'
import { ControlType, InviteBody, SignedInvite, controlOp, epochCommitment, genesisCommitment, roomIdOf, signControl, verifyGrant, wire } from '../../src/protocol/index.js'
import {
  encodeInvite, decodeInvite, checkInvite,
  NotAnInviteError, InviteCorruptedError, InviteVersionError, InviteSignatureError, InviteExpiredError, InviteRoomMismatchError
} from '../../src/invite/index.js'
import { INVITE_CLOCK_SKEW_MS, INVITE_PREFIX, MAX_INVITE_CODE_CHARS, MAX_INVITE_RELAYS, MAX_ROOM_NAME_BYTES } from '../../src/constants.js'
import { throwsNamed } from '../unit-helpers.js'
import {
  BASE58_ALPHABET, HOUR, INVITE_DOMAIN, NOW, bodyOf, codeOf, inviteFields, recordOf, relayAddresses, signedCode
} from './forge.js'

describe('invite', () => {
  const inviter = generateSigningKeyPair()
  const mallory = generateSigningKeyPair()
  let relays: string[] = []
  before(async () => { relays = await relayAddresses() })

  describe('encode / decode / check round trip', () => {
    it('carries a later epoch, a use limit, the room creator and a grant whose signature members can check', () => {
      const owner = generateSigningKeyPair()
      const creator = owner.publicKey
      const genesisNonce = randomBytes(16)
      const commitment = randomBytes(32)
      const roomIdBytes = roomIdOf(creator, NOW - HOUR, genesisNonce, commitment)
      const roomSecret = randomBytes(32)
      const epochRecord = signControl(owner.secretKey, controlOp({ roomId: wire(roomIdBytes), author: wire(creator), index: 1n, timestamp: BigInt(NOW), type: ControlType.EPOCH, epoch: 3, commitment: wire(epochCommitment(roomIdBytes, 3, roomSecret)) })).bytes
      const code = encodeInvite(inviteFields(relays, { epoch: 3, roomSecret, maxUses: 2, creator, createdAt: NOW - HOUR, genesisNonce, roomIdBytes, genesisCommitment: commitment, epochRecord }), inviter.secretKey, inviter.publicKey)
      const invite = decodeInvite(code)
      assert.equal(invite.epoch, 3)
      assert.equal(invite.maxUses, 2)
      assert.deepEqual(invite.creator, creator)
      assert.equal(invite.createdAt, NOW - HOUR)
      assert.ok(invite.grant != null && verifyGrant(invite.grant.grant, invite.grant.signature))
      assert.equal(invite.grant.grant.maxUses, 2)
      assert.equal(invite.grant.grant.epoch, 3)
      // The grant is the inviter's: changing a field breaks it.
      assert.ok(!verifyGrant({ ...invite.grant.grant, maxUses: 0 }, invite.grant.signature))
    })

    it('refuses an invite naming a creator the room id was not made from (a member posing as the creator)', () => {
      const realCreator = generateSigningKeyPair().publicKey
      const genesisNonce = randomBytes(16)
      const roomSecret = randomBytes(32)
      const roomIdBytes = roomIdOf(realCreator, NOW - HOUR, genesisNonce, genesisCommitment(roomSecret))
      // Signed by a member (validly), naming itself as the room's creator.
      const code = encodeInvite(inviteFields(relays, { roomSecret, creator: inviter.publicKey, createdAt: NOW - HOUR, genesisNonce, roomIdBytes }), inviter.secretKey, inviter.publicKey)
      const err = throwsNamed(() => decodeInvite(code), 'InviteCorruptedError')
      assert.match(err.message, /creator it names does not match the room id/)
    })

    it('decodes every field it encoded, keeping several relays in order', () => {
      const fields = inviteFields(relays)
      const code = encodeInvite(fields, inviter.secretKey, inviter.publicKey)
      assert.ok(code.startsWith(INVITE_PREFIX))
      assert.match(code.slice(INVITE_PREFIX.length), /^[1-9A-HJ-NP-Za-km-z]+$/)
      const invite = decodeInvite(code)
      assert.equal(invite.version, 1)
      assert.equal(invite.roomId, bytesToHex(fields.roomIdBytes))
      assert.deepEqual(invite.roomIdBytes, fields.roomIdBytes)
      assert.equal(invite.roomName, 'Book club 📚')
      assert.equal(invite.epoch, 0)
      assert.deepEqual(invite.roomSecret, fields.roomSecret)
      assert.deepEqual(invite.relays, relays)
      assert.equal(invite.relays.length, 3)
      assert.deepEqual(invite.inviter, inviter.publicKey)
      assert.equal(invite.issuedAt, NOW)
      assert.equal(invite.expiresAt, NOW + 24 * HOUR)
      assert.equal(invite.inviteId, bytesToHex(fields.inviteId))
      checkInvite(invite, { roomId: invite.roomId, now: NOW + HOUR })
    })

    it('tolerates surrounding whitespace and an upper-case room id', () => {
      const fields = inviteFields(relays.slice(0, 1))
      const code = encodeInvite(fields, inviter.secretKey, inviter.publicKey)
      const invite = decodeInvite(`  \n${code}\t \n`)
      assert.deepEqual(invite.relays, relays.slice(0, 1))
      checkInvite(invite, { roomId: invite.roomId.toUpperCase(), now: NOW })
    })

    it('the room name, relay and secret are not visible in the code', () => {
      const fields = inviteFields(relays, { roomName: 'SecretRoomName' })
      const code = encodeInvite(fields, inviter.secretKey, inviter.publicKey)
      assert.ok(!code.includes('SecretRoomName'))
      assert.ok(!code.includes('relay.example.com'))
      assert.ok(!code.includes(bytesToHex(fields.roomIdBytes)))
    })
  })

  describe('checkInvite', () => {
    const code = (): string => encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey)

    it('an invite checked after its expiry gives InviteExpiredError', () => {
      const invite = decodeInvite(code())
      checkInvite(invite, { roomId: invite.roomId, now: invite.expiresAt - 1 })
      for (const now of [invite.expiresAt, invite.expiresAt + 1, invite.expiresAt + 365 * 24 * HOUR]) {
        const err = throwsNamed(() => checkInvite(invite, { roomId: invite.roomId, now }), 'InviteExpiredError')
        assert.ok(err instanceof InviteExpiredError)
        assert.equal(err.expiresAt, invite.expiresAt)
        assert.ok(err.message.includes(new Date(invite.expiresAt).toISOString()))
      }
    })

    it('uses the real clock when no time is given', () => {
      const live = decodeInvite(encodeInvite(inviteFields(relays, { issuedAt: Date.now(), expiresAt: Date.now() + HOUR }), inviter.secretKey, inviter.publicKey))
      checkInvite(live, { roomId: live.roomId })
      const stale = decodeInvite(code()) // expired in 2025
      assert.throws(() => checkInvite(stale, { roomId: stale.roomId }), InviteExpiredError)
    })

    it('an invite for another room gives InviteRoomMismatchError', () => {
      const invite = decodeInvite(code())
      const other = bytesToHex(randomBytes(16))
      const err = throwsNamed(() => checkInvite(invite, { roomId: other, now: NOW }), 'InviteRoomMismatchError')
      assert.ok(err instanceof InviteRoomMismatchError)
      assert.equal(err.expected, other)
      assert.equal(err.actual, invite.roomId)
      // The room is checked first: an expired invite for another room says "wrong room".
      assert.throws(() => checkInvite(invite, { roomId: other, now: invite.expiresAt + 1 }), InviteRoomMismatchError)
    })

    it('an invite issued in the future beyond clock skew is refused as corrupted', () => {
      const invite = decodeInvite(code())
      checkInvite(invite, { roomId: invite.roomId, now: NOW - INVITE_CLOCK_SKEW_MS })
      assert.throws(() => checkInvite(invite, { roomId: invite.roomId, now: NOW - INVITE_CLOCK_SKEW_MS - 1 }), InviteCorruptedError)
    })
  })

  describe('forgeries', () => {
    it('a body re-signed by another key, keeping the inviter field, gives InviteSignatureError', () => {
      const record = recordOf(encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey))
      const forged = codeOf({ ...record, signature: sign(mallory.secretKey, INVITE_DOMAIN, record.body) as Uint8Array<ArrayBuffer> })
      const err = throwsNamed(() => decodeInvite(forged), 'InviteSignatureError')
      assert.ok(err instanceof InviteSignatureError)
      // Control: the same hand assembly with the real inviter's signature decodes.
      const honest = codeOf({ ...record, signature: sign(inviter.secretKey, INVITE_DOMAIN, record.body) as Uint8Array<ArrayBuffer> })
      assert.deepEqual(decodeInvite(honest).inviter, inviter.publicKey)
    })

    it('a changed relay, room key or expiry, even if well formed, gives InviteSignatureError', () => {
      const fields = inviteFields(relays)
      const record = recordOf(encodeInvite(fields, inviter.secretKey, inviter.publicKey))
      const changes: Array<Partial<InviteBody>> = [
        { relays: [relays[2] as string] },
        { roomSecret: randomBytes(32) as Uint8Array<ArrayBuffer> },
        { expiresAt: BigInt(NOW + 1000 * HOUR) },
        { roomName: 'Book club 📕' }
      ]
      for (const change of changes) {
        const body = InviteBody.encode(bodyOf(fields, inviter.publicKey, change))
        assert.throws(() => decodeInvite(codeOf({ ...record, body })), InviteSignatureError, JSON.stringify(Object.keys(change)))
      }
    })

    it('flipping any byte of the signed body gives InviteSignatureError or InviteCorruptedError', () => {
      const record = recordOf(encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey))
      for (let i = 0; i < record.body.length; i++) {
        const body = Uint8Array.from(record.body)
        body[i] = (body[i] as number) ^ (1 << (i % 8))
        throwsNamed(() => decodeInvite(codeOf({ ...record, body: body as Uint8Array<ArrayBuffer> })), ['InviteSignatureError', 'InviteCorruptedError'], `body byte ${i}`)
      }
    })

    it('flipping any byte of the signature gives InviteSignatureError', () => {
      const record = recordOf(encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey))
      for (let i = 0; i < record.signature.length; i++) {
        const signature = Uint8Array.from(record.signature)
        signature[i] = (signature[i] as number) ^ 0x40
        throwsNamed(() => decodeInvite(codeOf({ ...record, signature: signature as Uint8Array<ArrayBuffer> })), 'InviteSignatureError', `sig byte ${i}`)
      }
    })

    it('a signature made for another domain (a chat message) does not make a valid invite', () => {
      const body = InviteBody.encode(bodyOf(inviteFields(relays), inviter.publicKey))
      throwsNamed(() => decodeInvite(signedCode(body, inviter, { domain: 'cryptochat/1/message' })), 'InviteSignatureError')
      assert.deepEqual(decodeInvite(signedCode(body, inviter)).inviter, inviter.publicKey) // control
    })

    it('whoever re-signs a body under their own key is shown as the inviter', () => {
      const fields = inviteFields(relays)
      const body = InviteBody.encode(bodyOf(fields, mallory.publicKey))
      const invite = decodeInvite(signedCode(body, mallory))
      assert.deepEqual(invite.inviter, mallory.publicKey)
      assert.notDeepEqual(invite.inviter, inviter.publicKey)
    })
  })

  describe('damaged and foreign codes', () => {
    it('every truncation of a code gives InviteCorruptedError', () => {
      const code = encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey)
      for (let len = INVITE_PREFIX.length; len < code.length; len++) {
        const err = throwsNamed(() => decodeInvite(code.slice(0, len)), 'InviteCorruptedError', `length ${len} of ${code.length}`)
        assert.ok(err instanceof InviteCorruptedError)
        assert.match(err.message, /damaged/)
      }
    })

    it('text without the prefix gives NotAnInviteError', () => {
      const code = encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey)
      for (const text of ['', '   ', 'hello', code.slice(INVITE_PREFIX.length), 'CC1' + code.slice(3), 'cc2' + code.slice(3), 'c' + code, `x${code}`, 'https://example.com/' + code]) {
        const err = throwsNamed(() => decodeInvite(text), 'NotAnInviteError', text.slice(0, 20))
        assert.ok(err instanceof NotAnInviteError)
        assert.match(err.message, /cc1/)
      }
    })

    it('characters outside base58, or a code that is far too long, give InviteCorruptedError', () => {
      const code = encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey)
      for (const bad of ['0', 'O', 'I', 'l', '+', '/', '=', ' ', 'é']) {
        assert.throws(() => decodeInvite(code.slice(0, 40) + bad + code.slice(40)), InviteCorruptedError, JSON.stringify(bad))
      }
      assert.throws(() => decodeInvite(INVITE_PREFIX), InviteCorruptedError)
      assert.throws(() => decodeInvite(INVITE_PREFIX + 'z'.repeat(MAX_INVITE_CODE_CHARS)), InviteCorruptedError)
      assert.throws(() => decodeInvite(INVITE_PREFIX + '2'.repeat(MAX_INVITE_CODE_CHARS - 10)), InviteCorruptedError, 'too many bytes')
      assert.throws(() => decodeInvite(INVITE_PREFIX + '1111'), InviteCorruptedError, 'zero bytes: no version')
    })

    it('a future format version gives InviteVersionError, even with fields this version does not know', () => {
      const body = InviteBody.encode(bodyOf(inviteFields(relays), inviter.publicKey, { version: 2 }))
      const v2 = signedCode(body, inviter, { version: 2 })
      const err = throwsNamed(() => decodeInvite(v2), 'InviteVersionError')
      assert.ok(err instanceof InviteVersionError)
      assert.equal(err.version, 2)
      // Hand-built with base58btc directly, with an extra field 4 appended (a newer format's addition).
      const record = SignedInvite.encode({ version: 2, body, signature: new Uint8Array(64) })
      const extended = INVITE_PREFIX + base58btc.baseEncode(new Uint8Array([...record, 0x22, 0x03, 1, 2, 3]))
      assert.equal((throwsNamed(() => decodeInvite(extended), 'InviteVersionError') as InviteVersionError).version, 2)
      const v9000 = INVITE_PREFIX + base58btc.baseEncode(SignedInvite.encode({ version: 9000, body: Uint8Array.of(1) }))
      assert.equal((throwsNamed(() => decodeInvite(v9000), 'InviteVersionError') as InviteVersionError).version, 9000)
    })

    it('a record with no version, or inner and outer versions that disagree, is corrupted', () => {
      const fields = inviteFields(relays)
      const body = InviteBody.encode(bodyOf(fields, inviter.publicKey))
      assert.throws(() => decodeInvite(signedCode(body, inviter, { version: 0 })), InviteCorruptedError)
      const inner2 = InviteBody.encode(bodyOf(fields, inviter.publicKey, { version: 2 }))
      assert.throws(() => decodeInvite(signedCode(inner2, inviter)), InviteCorruptedError)
    })

    it('validly signed bodies with malformed contents give InviteCorruptedError', () => {
      const fields = inviteFields(relays)
      const tooMany = Array.from({ length: MAX_INVITE_RELAYS + 1 }, () => relays[0] as string)
      const cases: Array<[string, Partial<InviteBody>]> = [
        ['short room id', { roomId: randomBytes(15) as Uint8Array<ArrayBuffer> }],
        ['long room secret', { roomSecret: randomBytes(33) as Uint8Array<ArrayBuffer> }],
        ['no room secret', { roomSecret: new Uint8Array(0) }],
        ['short invite id', { inviteId: randomBytes(8) as Uint8Array<ArrayBuffer> }],
        ['long room name', { roomName: 'n'.repeat(MAX_ROOM_NAME_BYTES + 1) }],
        ['no relay', { relays: [] }],
        ['relay without peer id', { relays: [relays[0] as string, '/ip4/203.0.113.7/tcp/4001'] }],
        ['relay that is not a multiaddr', { relays: ['relay.example.com:4001'] }],
        ['too many relays', { relays: tooMany }],
        ['expires before issued', { expiresAt: BigInt(NOW - 1) }],
        ['expires when issued', { expiresAt: BigInt(NOW) }],
        ['unsafe integer time', { expiresAt: 2n ** 60n }]
      ]
      for (const [what, change] of cases) {
        const body = InviteBody.encode(bodyOf(fields, inviter.publicKey, change))
        throwsNamed(() => decodeInvite(signedCode(body, inviter)), 'InviteCorruptedError', what)
      }
      // Exactly at the limits is fine.
      const atLimit = InviteBody.encode(bodyOf(fields, inviter.publicKey, {
        roomName: 'n'.repeat(MAX_ROOM_NAME_BYTES), relays: Array.from({ length: MAX_INVITE_RELAYS }, () => relays[1] as string)
      }))
      assert.equal(decodeInvite(signedCode(atLimit, inviter)).relays.length, MAX_INVITE_RELAYS)
    })

    it('a record without a body or a full signature, or a malformed inviter key, is corrupted', () => {
      const fields = inviteFields(relays)
      const body = InviteBody.encode(bodyOf(fields, inviter.publicKey))
      const sig = sign(inviter.secretKey, INVITE_DOMAIN, body) as Uint8Array<ArrayBuffer>
      assert.throws(() => decodeInvite(codeOf({ version: 1, body })), InviteCorruptedError)
      assert.throws(() => decodeInvite(codeOf({ version: 1, signature: sig })), InviteCorruptedError)
      assert.throws(() => decodeInvite(codeOf({ version: 1, body, signature: sig.subarray(0, 63) })), InviteCorruptedError)
      const shortInviter = InviteBody.encode(bodyOf(fields, inviter.publicKey.subarray(0, 31)))
      assert.throws(() => decodeInvite(signedCode(shortInviter, inviter)), InviteCorruptedError)
      assert.throws(() => decodeInvite(codeOf({ version: 1, body: Uint8Array.of(0xff, 0xff) as Uint8Array<ArrayBuffer>, signature: sig })), InviteCorruptedError)
    })

    it('codes use only the base58btc alphabet', () => {
      const code = encodeInvite(inviteFields(relays), inviter.secretKey, inviter.publicKey)
      for (const ch of code.slice(INVITE_PREFIX.length)) assert.ok(BASE58_ALPHABET.includes(ch), ch)
    })
  })
})
