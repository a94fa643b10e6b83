import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { COMMANDS, type CommandContext } from '../../src/tui/commands.js'
import { checkArity, findCommand, helpText, parseCommandLine, usageOf } from '../../src/tui/command-line.js'

type Call = [method: string, ...args: unknown[]]

/** A CommandContext that records every call made on it. */
class Recorder implements CommandContext {
  readonly calls: Call[] = []
  info (text: string): void { this.calls.push(['info', text]) }
  fail (text: string): void { this.calls.push(['fail', text]) }
  async join (roomId: string, invite?: string): Promise<void> { this.calls.push(['join', roomId, invite]) }
  async create (name: string): Promise<void> { this.calls.push(['create', name]) }
  async invite (options: { expires?: string, uses?: string, qr: boolean }): Promise<void> { this.calls.push(['invite', options]) }
  async part (): Promise<void> { this.calls.push(['part']) }
  async setNick (nick: string): Promise<void> { this.calls.push(['setNick', nick]) }
  listRooms (): void { this.calls.push(['listRooms']) }
  who (): void { this.calls.push(['who']) }
  whois (nick: string): void { this.calls.push(['whois', nick]) }
  async verify (who: string, action?: 'confirm' | 'qr'): Promise<void> { this.calls.push(['verify', who, action]) }
  unverify (who: string): void { this.calls.push(['unverify', who]) }
  async me (action: string): Promise<void> { this.calls.push(['me', action]) }
  clear (): void { this.calls.push(['clear']) }
  help (topic?: string): void { this.calls.push(['help', topic]) }
  async quit (): Promise<void> { this.calls.push(['quit']) }
  members (): void { this.calls.push(['members']) }
  async kick (who: string): Promise<void> { this.calls.push(['kick', who]) }
  async promote (who: string): Promise<void> { this.calls.push(['promote', who]) }
  invites (): void { this.calls.push(['invites']) }
  async revoke (inviteId: string): Promise<void> { this.calls.push(['revoke', inviteId]) }
  async policy (who: string): Promise<void> { this.calls.push(['policy', who]) }
}

/**
 * Run an input line the way the app does: parse, find the command, check its arity (a
 * usage line goes to ctx.fail), then run it. Returns the calls made on the context.
 */
async function run (input: string): Promise<Call[]> {
  const ctx = new Recorder()
  const parsed = parseCommandLine(input)
  assert.equal(parsed.kind, 'command', `${input} is not a command`)
  if (parsed.kind !== 'command') return []
  const spec = findCommand(COMMANDS, parsed.name)
  assert.ok(spec != null, `no command /${parsed.name}`)
  const arity = checkArity(spec, parsed.args)
  if (arity != null) ctx.fail(arity)
  else await spec.run(ctx, parsed.args, parsed.rest)
  return ctx.calls
}

const REQUIRED = ['help', 'join', 'create', 'invite', 'part', 'nick', 'rooms', 'who', 'whois', 'verify', 'unverify', 'me', 'clear', 'quit', 'kick', 'members', 'revoke', 'invites', 'promote']

describe('COMMANDS table', () => {
  it('names are unique, lower-case, without a slash or spaces', () => {
    const names = COMMANDS.map((c) => c.name)
    assert.equal(new Set(names).size, names.length)
    for (const name of names) assert.match(name, /^[a-z]+$/)
  })

  it('has every command the product needs', () => {
    const names = new Set(COMMANDS.map((c) => c.name))
    for (const name of REQUIRED) assert.ok(names.has(name), `/${name} missing`)
  })

  it('every command has a summary and help', () => {
    for (const spec of COMMANDS) {
      assert.ok(spec.summary.trim().length > 0, `${spec.name} summary`)
      assert.ok(spec.help.trim().length > 0, `${spec.name} help`)
      assert.ok(!spec.summary.includes('\n'), `${spec.name} summary is one line`)
    }
  })

  it('arity bounds are consistent', () => {
    for (const spec of COMMANDS) {
      const min = spec.minArgs ?? 0
      const max = spec.maxArgs ?? Infinity
      assert.ok(min >= 0 && min <= max, spec.name)
      // Commands with required arguments show them in their synopsis.
      if (min > 0) assert.match(spec.args, /</, spec.name)
      if (max === 0) assert.equal(spec.args, '', spec.name)
    }
  })

  it('helpText lists one line per command, in table order', () => {
    const lines = helpText(COMMANDS)
    assert.equal(lines.length, COMMANDS.length)
    COMMANDS.forEach((spec, i) => {
      const line = lines[i] ?? ''
      assert.ok(line.includes(usageOf(spec)), line)
      assert.ok(line.endsWith(`— ${spec.summary}`), line)
    })
  })

  it('helpText for one command gives its usage and full help', () => {
    for (const spec of COMMANDS) {
      const lines = helpText(COMMANDS, spec.name)
      assert.equal(lines[0], `usage: ${usageOf(spec)}`)
      assert.deepEqual(lines.slice(1), spec.help.split('\n'))
    }
  })
})

describe('checkArity on the command table', () => {
  const spec = (name: string): NonNullable<ReturnType<typeof findCommand<CommandContext>>> => {
    const found = findCommand(COMMANDS, name)
    assert.ok(found != null, name)
    return found
  }

  it('rejects /whois with no argument or two', () => {
    assert.equal(checkArity(spec('whois'), []), 'usage: /whois <nick>')
    assert.equal(checkArity(spec('whois'), ['a', 'b']), 'usage: /whois <nick>')
    assert.equal(checkArity(spec('whois'), ['a']), null)
  })

  it('rejects arguments to commands that take none', () => {
    for (const name of ['part', 'rooms', 'who', 'clear', 'quit']) {
      assert.equal(checkArity(spec(name), []), null, name)
      assert.equal(checkArity(spec(name), ['x']), `usage: /${name}`, name)
    }
  })

  it('/join takes one or two arguments', () => {
    assert.equal(checkArity(spec('join'), []), 'usage: /join <roomId> [invite]')
    assert.equal(checkArity(spec('join'), ['r']), null)
    assert.equal(checkArity(spec('join'), ['r', 'i']), null)
    assert.equal(checkArity(spec('join'), ['r', 'i', 'x']), 'usage: /join <roomId> [invite]')
  })

  it('/create, /nick and /me need text', () => {
    for (const name of ['create', 'nick', 'me']) {
      assert.match(checkArity(spec(name), []) ?? '', new RegExp(`^usage: /${name} <`), name)
      assert.equal(checkArity(spec(name), ['a', 'b', 'c']), null, name)
    }
  })
})

describe('running commands', () => {
  it('/help with and without a topic', async () => {
    assert.deepEqual(await run('/help'), [['help', undefined]])
    assert.deepEqual(await run('/help whois'), [['help', 'whois']])
    assert.deepEqual(await run('/help keys'), [['help', 'keys']])
    assert.deepEqual(await run('/HELP /me'), [['help', '/me']])
    assert.deepEqual(await run('/help a b'), [['fail', 'usage: /help [command|keys]']])
  })

  it('/join with one and two arguments', async () => {
    assert.deepEqual(await run('/join room-1'), [['join', 'room-1', undefined]])
    assert.deepEqual(await run('/join room-1 CODE123'), [['join', 'room-1', 'CODE123']])
    assert.deepEqual(await run('/join'), [['fail', 'usage: /join <roomId> [invite]']])
    assert.deepEqual(await run('/join a b c'), [['fail', 'usage: /join <roomId> [invite]']])
  })

  it('/create uses the rest text, trimmed', async () => {
    assert.deepEqual(await run('/create book club'), [['create', 'book club']])
    assert.deepEqual(await run('/create   spaced out  '), [['create', 'spaced out']])
    assert.deepEqual(await run('/create'), [['fail', 'usage: /create <name>']])
  })

  it('/invite options', async () => {
    assert.deepEqual(await run('/invite'), [['invite', { qr: false }]])
    assert.deepEqual(await run('/invite --qr'), [['invite', { qr: true }]])
    assert.deepEqual(await run('/invite --expires 12h'), [['invite', { expires: '12h', qr: false }]])
    assert.deepEqual(await run('/invite --expires 12h --qr'), [['invite', { expires: '12h', qr: true }]])
    assert.deepEqual(await run('/invite --qr --expires 3d'), [['invite', { expires: '3d', qr: true }]])
  })

  it('/invite with no expires key when none is given', async () => {
    const calls = await run('/invite --qr')
    const options = calls[0]?.[1] as object
    assert.equal(Object.hasOwn(options, 'expires'), false)
  })

  it('/invite rejects unknown or incomplete options with a usage line', async () => {
    const usage = [['fail', 'usage: /invite [--expires <duration>] [--uses <n>] [--qr]']]
    assert.deepEqual(await run('/invite --bogus'), usage)
    assert.deepEqual(await run('/invite 12h'), usage)
    assert.deepEqual(await run('/invite --qr --bogus'), usage)
    assert.deepEqual(await run('/invite --expires'), usage)
    assert.deepEqual(await run('/invite --qr --expires'), usage)
    // A flag is not a duration.
    assert.deepEqual(await run('/invite --expires --qr'), usage)
    assert.deepEqual(await run('/invite --expires 1h --qr x'), usage)
    assert.deepEqual(await run('/invite --uses'), usage)
  })

  it('/invite --uses, and the room-management commands call their method', async () => {
    assert.deepEqual(await run('/invite --uses 1 --qr'), [['invite', { uses: '1', qr: true }]])
    assert.deepEqual(await run('/members'), [['members']])
    assert.deepEqual(await run('/kick bob'), [['kick', 'bob']])
    assert.deepEqual(await run('/promote 1a2b3c4d'), [['promote', '1a2b3c4d']])
    assert.deepEqual(await run('/invites'), [['invites']])
    assert.deepEqual(await run('/revoke 00112233445566778899aabbccddeeff'), [['revoke', '00112233445566778899aabbccddeeff']])
    assert.deepEqual(await run('/policy owners'), [['policy', 'owners']])
    assert.equal((await run('/kick'))[0]?.[0], 'fail')
    assert.equal((await run('/kick a b'))[0]?.[0], 'fail')
  })

  it('/part, /rooms, /who, /clear, /quit call their method', async () => {
    assert.deepEqual(await run('/part'), [['part']])
    assert.deepEqual(await run('/rooms'), [['listRooms']])
    assert.deepEqual(await run('/who'), [['who']])
    assert.deepEqual(await run('/clear'), [['clear']])
    assert.deepEqual(await run('/quit'), [['quit']])
    assert.deepEqual(await run('/QUIT'), [['quit']])
  })

  it('/nick uses the rest text, trimmed', async () => {
    assert.deepEqual(await run('/nick bob'), [['setNick', 'bob']])
    assert.deepEqual(await run('/nick  Bob Smith '), [['setNick', 'Bob Smith']])
    assert.deepEqual(await run('/nick'), [['fail', 'usage: /nick <name>']])
  })

  it('/whois takes one nick (quotes group words)', async () => {
    assert.deepEqual(await run('/whois carol'), [['whois', 'carol']])
    assert.deepEqual(await run('/whois "Bob Smith"'), [['whois', 'Bob Smith']])
    assert.deepEqual(await run('/whois'), [['fail', 'usage: /whois <nick>']])
  })

  it('/verify shows the code, or confirms, or draws it as a QR code; /unverify takes one name', async () => {
    assert.deepEqual(await run('/verify bob'), [['verify', 'bob', undefined]])
    assert.deepEqual(await run('/verify bob confirm'), [['verify', 'bob', 'confirm']])
    assert.deepEqual(await run('/verify a9b7c216 --qr'), [['verify', 'a9b7c216', 'qr']])
    assert.deepEqual(await run('/verify bob yes'), [['fail', 'usage: /verify <nick|fingerprint> [confirm|--qr]']])
    assert.deepEqual(await run('/verify'), [['fail', 'usage: /verify <nick|fingerprint> [confirm|--qr]']])
    assert.deepEqual(await run('/unverify "Bob Smith"'), [['unverify', 'Bob Smith']])
    assert.deepEqual(await run('/unverify'), [['fail', 'usage: /unverify <nick|fingerprint>']])
  })

  it('/me sends the rest text as typed', async () => {
    assert.deepEqual(await run('/me waves'), [['me', 'waves']])
    assert.deepEqual(await run('/me waves  at  "everyone" {red}'), [['me', 'waves  at  "everyone" {red}']])
    assert.deepEqual(await run('/me 👍 ok'), [['me', '👍 ok']])
    assert.deepEqual(await run('/me'), [['fail', 'usage: /me <action>']])
  })

  it('every command runs against the fake context with plausible arguments and calls it once', async () => {
    const sample: Record<string, string> = {
      help: '/help', join: '/join r', create: '/create c', invite: '/invite', part: '/part', nick: '/nick n',
      rooms: '/rooms', who: '/who', whois: '/whois w', verify: '/verify v', unverify: '/unverify u', me: '/me m', clear: '/clear', quit: '/quit',
      members: '/members', kick: '/kick k', promote: '/promote p', invites: '/invites', revoke: '/revoke r', policy: '/policy owners'
    }
    for (const spec of COMMANDS) {
      const input = sample[spec.name]
      assert.ok(input != null, `no sample for /${spec.name}: add one`)
      const calls = await run(input)
      assert.equal(calls.length, 1, `/${spec.name}: ${JSON.stringify(calls)}`)
      assert.notEqual(calls[0]?.[0], 'fail', `/${spec.name}: ${JSON.stringify(calls)}`)
    }
  })
})
