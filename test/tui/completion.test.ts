import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { complete, type CompletionCandidates, type CompletionState } from '../../src/tui/completion.js'
import { parseCommandLine } from '../../src/tui/command-line.js'

const CANDIDATES: CompletionCandidates = {
  commands: ['help', 'whois', 'who', 'quit', '/me'],
  nicks: ['alice', 'Albert', 'bob', 'bob', 'Bob Smith', 'carol']
}

/** Press Tab `times` times from `input`, returning each resulting input. */
function tabs (input: string, times: number): string[] {
  const seen: string[] = []
  let state: CompletionState | undefined
  let current = input
  for (let i = 0; i < times; i++) {
    const result = complete(current, true, CANDIDATES, state)
    current = result.input
    state = result.state
    seen.push(current)
  }
  return seen
}

describe('complete', () => {
  it('completes command names at the start of the line', () => {
    assert.equal(complete('/he', true, CANDIDATES).input, '/help ')
    assert.equal(complete('/QU', true, CANDIDATES).input, '/quit ')
    assert.equal(complete('/m', true, CANDIDATES).input, '/me ')
  })

  it('cycles through several matches and wraps around', () => {
    assert.deepEqual(tabs('/wh', 3), ['/who ', '/whois ', '/who '])
    assert.deepEqual(tabs('/', 6), ['/help ', '/me ', '/quit ', '/who ', '/whois ', '/help '])
  })

  it('completes nicks case-insensitively: "nick: " at line start, "nick " elsewhere', () => {
    assert.deepEqual(tabs('al', 3), ['Albert: ', 'alice: ', 'Albert: '])
    assert.equal(complete('hi CA', true, CANDIDATES).input, 'hi carol ')
    assert.equal(complete('/whois car', true, CANDIDATES).input, '/whois carol ')
    assert.equal(complete('/me hugs a', true, CANDIDATES).input, '/me hugs Albert ')
  })

  it('does not repeat a nick two members share', () => {
    assert.deepEqual(tabs('hi b', 3), ['hi bob ', 'hi Bob Smith ', 'hi bob '])
  })

  it('quotes a nick with a space when it is a command argument', () => {
    const line = tabs('/whois bo', 2)[1] as string
    assert.equal(line, '/whois "Bob Smith" ')
    const parsed = parseCommandLine(line)
    assert.ok(parsed.kind === 'command')
    assert.deepEqual(parsed.args, ['Bob Smith'])
  })

  it('an edited line starts a new completion', () => {
    const first = complete('al', true, CANDIDATES)
    assert.equal(first.input, 'Albert: ')
    const next = complete(first.input + 'hi b', true, CANDIDATES, first.state)
    assert.equal(next.input, 'Albert: hi bob ')
  })

  it('no match: input unchanged, no state', () => {
    assert.deepEqual(complete('zed', true, CANDIDATES), { input: 'zed', state: undefined })
    assert.deepEqual(complete('/nope', true, CANDIDATES), { input: '/nope', state: undefined })
    assert.deepEqual(complete('//he', true, CANDIDATES), { input: '//he', state: undefined })
  })

  it('an empty word cycles through all nicks', () => {
    assert.deepEqual(tabs('hello ', 2), ['hello Albert ', 'hello alice '])
  })

  it('a single match stays put on repeated Tab', () => {
    assert.deepEqual(tabs('/qu', 3), ['/quit ', '/quit ', '/quit '])
  })
})
