/**
 * Verifying a member in the full-screen UI, as a person does it: the real program in
 * tmux, a real relay and headless peers. /verify shows the safety code both people
 * compare, /verify <nick> confirm marks the member ✓, and a second identity joining
 * under the verified nick is shown loudly (a red warning line, a red `!` in the list).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { hexToBytes } from '../../src/crypto/index.js'
import { safetyCode, safetyCodeLines } from '../../src/identity/index.js'
import { tempDirs } from '../helpers/index.js'
import { Procs, startRelay, type Proc } from './procs.js'
import { TmuxSession, tmuxAvailable } from './tmux.js'

const CRYPTOCHAT = fileURLToPath(new URL('../../../bin/cryptochat.js', import.meta.url))
const skip = tmuxAvailable() ? false : 'tmux is not installed on this machine: the UI tests drive the program through tmux'

describe('verifying a member in the terminal UI (tmux, real relay, real peers)', { skip }, () => {
  const procs = new Procs()
  const dirs = tempDirs('cryptochat-tui-verify-')
  const dir = dirs.make
  let ui: TmuxSession | undefined
  let bob: Proc
  let room: { roomId: string, invite: string }
  let aliceDir = ''
  let alice: { fingerprint: string, publicKey: string }
  let bobId: { fingerprint: string, publicKey: string }
  let malloryFp = ''

  before(async () => {
    const relay = await startRelay(procs, dir('relay'))
    aliceDir = dir('alice')
    const bobDir = dir('bob')
    const created = await procs.run('cryptochat', ['create', 'team', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    assert.equal(created.code, 0, created.stderr)
    room = created.lines[0] as any
    alice = (await procs.run('cryptochat', ['id', '--json', '--data-dir', aliceDir])).lines[0] as any
    bob = procs.spawn('cryptochat', ['join', room.roomId, '--invite', room.invite, '--nick', 'bob', '--json', '--data-dir', bobDir], 'bob')
    const ready = await bob.waitForLine((l) => l.type === 'ready', 20_000, 'bob ready')
    bobId = (await procs.run('cryptochat', ['id', '--json', '--data-dir', bobDir])).lines[0] as any
    assert.equal(bobId.fingerprint, ready.fingerprint)
    ui = new TmuxSession(`${JSON.stringify(process.execPath)} ${JSON.stringify(CRYPTOCHAT)} join ${room.roomId} --data-dir ${JSON.stringify(aliceDir)}`, { width: 160, height: 45 })
  })

  after(async () => {
    ui?.kill()
    await procs.stopAll()
    dirs.removeAll()
  })

  test('/verify shows the safety code both people compare', async () => {
    const s = ui as TmuxSession
    await s.waitForScreen((sc) => sc.includes("joined 'team' as alice") && sc.includes('members (2)'), 20_000, 'the room with bob in it')
    s.typeLine('/verify bob')
    const [first, second, third] = safetyCodeLines(safetyCode(hexToBytes(alice.publicKey), hexToBytes(bobId.publicKey)))
    const screen = await s.waitForScreen((sc) => sc.includes('safety code for you and bob'), 10_000, 'the safety code')
    for (const line of [first, second, third]) assert.ok(screen.includes(line as string), `${line as string} on screen:\n${screen}`)
    assert.match(screen, /every digit matches: \/verify bob confirm/)
    // Not verified yet: no mark in the member list.
    assert.match(screen, new RegExp(`bob ${bobId.fingerprint.slice(0, 8)} `))
  })

  test('/verify bob confirm marks bob ✓ in the member list; /whois says verified', async () => {
    const s = ui as TmuxSession
    s.typeLine('/verify bob confirm')
    const screen = await s.waitForScreen((sc) => sc.includes(`✓ bob (${bobId.fingerprint.slice(0, 8)}) is now verified`), 10_000, 'the confirmation')
    assert.match(screen, new RegExp(`bob ${bobId.fingerprint.slice(0, 8)}✓`), 'the ✓ in the member list')
    s.typeLine('/whois bob')
    await s.waitForScreen((sc) => /bob: fingerprint [0-9a-f ]+, ✓ verified on /.test(sc), 10_000, '/whois saying verified')
  })

  test('another identity under the verified nick: a red warning in the room and a ! in the member list', async () => {
    const s = ui as TmuxSession
    const invite = await procs.run('cryptochat', ['invite', room.roomId, '--json', '--data-dir', aliceDir])
    assert.equal(invite.code, 0, invite.stderr)
    const mallory = procs.spawn('cryptochat', ['join', room.roomId, '--invite', (invite.lines[0] as any).invite, '--nick', 'bob', '--json', '--data-dir', dir('mallory')], 'mallory')
    malloryFp = (await mallory.waitForLine((l) => l.type === 'ready', 20_000, 'mallory ready')).fingerprint
    const m8 = malloryFp.slice(0, 8)
    const screen = await s.waitForScreen((sc) => sc.includes(`!! WARNING: bob (${m8}) is not the bob you verified (${bobId.fingerprint.slice(0, 8)})`), 15_000, 'the identity-changed warning')
    assert.match(screen, new RegExp(`bob ${m8}!`), 'the ! in the member list')
    assert.match(screen, new RegExp(`bob ${bobId.fingerprint.slice(0, 8)}✓`), 'the real bob keeps his ✓')
    // What the new key says is marked too, whoever else is in the room.
    mallory.writeLine('it is me, bob, new laptop')
    await s.waitForScreen((sc) => sc.includes(`<bob~${m8}!> it is me, bob, new laptop`), 10_000, 'the new key\'s message, marked')
    // Two members called bob now: /verify needs a fingerprint, and the new key is not verified by its nick.
    s.typeLine('/verify bob confirm')
    await s.waitForScreen((sc) => sc.includes('2 members use the nick bob: name one by fingerprint'), 10_000, 'the ambiguity')
    // Confirming needs the code of that very key on screen: bob's code was shown, not this one's.
    s.typeLine(`/verify ${bobId.fingerprint.slice(0, 8)}`)
    await s.waitForScreen((sc) => sc.includes('bob is verified (since'), 10_000, 'bob\'s code again')
    s.typeLine(`/verify ${m8} confirm`)
    await s.waitForScreen((sc) => sc.includes(`${m8} is not the identity whose code you compared last`), 10_000, 'confirm refused for a code not shown')
    s.typeLine(`/whois bob`)
    await s.waitForScreen((sc) => sc.includes('NOT the bob you verified'), 10_000, '/whois saying the key changed')
    s.typeLine('/who')
    await s.waitForScreen((sc) => sc.includes(`-- bob ${m8} ! not the verified key for this nick`) && sc.includes(`-- bob ${bobId.fingerprint.slice(0, 8)} ✓ verified`), 10_000, '/who with the marks')
  })

  test('/verify --qr draws the code as a QR code over the UI; /unverify removes the ✓', async () => {
    const s = ui as TmuxSession
    s.typeLine(`/verify ${bobId.fingerprint.slice(0, 8)} --qr`)
    await s.waitForScreen((sc) => sc.includes('safety code: any key closes') && sc.includes('█'), 10_000, 'the QR overlay')
    s.send('Escape')
    await s.waitForScreen((sc) => !sc.includes('safety code: any key closes'), 10_000, 'the overlay closed')
    s.typeLine(`/unverify ${bobId.fingerprint.slice(0, 8)}`)
    const screen = await s.waitForScreen((sc) => sc.includes(`bob (${bobId.fingerprint.slice(0, 8)}) is no longer verified`), 10_000, 'the mark removed')
    await s.waitForScreen((sc) => !new RegExp(`bob ${bobId.fingerprint.slice(0, 8)}✓`).test(sc), 10_000, `no ✓ any more:\n${screen}`)
    s.typeLine('/quit')
    await s.waitForScreen((sc) => sc.includes('EXITED WITH 0'), 15_000, 'the program to exit')
  })

  test('cryptochat verify on a terminal asks before marking: n changes nothing, y marks', async () => {
    const b8 = bobId.fingerprint.slice(0, 8)
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CRYPTOCHAT)} verify ${b8} --data-dir ${JSON.stringify(aliceDir)}`
    const no = new TmuxSession(command, { width: 160, height: 20 })
    try {
      await no.waitForScreen((sc) => sc.includes(`Mark bob (${b8}) verified [y/N]`), 10_000, 'the question')
      no.typeLine('n')
      await no.waitForScreen((sc) => sc.includes('Not marked verified; nothing changed.') && sc.includes('EXITED WITH 0'), 10_000, 'no change')
    } finally {
      no.kill()
    }
    const yes = new TmuxSession(command, { width: 160, height: 20 })
    try {
      const screen = await yes.waitForScreen((sc) => sc.includes(`Mark bob (${b8}) verified [y/N]`), 10_000, 'the question')
      const [first] = safetyCodeLines(safetyCode(hexToBytes(alice.publicKey), hexToBytes(bobId.publicKey)))
      assert.ok(screen.includes(first as string), screen)
      yes.typeLine('y')
      await yes.waitForScreen((sc) => sc.includes(`bob (${b8}) is now verified`) && sc.includes('EXITED WITH 0'), 10_000, 'marked')
    } finally {
      yes.kill()
    }
    const list = await procs.run('cryptochat', ['verify', '--list', '--json', '--data-dir', aliceDir])
    assert.deepEqual((list.lines[0] as any[]).map((v) => v.fingerprint), [bobId.fingerprint])
  })
})
