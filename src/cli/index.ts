/**
 * @packageDocumentation
 *
 * The `cryptochat` command line: argument parsing (commander), exit codes and the
 * mapping of typed errors to one-line messages. Nothing below this layer prints.
 */
export { main, buildProgram } from './main.js'
export { runProgram } from './run.js'
export { ExitCode, EXIT_CODE_BY_ERROR, exitCodeFor, isUserError } from './exit-codes.js'
export { processOutput, type Output } from './output.js'
export { parseDuration, parseNick } from './parse.js'
export { sanitizeForTerminal } from './sanitize.js'
export { UsageError, InvalidDurationError, InvalidNickError, PassphraseMismatchError, PromptCanceledError } from './errors.js'
