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
  program.configureOutput({ writeErr: (s) => { process.stderr.write(s) } })
  for (const cmd of program.commands) cmd.exitOverride()
  try {
    await program.parseAsync(argv, { from: 'user' })
    code = typeof program.getOptionValue('__exitCode') === 'number' ? program.getOptionValue('__exitCode') : ExitCode.OK
  } catch (err: any) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE
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
