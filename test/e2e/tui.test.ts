/**
 * The full-screen UI as a person uses it: the real program in tmux, against a real relay
 * and real headless peers. Every step waits on what the screen (or a peer) shows.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { tempDirs } from '../helpers/index.js'
import { Procs, startRelay, type Proc } from './procs.js'
import { TmuxSession, tmuxAvailable } from './tmux.js'

const CRYPTOCHAT = fileURLToPath(new URL('../../../bin/cryptochat.js', import.meta.url))
const skip = tmuxAvailable() ? false : 'tmux is not installed on this machine: the UI tests drive the program through tmux'

describe('terminal UI in tmux (real relay, real peers)', { skip }, () => {
  const procs = new Procs()
  let ui: TmuxSession | undefined
  let bob: Proc
  let carol: Proc
  let team: { roomId: string, invite: string }
  let random: { roomId: string, invite: string }
  let aliceDir: string
  let fpAlice: string
  const dirs = tempDirs('cryptochat-tui-')
  const dir = dirs.make

  before(async () => {
    const relay = await startRelay(procs, dir('relay'))
    aliceDir = dir('alice')
    const t = await procs.run('cryptochat', ['create', 'team', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    const r = await procs.run('cryptochat', ['create', 'random', '--relay', relay.addr, '--nick', 'alice', '--json', '--data-dir', aliceDir])
    team = t.lines[0] as any
    random = r.lines[0] as any
    fpAlice = ((await procs.run('cryptochat', ['id', '--json', '--data-dir', aliceDir])).lines[0] as any).fingerprint
    bob = procs.spawn('cryptochat', ['join', team.roomId, '--invite', team.invite, '--nick', 'bob', '--json', '--data-dir', dir('bob')], 'bob')
    carol = procs.spawn('cryptochat', ['join', random.roomId, '--invite', random.invite, '--nick', 'carol', '--json', '--data-dir', dir('carol')], 'carol')
    await Promise.all([bob.waitForLine((l) => l.type === 'ready', 20_000, 'bob ready'), carol.waitForLine((l) => l.type === 'ready', 20_000, 'carol ready')])
    ui = new TmuxSession(`${JSON.stringify(process.execPath)} ${JSON.stringify(CRYPTOCHAT)} join ${team.roomId} --data-dir ${JSON.stringify(aliceDir)}`)
  })

  after(async () => {
    ui?.kill()
    await procs.stopAll()
    dirs.removeAll()
  })

  test('opens every room, this one first, and shows the members and the status', async () => {
    const screen = await (ui as TmuxSession).waitForScreen((s) => s.includes("joined 'team' as alice") && s.includes('members (2)'), 20_000, 'the team room joined with bob in it')
    assert.match(screen, /1 team/)
    assert.match(screen, /2 random/)
    assert.match(screen, /bob [0-9a-f]{8}/)
    assert.match(screen, /alice \([0-9a-f]{8}\) \| team \| relay up 1\/1 \| mesh: hub/)
    assert.match(screen, /E2E encrypted/)
  })

  test('a typed message reaches the peer; the peer\'s message appears in the log', async () => {
    const s = ui as TmuxSession
    s.typeLine('hello bob, from the UI')
    const got = await bob.waitForLine((l) => l.type === 'message' && l.text === 'hello bob, from the UI', 10_000, 'the UI\'s message at bob')
    assert.equal(got.nick, 'alice')
    assert.equal(got.fingerprint, fpAlice)
    bob.writeLine('hi alice 你好 👋')
    await s.waitForScreen((screen) => /<bob> hi alice 你好 👋/.test(screen), 10_000, 'bob\'s message in the log')
  })

  test('hostile text from a peer is shown inert: no escape sequences, no blessed tags', async () => {
    const s = ui as TmuxSession
    bob.writeLine('x \x1b[2J\x1b]0;pwned\x07 {red-fg}RED{/red-fg} end')
    const screen = await s.waitForScreen((sc) => sc.includes('{red-fg}RED{/red-fg} end'), 10_000, 'the hostile line, shown literally')
    assert.ok(screen.includes('^[[2J^[]0;pwned^G'), screen)
    // The screen was not cleared by the ESC [2J: earlier lines are still there.
    assert.ok(screen.includes('hello bob, from the UI'))
  })

  test('/nick is announced to the room; /who and /help answer in the log', async () => {
    const s = ui as TmuxSession
    s.typeLine('/nick alicia')
    const change = await bob.waitForLine((l) => l.type === 'member' && l.event === 'nick', 10_000, 'the nick change at bob')
    assert.equal(change.nick, 'alicia')
    assert.equal(change.previousNick, 'alice')
    await s.waitForScreen((sc) => sc.includes('you are now known as alicia'), 10_000, 'the nick confirmation')
    s.typeLine('/who')
    await s.waitForScreen((sc) => sc.includes("2 members in 'team'") && /-- bob [0-9a-f]{8}/.test(sc), 10_000, '/who output')
    s.typeLine('/help')
    await s.waitForScreen((sc) => sc.includes('/whois <nick>') && sc.includes('/quit'), 10_000, '/help output')
    s.typeLine('/frobnicate')
    await s.waitForScreen((sc) => sc.includes('unknown command /frobnicate'), 10_000, 'the unknown-command line')
  })

  test('a message in another room counts as unread; Alt-2 switches to it and clears the count', async () => {
    const s = ui as TmuxSession
    carol.writeLine('psst, over here')
    await s.waitForScreen((sc) => /2 random \(1\)/.test(sc), 10_000, 'an unread count on random')
    s.send('M-2')
    // tmux may capture the pane while blessed is half-way through writing a
    // frame, so wait for the whole frame (log and status line) rather than
    // asserting on the first capture that shows the log.
    const screen = await s.waitForScreen((sc) => sc.includes('<carol> psst, over here') && /random \| relay up/.test(sc), 10_000, 'the random room after Alt-2')
    assert.doesNotMatch(screen, /2 random \(1\)/)
  })

  test('PgUp scrolls back; new messages do not pull the reader down; PgDn returns', async () => {
    const s = ui as TmuxSession
    for (let i = 1; i <= 50; i++) carol.writeLine(`line ${i} of a long chat`)
    await s.waitForScreen((sc) => sc.includes('line 50 of a long chat'), 15_000, 'the last of 50 lines')
    s.send('PageUp')
    await s.waitForScreen((sc) => sc.includes('scrolled up') && !sc.includes('line 50 of a long chat'), 10_000, 'the log scrolled up')
    carol.writeLine('a late message')
    // It arrives, and the reader stays where they were: told of it, not pulled down.
    const held = await s.waitForScreen((sc) => sc.includes('scrolled up, 1 new below'), 10_000, 'the late message counted below')
    assert.ok(!held.includes('a late message'))
    s.send('PageDown')
    s.send('PageDown')
    s.send('PageDown')
    const screen = await s.waitForScreen((sc) => sc.includes('a late message') && !sc.includes('scrolled up'), 10_000, 'back at the bottom with the late message')
    assert.match(screen, /line 50 of a long chat/)
  })

  test('/quit leaves every room, exits 0 and gives the terminal back', async () => {
    const s = ui as TmuxSession
    s.typeLine('/quit')
    const screen = await s.waitForScreen((sc) => sc.includes('EXITED WITH 0'), 15_000, 'the program to exit')
    assert.doesNotMatch(screen, /lq rooms|qqqq|members \(/, 'the UI is gone from the terminal')
    const left = await bob.waitForLine((l) => l.type === 'member' && l.event === 'leave', 10_000, 'alice\'s departure at bob')
    assert.equal(left.fingerprint, fpAlice)
  })

  test('reopened, a room shows its history (with delivery marks) and what was said while away, caught up from a member', async () => {
    bob.writeLine('said while alice was away')
    await bob.waitForLine((l) => l.type === 'status' && l.status === 'sent', 10_000, 'bob\'s message published (to the relay)')
    ui?.kill()
    ui = new TmuxSession(`${JSON.stringify(process.execPath)} ${JSON.stringify(CRYPTOCHAT)} join ${team.roomId} --data-dir ${JSON.stringify(aliceDir)}`)
    const s = ui
    const screen = await s.waitForScreen((sc) => sc.includes('said while alice was away') && sc.includes('caught up: 1 message'), 20_000, 'the missed message, caught up')
    assert.match(screen, /history: the last \d+ messages/)
    assert.match(screen, /hello bob, from the UI ✓✓/, 'our own message from history, marked acknowledged')
  })

  test('/members lists roles and who added whom; /kick bob starts a new key epoch and bob is told', async () => {
    const s = ui as TmuxSession
    s.typeLine('/members')
    const listed = await s.waitForScreen((sc) => sc.includes("2 members in the room's signed log") && /bob [0-9a-f]{8}\s+member\s+added by alicia [0-9a-f]{8}/.test(sc), 10_000, 'the /members list')
    assert.match(listed, /alicia [0-9a-f]{8}\s+owner\s+created the room \(you\)/)
    s.typeLine('/kick bob')
    await s.waitForScreen((sc) => /removed bob; new key epoch 1/.test(sc), 15_000, 'the removal confirmed')
    const told = await bob.waitForLine((l) => l.type === 'membership' && l.event === 'removed' && l.self === true, 15_000, 'bob told he was removed')
    assert.equal(told.by, fpAlice)
    s.typeLine('after bob left')
    await s.waitForScreen((sc) => sc.includes('after bob left'), 10_000, 'our message in the log')
    bob.writeLine('bob still here')
    // Bob's line never shows: ask for the member list again and see it drawn with no bob line above.
    s.typeLine('/members')
    const after = await s.waitForScreen((sc) => sc.includes("1 member in the room's signed log"), 10_000, 'the member list without bob')
    assert.doesNotMatch(after, /<bob> bob still here/)
    assert.ok(!bob.lines.some((l) => l.type === 'message' && l.text === 'after bob left'), 'bob read the new epoch')
  })
})
