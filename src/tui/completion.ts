/**
 * Tab completion for the input line, irssi/weechat-style: the word before the cursor is
 * completed to the first match, and pressing Tab again (without editing) cycles through
 * the others. Pure: the caller keeps the returned state and passes it back.
 */

/** What can be completed: command names (with or without `/`) and member nicks. */
export interface CompletionCandidates {
  commands: readonly string[]
  nicks: readonly string[]
}

/** Kept between Tab presses to cycle; opaque to callers. */
export interface CompletionState {
  /** The input as the last completion left it: Tab again on exactly this input cycles. */
  readonly shown: string
  /** The input before the word being completed. */
  readonly head: string
  /** Each full replacement for the word (suffix included), in cycling order. */
  readonly options: readonly string[]
  /** Which option is shown. */
  readonly index: number
}

/** The new input line, and the state to pass to the next Tab (undefined: nothing matched). */
export interface Completion {
  input: string
  state: CompletionState | undefined
}

const byLowerCase = (a: string, b: string): number => {
  const la = a.toLowerCase()
  const lb = b.toLowerCase()
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0
}

// Case-insensitive prefix matches, de-duplicated (two members may share a nick), sorted
// so that cycling order does not depend on who joined first.
function matching (candidates: readonly string[], prefix: string): string[] {
  const lower = prefix.toLowerCase()
  return [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower)).sort(byLowerCase)
}

// A nick used as a command argument must survive splitArgs as one argument.
function quoteArg (nick: string): string {
  return /[\s"]/u.test(nick) ? `"${nick.replace(/[\\"]/g, '\\$&')}"` : nick
}

/**
 * Complete the word before the cursor (the cursor is at the end of `input`; the
 * parameter makes that assumption explicit). The first word, when it starts with `/`,
 * completes to a command name (`/he` → `/help `). Any other word completes to a nick,
 * matched case-insensitively: `alice: ` at the start of the line (addressing someone),
 * `alice ` elsewhere, quoted when it is a command argument and contains spaces. An empty
 * word matches every nick. Pass the returned state back on the next Tab to cycle; any
 * other input starts afresh. No match: the input is returned unchanged.
 */
export function complete (
  input: string,
  cursorAtEnd: true,
  candidates: CompletionCandidates,
  state?: CompletionState
): Completion {
  if (state !== undefined && input === state.shown && state.options.length > 0) {
    const index = (state.index + 1) % state.options.length
    const shown = state.head + (state.options[index] as string)
    return { input: shown, state: { ...state, shown, index } }
  }
  const word = /\S*$/u.exec(input)?.[0] ?? ''
  const head = input.slice(0, input.length - word.length)
  let options: string[]
  if (head === '' && word.startsWith('/') && !word.startsWith('//')) {
    const names = candidates.commands.map((c) => c.replace(/^\//, ''))
    options = matching(names, word.slice(1)).map((name) => `/${name} `)
  } else {
    const inCommand = input.startsWith('/') && !input.startsWith('//')
    const nicks = matching(candidates.nicks, word)
    options = head === ''
      ? nicks.map((nick) => `${nick}: `)
      : nicks.map((nick) => `${inCommand ? quoteArg(nick) : nick} `)
  }
  if (options.length === 0) return { input, state: undefined }
  const shown = head + (options[0] as string)
  return { input: shown, state: { shown, head, options, index: 0 } }
}
