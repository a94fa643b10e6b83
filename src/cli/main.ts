import { Argument, Command, Option } from 'commander'
import type { PassphraseAction } from './commands/passphrase.js'
import { processOutput, type Output } from './output.js'
import { runProgram } from './run.js'
import { VERSION } from './version.js'

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

/** Options every subcommand takes, so they can be given after the subcommand name too. */
function common (cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory (default: $CRYPTOCHAT_HOME, else the platform data dir)')
    .option('--json', 'machine-readable JSON output')
}

/**
 * Build the `cryptochat` command line. Each command's module is loaded when it runs, so
 * that `--version`, usage errors and a bad invite answer without loading libp2p.
 */
export function buildProgram (output: Output): Command {
  const program = new Command('cryptochat')
    .description('Peer-to-peer, end-to-end encrypted group chat for the terminal')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
  common(program)

  common(program.command('id'))
    .description('print your identity fingerprint (creating your identity on first use)')
    .action(async (_opts, cmd: Command) => { await (await import('./commands/id.js')).idCommand(cmd.optsWithGlobals(), output) })

  common(program.command('create'))
    .description('create a room and print its id and an invite')
    .argument('<name>', 'room display name (shared with members only, encrypted)')
    .addOption(new Option('--relay <multiaddr>', 'relay address ending in /p2p/<id> (repeatable)').argParser(collect).makeOptionMandatory())
    .option('--expires <duration>', 'invite lifetime, e.g. 30s, 10m, 12h, 7d (default 7d)')
    .option('--nick <name>', 'your nick in this room')
    .action(async (name: string, _opts, cmd: Command) => { await (await import('./commands/create.js')).createCommand(name, cmd.optsWithGlobals(), output) })

  common(program.command('invite'))
    .description('print a new invite for a room you are in')
    .argument('<roomId>', 'room id')
    .option('--expires <duration>', 'invite lifetime, e.g. 30s, 10m, 12h, 7d (default 7d)')
    .option('--uses <n>', 'how many people may join with it (default: unlimited until it expires)')
    .action(async (roomId: string, _opts, cmd: Command) => { await (await import('./commands/invite.js')).inviteCommand(roomId, cmd.optsWithGlobals(), output) })

  common(program.command('invites'))
    .description('list a room\'s live invites (id, expiry, uses, issuer) as its membership log knows them')
    .argument('<roomId>', 'room id')
    .option('--all', 'also list revoked, expired and used-up invites')
    .action(async (roomId: string, _opts, cmd: Command) => { await (await import('./commands/members.js')).invitesCommand(roomId, cmd.optsWithGlobals(), output) })

  common(program.command('revoke'))
    .description('revoke an invite: members refuse any new join with it (owners, or the invite\'s issuer)')
    .argument('<roomId>', 'room id')
    .argument('<inviteId>', 'the invite\'s id (see: cryptochat invites <roomId>)')
    .option('--force', 'revoke an id the room does not know yet (owners: an invite a member issued offline)')
    .action(async (roomId: string, inviteId: string, _opts, cmd: Command) => { await (await import('./commands/members.js')).revokeCommand(roomId, inviteId, cmd.optsWithGlobals(), output) })

  common(program.command('remove'))
    .description('remove a member (owners): a new key epoch starts, which they do not get')
    .argument('<roomId>', 'room id')
    .argument('<fingerprint>', 'the member\'s fingerprint, or its first 8+ hex characters (see: cryptochat members <roomId>)')
    .action(async (roomId: string, who: string, _opts, cmd: Command) => { await (await import('./commands/members.js')).removeCommand(roomId, who, cmd.optsWithGlobals(), output) })

  common(program.command('promote'))
    .description('make a member an owner (owners)')
    .argument('<roomId>', 'room id')
    .argument('<fingerprint>', 'the member\'s fingerprint, or its first 8+ hex characters')
    .action(async (roomId: string, who: string, _opts, cmd: Command) => { await (await import('./commands/members.js')).promoteCommand(roomId, who, cmd.optsWithGlobals(), output) })

  common(program.command('policy'))
    .description('set who may invite to a room (owners)')
    .argument('<roomId>', 'room id')
    .addOption(new Option('--invites <who>', 'owners: only owners may invite; anyone: every member may').choices(['owners', 'anyone']).makeOptionMandatory())
    .action(async (roomId: string, _opts, cmd: Command) => { await (await import('./commands/members.js')).policyCommand(roomId, cmd.optsWithGlobals(), output) })

  common(program.command('members'))
    .description('list a room\'s members from its signed membership log: fingerprint, role, who added them')
    .argument('<roomId>', 'room id')
    .action(async (roomId: string, _opts, cmd: Command) => { await (await import('./commands/members.js')).membersCommand(roomId, cmd.optsWithGlobals(), output) })

  common(program.command('rooms'))
    .description('list the rooms you are in')
    .action(async (_opts, cmd: Command) => { (await import('./commands/rooms.js')).roomsCommand(cmd.optsWithGlobals(), output) })

  common(program.command('history'))
    .description('print a room\'s last messages from this machine\'s encrypted history (oldest first)')
    .argument('<roomId>', 'room id')
    .option('--limit <n>', `how many messages (default 50)`)
    .option('--wipe', 'forget this room\'s history on this machine (the room must not be open)')
    .option('--check', 'verify the history file\'s integrity (exit 3 if damaged)')
    .action(async (roomId: string, _opts, cmd: Command) => { await (await import('./commands/history.js')).historyCommand(roomId, cmd.optsWithGlobals(), output) })

  common(program.command('passphrase'))
    .description('lock your identity key and room secrets with a passphrase (set), replace it (change), or store them unencrypted again (remove)')
    .addArgument(new Argument('<action>', 'set, change or remove').choices(['set', 'change', 'remove']))
    .action(async (action: PassphraseAction, _opts, cmd: Command) => { await (await import('./commands/passphrase.js')).passphraseCommand(action, cmd.optsWithGlobals(), output) })

  common(program.command('verify'))
    .description('compare a safety code with another member out of band, then mark their identity verified')
    .argument('[fingerprint]', 'their fingerprint, or its first 8+ hex characters (an identity you have met in a room)')
    .option('--yes', 'mark verified without asking (for scripts: compare the code first)')
    .option('--qr', 'also draw the safety code as a QR code')
    .option('--list', 'list the identities you have verified')
    .action(async (fingerprint: string | undefined, _opts, cmd: Command) => { await (await import('./commands/verify.js')).verifyCommand(fingerprint, cmd.optsWithGlobals(), output) })

  common(program.command('unverify'))
    .description('remove the verified mark from an identity')
    .argument('<fingerprint>', 'its fingerprint, or its first 8+ hex characters')
    .action(async (fingerprint: string, _opts, cmd: Command) => { (await import('./commands/verify.js')).unverifyCommand(fingerprint, cmd.optsWithGlobals(), output) })

  common(program.command('join'))
    .description('join a room (with --invite the first time) and chat: full-screen UI, --plain line mode, or --json headless')
    .argument('<roomId>', 'room id')
    .option('--invite <code>', 'invite code (needed the first time)')
    .option('--nick <name>', 'your nick in this room (remembered)')
    .option('--plain', 'a plain line-based chat instead of the full-screen UI')
    .addOption(new Option('--log-level <level>', 'detail in <data-dir>/cryptochat.log while the UI runs').choices(['error', 'info', 'debug']).default('info'))
    .action(async (roomId: string, _opts, cmd: Command) => {
      program.setOptionValue('__exitCode', await (await import('./commands/join.js')).joinCommand(roomId, cmd.optsWithGlobals(), output))
    })

  program.command('demo')
    .description('start a local relay, a demo room and two scripted peers, and open the chat in it')
    .option('--nick <name>', 'your nick in the demo')
    .option('--plain', 'a plain line-based chat instead of the full-screen UI')
    .addOption(new Option('--log-level <level>', 'detail in the demo\'s log file').choices(['error', 'info', 'debug']).default('info'))
    .action(async (opts: { nick?: string, plain?: boolean, logLevel?: 'error' | 'info' | 'debug' }) => {
      program.setOptionValue('__exitCode', await (await import('./commands/demo.js')).demoCommand(opts, output))
    })

  return program
}

/** Entry point of `cryptochat`; resolves with the process exit code. */
export async function main (argv: string[], output: Output = processOutput): Promise<number> {
  // A reader that goes away (`cryptochat ... | head`) is not an error worth a message.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0) })
  return await runProgram(buildProgram(output), argv, output, 'cryptochat')
}
