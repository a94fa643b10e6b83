/**
 * End to end, real processes: every bad invite (and bad argument) is refused with its
 * documented exit code and a one-line message, before any network activity. The room
 * names a relay whose peer id is valid but where nothing listens: were the program to
 * touch the network first, the error would be a network one, and slow.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tempDirs, waitFor } from '../helpers/index.js'
import { decodeInvite, encodeInvite } from '../../src/invite/index.js'
import { generateSigningKeyPair } from '../../src/crypto/index.js'
import { hasStackTrace, Procs, type RunResult } from './procs.js'

const EXIT = { USAGE: 2, ROOM: 4, NETWORK: 5, NOT_AN_INVITE: 10, CORRUPTED: 11, BAD_SIGNATURE: 12, EXPIRED: 13, WRONG_ROOM: 14, WRONG_SECRET: 17 }
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
/** Local checks take a process start and some hashing, nothing more. */
const FAST_MS = 5_000

interface Created { roomId: string, invite: string, expiresAt: number, relays: string[] }

/** `code` with the character at `index` replaced by a different base58 character. */
function tamper (code: string, index: number): string {
  const c = code[index] as string
  const replacement = BASE58[(BASE58.indexOf(c) + 1) % BASE58.length] as string
  assert.notEqual(replacement, c)
  return code.slice(0, index) + replacement + code.slice(index + 1)
}

describe('invite and argument errors (real processes, no network)', () => {
  const procs = new Procs()
  let aliceDir = ''
  let deadRelay = ''
  let room: Created
  let shortLived: Created

  const dirs = tempDirs('cryptochat-e2e-')
  const dir = dirs.make
  const cryptochat = async (args: string[]): Promise<RunResult> => await procs.run('cryptochat', args, 15_000)
  const roomsOf = async (dataDir: string): Promise<unknown> => {
    const r = await cryptochat(['rooms', '--json', '--data-dir', dataDir])
    assert.equal(r.code, 0, r.stderr)
    return r.lines[0]
  }

  /** A fatal user error: the exit code, one `cryptochat: …` line on stderr, a fatal JSON error event. */
  function assertRefused (r: RunResult, code: number | number[], message: RegExp, errorName?: RegExp): void {
    const codes = Array.isArray(code) ? code : [code]
    assert.ok(codes.includes(r.code as number), `exit ${String(r.code)} (signal ${String(r.signal)}), expected ${codes.join(' or ')}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`)
    assert.equal(hasStackTrace(r.stderr), false, `stack trace on stderr:\n${r.stderr}`)
    const errLines = r.stderr.trim().split('\n')
    assert.equal(errLines.length, 1, `expected one line on stderr:\n${r.stderr}`)
    assert.match(errLines[0] as string, /^cryptochat: /)
    assert.match(r.stderr, message)
    assert.doesNotMatch(r.stderr, /unexpected error/)
    const fatal = r.lines.filter((l) => l.type === 'error')
    assert.equal(fatal.length, 1, r.stdout)
    assert.equal(fatal[0]?.fatal, true)
    assert.match(String(fatal[0]?.message), message)
    if (errorName != null) assert.match(String(fatal[0]?.code), errorName)
    assert.equal(r.lines.some((l) => l.type === 'ready'), false, 'must not get as far as joining')
    assert.ok(r.ms < FAST_MS, `took ${r.ms} ms: the check must not wait on the network`)
  }

  before(async () => {
    aliceDir = dir('alice')
    // A well-formed relay address with a real peer id, where nothing listens.
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    deadRelay = `/ip4/127.0.0.1/tcp/1/p2p/${peerId}`
    // One after the other (the first creates alice's identity). The short-lived invite
    // first, so that its second is mostly over by the time it is used.
    const short = await cryptochat(['create', 'short', '--relay', deadRelay, '--expires', '1s', '--json', '--data-dir', aliceDir])
    const normal = await cryptochat(['create', 'errors room', '--relay', deadRelay, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(short.code, 0, short.stderr)
    assert.equal(normal.code, 0, normal.stderr)
    shortLived = short.lines[0] as unknown as Created
    room = normal.lines[0] as unknown as Created
    assert.deepEqual(room.relays, [deadRelay])
    assert.ok(shortLived.expiresAt - Date.now() <= 1_000, 'a 1s invite expires within a second')
  })

  after(async () => {
    await procs.stopAll()
    dirs.removeAll()
  })

  test('a tampered invite is refused (corrupted or bad signature) and stores nothing', async () => {
    const code = room.invite
    assert.match(code, /^cc1[1-9A-HJ-NP-Za-km-z]+$/)
    // One character changed in the middle (and, for good measure, in each other quarter).
    const positions = [Math.floor(code.length / 2), Math.floor(code.length / 4), Math.floor((3 * code.length) / 4)]
    // A data dir each: the processes run at once, and each creates an identity.
    await Promise.all(positions.map(async (i) => {
      const bobDir = dir(`bob-tampered-${i}`)
      const tampered = tamper(code, i)
      assert.equal(tampered.length, code.length)
      const r = await cryptochat(['join', room.roomId, '--invite', tampered, '--nick', 'bob', '--json', '--data-dir', bobDir])
      assertRefused(r, [EXIT.CORRUPTED, EXIT.BAD_SIGNATURE],
        /this invite is damaged|signature does not verify/, /^(InviteCorruptedError|InviteSignatureError)$/)
      assert.deepEqual(await roomsOf(bobDir), [])
    }))
  })

  test('text that is not an invite exits 10', async () => {
    const bobDir = dir('bob-garbage')
    const r = await cryptochat(['join', room.roomId, '--invite', 'hello, this is not an invite', '--json', '--data-dir', bobDir])
    assertRefused(r, EXIT.NOT_AN_INVITE, /not a CryptoChat invite/, /^NotAnInviteError$/)
    assert.deepEqual(await roomsOf(bobDir), [])
  })

  test('an invite for another room exits 14', async () => {
    const bobDir = dir('bob-wrong-room')
    const otherRoomId = randomBytes(16).toString('hex')
    const r = await cryptochat(['join', otherRoomId, '--invite', room.invite, '--json', '--data-dir', bobDir])
    assertRefused(r, EXIT.WRONG_ROOM, new RegExp(`this invite is for room ${room.roomId}, not ${otherRoomId}`), /^InviteRoomMismatchError$/)
    assert.deepEqual(await roomsOf(bobDir), [])
  })

  test('an invite whose room key is not the room\'s own exits 17 (a shadow room: its signer would read what we send)', async () => {
    // A member (any key signs an invite) copies a real invite's room fields, but gives a
    // secret of its own making, which the room id's commitment does not match.
    const real = decodeInvite(room.invite)
    const signer = generateSigningKeyPair()
    const forged = encodeInvite({
      roomIdBytes: real.roomIdBytes,
      roomName: real.roomName,
      epoch: 0,
      roomSecret: new Uint8Array(randomBytes(32)),
      relays: real.relays,
      issuedAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
      inviteId: new Uint8Array(randomBytes(16)),
      inviteSeed: new Uint8Array(randomBytes(32)),
      ...(real.creator != null ? { creator: real.creator, createdAt: real.createdAt ?? 0 } : {}),
      ...(real.genesisNonce != null ? { genesisNonce: real.genesisNonce } : {}),
      ...(real.genesisCommitment != null ? { genesisCommitment: real.genesisCommitment } : {})
    }, signer.secretKey, signer.publicKey)
    const bobDir = dir('bob-wrong-secret')
    const r = await cryptochat(['join', room.roomId, '--invite', forged, '--json', '--data-dir', bobDir])
    assertRefused(r, EXIT.WRONG_SECRET, /this invite's room key is not the room's own/, /^InviteSecretMismatchError$/)
    assert.deepEqual(await roomsOf(bobDir), [])
  })

  test('an expired invite exits 13', async () => {
    const bobDir = dir('bob-expired')
    // Wait (polling the clock) until the 1 s invite has expired.
    await waitFor(() => Date.now() > shortLived.expiresAt, 5_000, 'the invite to expire')
    const r = await cryptochat(['join', shortLived.roomId, '--invite', shortLived.invite, '--json', '--data-dir', bobDir])
    assertRefused(r, EXIT.EXPIRED, /this invite expired at \d{4}-\d\d-\d\dT/, /^InviteExpiredError$/)
    assert.match(r.stderr, new RegExp(new Date(shortLived.expiresAt).toISOString().replace(/[.]/g, '\\.')))
    assert.deepEqual(await roomsOf(bobDir), [])
  })

  test('a bad --expires value is a usage error (2) and creates no room', async () => {
    const cases: Array<[string, RegExp]> = [['10', /is not a duration/], ['soon', /is not a duration/], ['0s', /is not a duration/], ['1000d', /is too long/]]
    const carolDir = dir('carol-expires')
    for (const [value, message] of cases) {
      const r = await cryptochat(['create', 'never', '--relay', deadRelay, '--expires', value, '--json', '--data-dir', carolDir])
      assertRefused(r, EXIT.USAGE, message, /^InvalidDurationError$/)
    }
    assert.deepEqual(await roomsOf(carolDir), [])
    // `invite` takes the same option (alice's identity exists: safe to share her dir).
    const inv = await cryptochat(['invite', room.roomId, '--expires', 'tomorrow', '--json', '--data-dir', aliceDir])
    assertRefused(inv, EXIT.USAGE, /is not a duration/, /^InvalidDurationError$/)
  })

  test('a command-line mistake is a usage error (2), reported like the others', async () => {
    const daveDir = dir('dave-usage')
    const r = await cryptochat(['create', 'no relay', '--json', '--data-dir', daveDir])
    assert.equal(r.code, EXIT.USAGE, r.stderr)
    assert.match(r.stderr, /^cryptochat: required option '--relay <multiaddr>' not specified$/m)
    assert.equal(hasStackTrace(r.stderr), false, r.stderr)
    assert.deepEqual(r.lines, [{ type: 'error', message: "required option '--relay <multiaddr>' not specified", code: 'UsageError', fatal: true }])
    assert.deepEqual(await roomsOf(daveDir), [])
  })

  test('joining an unknown room without an invite exits 4', async () => {
    const bobDir = dir('bob-unknown')
    const unknown = randomBytes(16).toString('hex')
    const r = await cryptochat(['join', unknown, '--json', '--data-dir', bobDir])
    assertRefused(r, EXIT.ROOM, new RegExp(`you are not in room ${unknown}`), /^UnknownRoomError$/)
    assert.deepEqual(await roomsOf(bobDir), [])
  })

  test('control: a valid invite gets past the checks and only then fails on the dead relay (5)', async () => {
    const bobDir = dir('bob-valid')
    const r = await procs.run('cryptochat', ['join', room.roomId, '--invite', room.invite, '--nick', 'bob', '--json', '--data-dir', bobDir], 30_000)
    assert.equal(r.code, EXIT.NETWORK, `stderr: ${r.stderr}\nstdout: ${r.stdout}`)
    assert.equal(hasStackTrace(r.stderr), false, r.stderr)
    assert.match(r.stderr, /^cryptochat: /)
    // The invite was accepted (the room is stored) before the network was tried.
    const rooms = await roomsOf(bobDir) as Array<{ roomId: string }>
    assert.deepEqual(rooms.map((x) => x.roomId), [room.roomId])
  })
})
