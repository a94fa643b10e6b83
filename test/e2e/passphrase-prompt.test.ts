/**
 * End to end, in a real terminal (tmux): passphrases are asked without echo, a new one
 * twice; a wrong one may be retried; Ctrl-C at the prompt cancels cleanly; after the
 * prompt the full-screen UI gets each key once.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../helpers/index.js'
import { BIN } from './procs.js'
import { TmuxSession, tmuxAvailable } from './tmux.js'

const skip = tmuxAvailable() ? false : 'tmux is not installed on this machine: the prompt tests drive the program through tmux'
const PASS = 'correct horse battery staple'
const RELAY = '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

describe('passphrase prompts in a terminal (tmux)', { skip }, () => {
  const dirs = tempDirs('cryptochat-e2e-prompt-')
  const sessions: TmuxSession[] = []
  const dataDir = dirs.make('alice')
  let roomId: string | undefined
  /** `cryptochat <args>` in a fresh terminal; the pane stays after it exits, showing `EXITED WITH <code>`. */
  const run = (args: string): TmuxSession => {
    const s = new TmuxSession(`${JSON.stringify(process.execPath)} ${JSON.stringify(BIN.cryptochat)} ${args} --data-dir ${JSON.stringify(dataDir)}`,
      { width: 140, height: 20, env: { CRYPTOCHAT_TEST_SCRYPT_LOG_N: '10' } })
    sessions.push(s)
    return s
  }
  const prompted = async (s: TmuxSession, count: number, what: string): Promise<void> => {
    await s.waitForScreen((screen) => (screen.match(/passphrase[^\n]*:/gi) ?? []).length >= count, 15_000, what)
  }

  after(() => {
    for (const s of sessions) s.kill()
    dirs.removeAll()
  })

  test('set asks twice without echo; a mismatch changes nothing', async () => {
    const mismatch = run('passphrase set')
    await prompted(mismatch, 1, 'the new passphrase prompt')
    mismatch.typeLine(PASS)
    await prompted(mismatch, 2, 'the confirmation prompt')
    mismatch.typeLine(PASS + ' but different')
    const screen = await mismatch.waitForScreen((s) => s.includes('EXITED WITH'), 15_000, 'the exit')
    assert.match(screen, /the two passphrases differ; nothing was changed/)
    assert.match(screen, /EXITED WITH 2/)
    assert.equal(existsSync(join(dataDir, 'keystore.json')), false)

    const set = run('passphrase set')
    await prompted(set, 1, 'the new passphrase prompt')
    set.typeLine(PASS)
    await prompted(set, 2, 'the confirmation prompt')
    set.typeLine(PASS)
    const done = await set.waitForScreen((s) => s.includes('EXITED WITH'), 15_000, 'the exit')
    assert.match(done, /Passphrase set: your identity key and 0 room secrets in .* are encrypted/)
    assert.match(done, /EXITED WITH 0/)
    assert.equal(done.includes('horse'), false, `the passphrase was echoed:\n${done}`)
  })

  test('create asks for it, lets a wrong one be retried, never echoes; Ctrl-C cancels with exit 130', async () => {
    const create = run(`create garden --relay ${RELAY}`)
    await prompted(create, 1, 'the unlock prompt')
    create.typeLine('not the right one')
    await create.waitForScreen((s) => s.includes('Wrong passphrase; try again.'), 15_000, 'the retry')
    create.typeLine(PASS)
    const done = await create.waitForScreen((s) => s.includes('EXITED WITH'), 15_000, 'the exit')
    assert.match(done, /Created room 'garden'/)
    roomId = /Room id: ([0-9a-f]{32})/.exec(done)?.[1]
    assert.match(done, /EXITED WITH 0/)
    assert.equal(done.includes('horse') || done.includes('right one'), false, `a passphrase was echoed:\n${done}`)

    const canceled = run(`create other --relay ${RELAY}`)
    await prompted(canceled, 1, 'the unlock prompt')
    canceled.send('C-c')
    const screen = await canceled.waitForScreen((s) => s.includes('EXITED WITH'), 15_000, 'the exit')
    assert.match(screen, /canceled at the passphrase prompt; nothing was changed/)
    assert.match(screen, /EXITED WITH 130/)
  })

  test('after the prompt, the full-screen UI gets each key once', async () => {
    assert.ok(roomId != null, 'the room created above')
    // Its relay is dead: the UI stays open, saying it could not join, which is all this needs.
    const ui = run(`join ${roomId}`)
    await prompted(ui, 1, 'the unlock prompt')
    ui.typeLine(PASS)
    await ui.waitForScreen((s) => s.includes('E2E encrypted'), 15_000, 'the UI')
    ui.send('-l', 'abc')
    // readline, had it read stdin itself, would have left a second keypress decoder on it.
    const screen = await ui.waitForScreen((s) => /^> abc/m.test(s), 5_000, 'the typed text')
    assert.doesNotMatch(screen, /^> abcabc|^> aabbcc/m)
  })

  test('id and rooms print without asking', async () => {
    const id = run('id')
    const screen = await id.waitForScreen((s) => s.includes('EXITED WITH'), 15_000, 'the exit')
    assert.match(screen, /^[0-9a-f]{40}$/m)
    assert.doesNotMatch(screen, /passphrase/i)
    const rooms = run('rooms')
    assert.match(await rooms.waitForScreen((s) => s.includes('EXITED WITH'), 15_000, 'the exit'), /garden/)
  })
})
