/** Something a key does; the app maps each action to one method. */
export type KeyAction =
  | 'send' | 'complete' | 'quit'
  | 'nextRoom' | 'prevRoom' | 'nextActive'
  | 'pageUp' | 'pageDown'
  | 'historyUp' | 'historyDown'
  | 'left' | 'right' | 'home' | 'end'
  | 'backspace' | 'deleteForward' | 'killToStart' | 'killWord'
  | `room${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`

/** A key binding: blessed's full key names (`C-n`, `M-1`, `pageup`) and what they do. */
export interface KeyBinding {
  keys: string[]
  action: KeyAction
  help: string
}

/** Every key binding, as data: the help text is generated from this table. */
export const KEY_BINDINGS: KeyBinding[] = [
  { keys: ['enter', 'return'], action: 'send', help: 'send the line (or run the /command)' },
  { keys: ['tab'], action: 'complete', help: 'complete a nick or /command (again: next match)' },
  { keys: ['C-c'], action: 'quit', help: 'leave every room and quit' },
  { keys: ['C-n'], action: 'nextRoom', help: 'next room' },
  { keys: ['C-p'], action: 'prevRoom', help: 'previous room' },
  { keys: ['M-a'], action: 'nextActive', help: 'next room with activity (mentions first)' },
  ...([1, 2, 3, 4, 5, 6, 7, 8, 9] as const).map((n) => ({ keys: [`M-${n}`], action: `room${n}` as KeyAction, help: `room ${n}` })),
  { keys: ['pageup', 'S-up'], action: 'pageUp', help: 'scroll the log up (new messages do not pull you down)' },
  { keys: ['pagedown', 'S-down'], action: 'pageDown', help: 'scroll the log down (to the bottom: follow again)' },
  { keys: ['up'], action: 'historyUp', help: 'previous line you sent' },
  { keys: ['down'], action: 'historyDown', help: 'next line you sent' },
  { keys: ['left', 'C-b'], action: 'left', help: 'cursor left' },
  { keys: ['right', 'C-f'], action: 'right', help: 'cursor right' },
  { keys: ['home', 'C-a'], action: 'home', help: 'start of line' },
  { keys: ['end', 'C-e'], action: 'end', help: 'end of line' },
  { keys: ['backspace', 'C-h'], action: 'backspace', help: 'delete before the cursor' },
  { keys: ['delete', 'C-d'], action: 'deleteForward', help: 'delete under the cursor' },
  { keys: ['C-u'], action: 'killToStart', help: 'delete to the start of the line' },
  { keys: ['C-w'], action: 'killWord', help: 'delete the word before the cursor' }
]

const BY_KEY = new Map<string, KeyAction>(KEY_BINDINGS.flatMap((b) => b.keys.map((k) => [k, b.action] as const)))

/** The action bound to a blessed key name, if any. */
export function actionFor (fullKey: string): KeyAction | undefined {
  return BY_KEY.get(fullKey)
}

/** Lines for `/help keys` (Alt-1..9 collapsed into one row). */
export function keyHelp (): string[] {
  const rows: string[] = []
  for (const b of KEY_BINDINGS) {
    if (/^room[2-9]$/.test(b.action)) continue
    const keys = b.action === 'room1' ? 'M-1 .. M-9' : b.keys.join(' / ')
    const help = b.action === 'room1' ? 'switch to room 1 .. 9' : b.help
    rows.push(`  ${keys.padEnd(20)} ${help}`)
  }
  return rows
}
