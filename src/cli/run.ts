import { CommanderError, type Command } from 'commander'
import { ExitCode, exitCodeFor, isUserError } from './exit-codes.js'
import type { Output } from './output.js'

/**
 * Run a commander program and turn every outcome into an exit code: user errors get
 * their one-line message (and, with --json, an `error` event on stdout), never a stack
 * trace; unexpected errors say so and show the stack only with DEBUG set.
 */
export async function runProgram (program: Command, argv: string[], output: Output, name: string): Promise<number> {
  let code: number = ExitCode.OK
  program.exitOverride()
  const outputConfig = {
    writeErr: (s: string) => { process.stderr.write(s) },
    // Usage errors read like every other error: `<name>: <message>`.
    outputError: (s: string, write: (s: string) => void) => { write(s.replace(/^error: /, `${name}: `)) }
  }
  program.configureOutput(outputConfig)
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(outputConfig)
  try {
    await program.parseAsync(argv, { from: 'user' })
    code = typeof program.getOptionValue('__exitCode') === 'number' ? program.getOptionValue('__exitCode') : ExitCode.OK
  } catch (err: any) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      if (err.exitCode === 0) return ExitCode.OK
      if (argv.includes('--json')) {
        output.json({ type: 'error', message: err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim(), code: 'UsageError', fatal: true })
      }
      return ExitCode.USAGE
    }
    code = exitCodeFor(err)
    const wantsJson = argv.includes('--json')
    if (isUserError(err)) {
      output.err(`${name}: ${err.message}`)
    } else {
      output.err(`${name}: unexpected error: ${err?.message ?? String(err)}`)
      if (process.env.DEBUG != null) output.err(String(err?.stack ?? ''))
    }
    if (wantsJson) output.json({ type: 'error', message: err?.message ?? String(err), code: err?.name ?? 'Error', fatal: true })
  }
  return code
}
