import { displayWidth } from './width.js'

/**
 * The input line: is it a message or a `/command`, and the command table's types and
 * the `/help` text generated from it (commands are rows in a table, iamb-style).
 */

/** What the user typed, classified. */
export type CommandLine =
  | { kind: 'text', text: string }
  | {
    kind: 'command'
    /** Lower-cased, without the `/`. */
    name: string
    /** Words after the name; `"double quotes"` group words, `\"` and `\\` inside quotes are literal. */
    args: string[]
    /** The raw text after the name, one separating whitespace removed (for `/me`). */
    rest: string
  }

/**
 * Split on whitespace, honouring simple double quotes: `"a b"` is one argument, `""` an
 * empty one, and quoted parts join onto adjacent text (`x"y z"` is `xy z`), as in a shell.
 * Inside quotes a backslash makes the next `"` or `\` literal (so any nick can be
 * quoted); elsewhere a backslash is just a character. An unclosed quote runs to the end.
 */
export function splitArgs (text: string): string[] {
  const args: string[] = []
  let current = ''
  let inWord = false
  let quoted = false
  const chars = Array.from(text)
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string
    if (quoted) {
      const next = chars[i + 1]
      if (ch === '\\' && (next === '"' || next === '\\')) {
        current += next
        i++
      } else if (ch === '"') {
        quoted = false
      } else {
        current += ch
      }
    } else if (ch === '"') {
      quoted = true
      inWord = true
    } else if (/\s/u.test(ch)) {
      if (inWord) args.push(current)
      current = ''
      inWord = false
    } else {
      current += ch
      inWord = true
    }
  }
  if (inWord) args.push(current)
  return args
}

/**
 * Classify an input line. A line starting with `/` followed by a non-space is a command;
 * `//text` sends the literal text `/text`; a lone `/` (or `/ text`) is text. Blank input
 * is the text `''`; other text is returned exactly as typed.
 */
export function parseCommandLine (input: string): CommandLine {
  if (input.trim() === '') return { kind: 'text', text: '' }
  if (input.startsWith('//')) return { kind: 'text', text: input.slice(1) }
  const head = /^\/(\S+)/u.exec(input)
  if (head === null) return { kind: 'text', text: input }
  const rest = input.slice(head[0].length).replace(/^\s/u, '')
  return { kind: 'command', name: (head[1] as string).toLowerCase(), args: splitArgs(rest), rest }
}

/** One row of the command table; `C` is whatever context the handlers need. */
export interface CommandSpec<C> {
  /** Lower-case, without the `/`. */
  name: string
  /** Argument synopsis for usage lines, e.g. `<nick>` or `[duration]`; `''` for none. */
  args: string
  /** One line for the `/help` list. */
  summary: string
  /** The full help for `/help <name>`; may span lines (`\n`). */
  help: string
  minArgs?: number
  maxArgs?: number
  run(ctx: C, args: string[], rest: string): void | Promise<void>
}

/** `/name args`, the synopsis used in usage lines and the `/help` list. */
export function usageOf (spec: CommandSpec<unknown>): string {
  return spec.args === '' ? `/${spec.name}` : `/${spec.name} ${spec.args}`
}

/** The row for `name` (with or without `/`, any case), or undefined. */
export function findCommand<C> (specs: readonly CommandSpec<C>[], name: string): CommandSpec<C> | undefined {
  const wanted = name.replace(/^\//, '').toLowerCase()
  return specs.find((spec) => spec.name === wanted)
}

/**
 * The lines `/help` prints. With no name: every command in table order as
 * `  /name args — summary`, synopses padded so the dashes line up. With a name: its
 * usage line, then its full help. An unknown name gives one line saying so. Plain text:
 * escape it (escapeTags) before showing it in a tag-enabled element, since a name the
 * user typed is echoed back.
 */
export function helpText<C> (specs: readonly CommandSpec<C>[], name?: string): string[] {
  if (name === undefined || name.trim() === '') {
    const widest = Math.max(0, ...specs.map((spec) => displayWidth(usageOf(spec))))
    return specs.map((spec) => {
      const usage = usageOf(spec)
      return `  ${usage}${' '.repeat(widest - displayWidth(usage))} — ${spec.summary}`
    })
  }
  const spec = findCommand(specs, name.trim())
  if (spec === undefined) return [`unknown command: /${name.trim().replace(/^\//, '')} (type /help for the list)`]
  const help = spec.help === '' ? spec.summary : spec.help
  return [`usage: ${usageOf(spec)}`, ...help.split('\n')]
}

/** `usage: /name args` when `args` has too few or too many entries for `spec`, else null. */
export function checkArity<C> (spec: CommandSpec<C>, args: readonly string[]): string | null {
  const min = spec.minArgs ?? 0
  const max = spec.maxArgs ?? Infinity
  return args.length < min || args.length > max ? `usage: ${usageOf(spec)}` : null
}
