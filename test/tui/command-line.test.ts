import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseCommandLine, splitArgs, helpText, checkArity, findCommand, type CommandSpec } from '../../src/tui/command-line.js'

const cmd = (name: string, args: string[], rest: string): ReturnType<typeof parseCommandLine> => ({ kind: 'command', name, args, rest })
const text = (t: string): ReturnType<typeof parseCommandLine> => ({ kind: 'text', text: t })

describe('parseCommandLine', () => {
  it('plain text is text, as typed', () => {
    assert.deepEqual(parseCommandLine('hello world'), text('hello world'))
    assert.deepEqual(parseCommandLine(' leading space'), text(' leading space'))
    assert.deepEqual(parseCommandLine('a /b'), text('a /b'))
  })

  it('blank input is the empty text', () => {
    assert.deepEqual(parseCommandLine(''), text(''))
    assert.deepEqual(parseCommandLine('  \t '), text(''))
  })

  it('commands: lower-cased name, args, raw rest', () => {
    assert.deepEqual(parseCommandLine('/help'), cmd('help', [], ''))
    assert.deepEqual(parseCommandLine('/HELP Whois'), cmd('help', ['Whois'], 'Whois'))
    assert.deepEqual(parseCommandLine('/whois  bob   '), cmd('whois', ['bob'], ' bob   '))
    assert.deepEqual(parseCommandLine('/me waves  at  {everyone}'), cmd('me', ['waves', 'at', '{everyone}'], 'waves  at  {everyone}'))
    assert.deepEqual(parseCommandLine('/invite\t12h'), cmd('invite', ['12h'], '12h'))
  })

  it('double quotes group words', () => {
    assert.deepEqual(parseCommandLine('/whois "Bob Smith" x').kind === 'command' && parseCommandLine('/whois "Bob Smith" x'),
      cmd('whois', ['Bob Smith', 'x'], '"Bob Smith" x'))
    assert.deepEqual(splitArgs('"" a'), ['', 'a'])
    assert.deepEqual(splitArgs('x"y z"w'), ['xy zw'])
    assert.deepEqual(splitArgs('"unclosed  quote'), ['unclosed  quote'])
    assert.deepEqual(splitArgs('"say \\"hi\\" \\\\ ok"'), ['say "hi" \\ ok'])
    assert.deepEqual(splitArgs('back\\slash'), ['back\\slash'])
    assert.deepEqual(splitArgs('   '), [])
  })

  it('// sends a literal slash; a lone / is text', () => {
    assert.deepEqual(parseCommandLine('//help'), text('/help'))
    assert.deepEqual(parseCommandLine('//'), text('/'))
    assert.deepEqual(parseCommandLine('/'), text('/'))
    assert.deepEqual(parseCommandLine('/ not a command'), text('/ not a command'))
  })

  it('fuzz: never throws; text without a leading / is unchanged', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => {
      const parsed = parseCommandLine(s)
      if (parsed.kind === 'command') {
        assert.ok(s.startsWith('/') && !s.startsWith('//'))
        assert.equal(parsed.name, parsed.name.toLowerCase())
        assert.ok(parsed.name.length > 0 && !/\s/.test(parsed.name))
      } else if (!s.startsWith('/') && s.trim() !== '') {
        assert.equal(parsed.text, s)
      }
    }), { numRuns: 500 })
  })
})

type Ctx = { calls: string[] }
const SPECS: CommandSpec<Ctx>[] = [
  { name: 'help', args: '[command]', summary: 'list commands', help: 'Without an argument, list the commands.\nWith one, explain it.', maxArgs: 1, run: (ctx) => { ctx.calls.push('help') } },
  { name: 'whois', args: '<nick>', summary: 'show a member', help: 'Show the fingerprint of a member.', minArgs: 1, maxArgs: 1, run: () => {} },
  { name: 'quit', args: '', summary: 'leave', help: '', run: () => {} }
]

describe('help and arity', () => {
  it('lists every command, dashes aligned', () => {
    assert.deepEqual(helpText(SPECS), [
      '  /help [command] — list commands',
      '  /whois <nick>   — show a member',
      '  /quit           — leave'
    ])
  })

  it('explains one command, with or without /, any case', () => {
    const expected = ['usage: /help [command]', 'Without an argument, list the commands.', 'With one, explain it.']
    assert.deepEqual(helpText(SPECS, 'help'), expected)
    assert.deepEqual(helpText(SPECS, '/HELP'), expected)
    assert.deepEqual(helpText(SPECS, 'quit'), ['usage: /quit', 'leave'])
  })

  it('says when a command is unknown', () => {
    const lines = helpText(SPECS, 'nope')
    assert.equal(lines.length, 1)
    assert.match(lines[0] as string, /unknown command: \/nope/)
  })

  it('checkArity gives the usage line, or null', () => {
    const whois = findCommand(SPECS, 'whois')
    assert.ok(whois !== undefined)
    assert.equal(checkArity(whois, []), 'usage: /whois <nick>')
    assert.equal(checkArity(whois, ['a', 'b']), 'usage: /whois <nick>')
    assert.equal(checkArity(whois, ['bob']), null)
    const quit = findCommand(SPECS, '/QUIT')
    assert.ok(quit !== undefined)
    assert.equal(checkArity(quit, ['any', 'number', 'of', 'args']), null)
    assert.equal(findCommand(SPECS, 'nope'), undefined)
  })

  it('a spec runs with its context', async () => {
    const ctx: Ctx = { calls: [] }
    await findCommand(SPECS, 'help')?.run(ctx, [], '')
    assert.deepEqual(ctx.calls, ['help'])
  })
})
