import type { CommandSpec } from './command-line.js'

/**
 * What commands can do: the app implements this. Commands parse and check their
 * arguments; the app does the work (and reports failures in the log).
 */
export interface CommandContext {
  /** A system line in the current room's log. */
  info(text: string): void
  /** An error line in the current room's log. */
  fail(text: string): void
  join(roomId: string, invite?: string): Promise<void>
  create(name: string): Promise<void>
  invite(options: { expires?: string, uses?: string, qr: boolean }): Promise<void>
  /** Room management (the signed membership log). */
  members(): void
  kick(who: string): Promise<void>
  promote(who: string): Promise<void>
  invites(): void
  revoke(inviteId: string): Promise<void>
  policy(who: string): Promise<void>
  part(): Promise<void>
  setNick(nick: string): Promise<void>
  listRooms(): void
  who(): void
  whois(nick: string): void
  /** Show the safety code with a member (`qr`: also as a QR code), or mark them verified (`confirm`). */
  verify(who: string, action?: 'confirm' | 'qr'): Promise<void>
  unverify(who: string): void
  me(action: string): Promise<void>
  clear(): void
  help(topic?: string): void
  quit(): Promise<void>
}

/** Every slash command, as data: `/help` is generated from this table. */
export const COMMANDS: Array<CommandSpec<CommandContext>> = [
  {
    name: 'help',
    args: '[command|keys]',
    summary: 'list commands, or explain one',
    help: '/help lists every command; /help <command> explains one; /help keys lists the key bindings.',
    maxArgs: 1,
    run: (ctx, args) => { ctx.help(args[0]) }
  },
  {
    name: 'join',
    args: '<roomId> [invite]',
    summary: 'join a room (with an invite the first time)',
    help: 'Joins a room you are in, or, with an invite code, a new one. The invite is checked (signature, expiry, room id) before anything goes on the network.',
    minArgs: 1,
    maxArgs: 2,
    run: async (ctx, args) => { await ctx.join(args[0] as string, args[1]) }
  },
  {
    name: 'create',
    args: '<name>',
    summary: 'create a room on the current room\'s relays',
    help: 'Creates a new room using the relays of the room you are looking at, joins it, and shows an invite for it.',
    minArgs: 1,
    run: async (ctx, _args, rest) => { await ctx.create(rest.trim()) }
  },
  {
    name: 'invite',
    args: '[--expires <duration>] [--uses <n>] [--qr]',
    summary: 'show a new invite to this room',
    help: 'Signs a new invite to the current room (default lifetime 7 days; e.g. --expires 12h; --uses 1 lets only one person in) and shows it; --qr also draws it as a QR code. Anyone holding it can read the room: share it privately. /invites lists invites, /revoke stops one.',
    maxArgs: 5,
    run: async (ctx, args) => {
      let expires: string | undefined
      let uses: string | undefined
      let qr = false
      for (let i = 0; i < args.length; i++) {
        if (args[i] === '--qr') qr = true
        else if (args[i] === '--expires' && args[i + 1]?.startsWith('--') === false) expires = args[++i]
        else if (args[i] === '--uses' && args[i + 1]?.startsWith('--') === false) uses = args[++i]
        else return ctx.fail('usage: /invite [--expires <duration>] [--uses <n>] [--qr]')
      }
      await ctx.invite({ qr, ...(expires != null ? { expires } : {}), ...(uses != null ? { uses } : {}) })
    }
  },
  {
    name: 'members',
    args: '',
    summary: 'list the room\'s members from its signed log: roles, who added whom',
    help: 'Lists everyone the room\'s signed membership log lists (online or away): nick, short fingerprint, owner or member, and who let them in. /who lists who is online now.',
    maxArgs: 0,
    run: (ctx) => { ctx.members() }
  },
  {
    name: 'kick',
    args: '<nick|fingerprint>',
    summary: 'remove a member (owners): a new key epoch they do not get',
    help: 'Removes a member from the room (owners only): the removal is signed into the room\'s log, and a fresh key is sent to every other member, each sealed to their identity. The removed member keeps what they already read, and can read or send nothing more. Members who are away get the new key from any member when they come back. From the shell: cryptochat remove <roomId> <fingerprint>.',
    minArgs: 1,
    maxArgs: 1,
    run: async (ctx, args) => { await ctx.kick(args[0] as string) }
  },
  {
    name: 'promote',
    args: '<nick|fingerprint>',
    summary: 'make a member an owner (owners)',
    help: 'Makes a member an owner: owners can remove members, make owners, revoke any invite and decide who may invite (/policy).',
    minArgs: 1,
    maxArgs: 1,
    run: async (ctx, args) => { await ctx.promote(args[0] as string) }
  },
  {
    name: 'invites',
    args: '',
    summary: 'list the invites the room knows',
    help: 'Lists invites as the room\'s log knows them: id, live/revoked/expired/used up, expiry, uses, issuer.',
    maxArgs: 0,
    run: (ctx) => { ctx.invites() }
  },
  {
    name: 'revoke',
    args: '<invite id>',
    summary: 'revoke an invite (owners, or its issuer)',
    help: 'Revokes an invite: members refuse any new join with it, and whoever tries is told. Those who already joined with it stay.',
    minArgs: 1,
    maxArgs: 1,
    run: async (ctx, args) => { await ctx.revoke(args[0] as string) }
  },
  {
    name: 'policy',
    args: '<owners|anyone>',
    summary: 'who may invite to this room (owners)',
    help: '/policy owners: only owners may invite (invites from other members are refused by the room); /policy anyone: every member may (the default).',
    minArgs: 1,
    maxArgs: 1,
    run: async (ctx, args) => { await ctx.policy(args[0] as string) }
  },
  {
    name: 'part',
    args: '',
    summary: 'leave the current room (it stays in /rooms)',
    help: 'Announces your departure and closes the current room in this window. You can /join it again later.',
    maxArgs: 0,
    run: async (ctx) => { await ctx.part() }
  },
  {
    name: 'nick',
    args: '<name>',
    summary: 'change your nick in this room',
    help: 'Changes your nick in the current room, announces it to the members and remembers it. Nicks are labels: members are told apart by fingerprint.',
    minArgs: 1,
    run: async (ctx, _args, rest) => { await ctx.setNick(rest.trim()) }
  },
  {
    name: 'rooms',
    args: '',
    summary: 'list your rooms',
    help: 'Lists the rooms open in this window (with unread counts) and the others you are in.',
    maxArgs: 0,
    run: (ctx) => { ctx.listRooms() }
  },
  {
    name: 'who',
    args: '',
    summary: 'list the members of this room',
    help: 'Lists who is in the current room: nick and short fingerprint.',
    maxArgs: 0,
    run: (ctx) => { ctx.who() }
  },
  {
    name: 'whois',
    args: '<nick>',
    summary: 'show a member\'s full fingerprint, and whether it is verified',
    help: 'Shows the full identity fingerprint of every member using that nick, and whether you verified it (/verify).',
    minArgs: 1,
    maxArgs: 1,
    run: (ctx, args) => { ctx.whois(args[0] as string) }
  },
  {
    name: 'verify',
    args: '<nick|fingerprint> [confirm|--qr]',
    summary: 'compare a safety code with a member, then mark them verified',
    help: 'Shows the safety code of you and that member: 60 digits from both identity keys (--qr also draws it as a QR code). Compare it with them out of band, in person or on a call: they see the same code with /verify <your nick>.\n' +
      'If every digit matches, /verify <nick> confirm marks their key verified: ✓ in the member list. Should a key that is not verified later use their nick in this room, a red warning says so and the member list marks it with a red !.\n' +
      'Several members with one nick: name one by fingerprint (8 or more hex characters, see /whois). The same from the shell: cryptochat verify <fingerprint>.',
    minArgs: 1,
    maxArgs: 2,
    run: async (ctx, args) => {
      const action = args[1]
      if (action != null && action !== 'confirm' && action !== '--qr') return ctx.fail('usage: /verify <nick|fingerprint> [confirm|--qr]')
      await ctx.verify(args[0] as string, action === 'confirm' ? 'confirm' : action === '--qr' ? 'qr' : undefined)
    }
  },
  {
    name: 'unverify',
    args: '<nick|fingerprint>',
    summary: 'remove a member\'s verified mark',
    help: 'Removes the verified mark from that member\'s key (they stay in the room; compare codes again to mark them).',
    minArgs: 1,
    maxArgs: 1,
    run: (ctx, args) => { ctx.unverify(args[0] as string) }
  },
  {
    name: 'me',
    args: '<action>',
    summary: 'send an action (* you waves)',
    help: 'Sends an action line, shown as "* nick action".',
    minArgs: 1,
    run: async (ctx, _args, rest) => { await ctx.me(rest) }
  },
  {
    name: 'clear',
    args: '',
    summary: 'clear the log of this room',
    help: 'Clears the current room\'s log on screen (nothing is deleted for anyone else).',
    maxArgs: 0,
    run: (ctx) => { ctx.clear() }
  },
  {
    name: 'quit',
    args: '',
    summary: 'leave every room and quit',
    help: 'Announces your departure from every room, closes the connections and restores the terminal. Ctrl-C does the same.',
    maxArgs: 0,
    run: async (ctx) => { await ctx.quit() }
  }
]
