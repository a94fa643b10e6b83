import { execFileSync, spawnSync } from 'node:child_process'

/** Whether tmux can be run here (the TUI tests need it). */
export function tmuxAvailable (): boolean {
  return spawnSync('tmux', ['-V']).status === 0
}

/**
 * A terminal program driven as a person would: a detached tmux session on its own
 * server socket (so it never touches the user's tmux), keys in, screen text out.
 */
export class TmuxSession {
  private readonly socket: string
  readonly name = 'ui'

  constructor (command: string, opts: { width?: number, height?: number, env?: Record<string, string> } = {}) {
    this.socket = `cryptochat-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 40),
      // Keep the pane after the program exits, to check what it left on the terminal.
      `${env.length > 0 ? `env ${env} ` : ''}${command}; echo "EXITED WITH $?"; sleep 600`)
  }

  private tmux (...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' })
  }

  /** The screen as text (blessed borders show as `lqk`/`x` letters here). */
  capture (): string {
    return this.tmux('capture-pane', '-p', '-t', this.name)
  }

  /** Type text and/or named keys (`Enter`, `M-2`, `C-c`). */
  send (...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys)
  }

  /** Type a line literally (no key-name interpretation), then Enter. */
  typeLine (text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text)
    this.tmux('send-keys', '-t', this.name, 'Enter')
  }

  /** Resolve with the screen once `predicate` holds; reject with the screen after `timeoutMs`. */
  async waitForScreen (predicate: (screen: string) => boolean, timeoutMs = 15_000, what = 'the screen'): Promise<string> {
    const deadline = Date.now() + timeoutMs
    let screen = ''
    while (Date.now() < deadline) {
      screen = this.capture()
      if (predicate(screen)) return screen
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${screen}`)
  }

  /** Kill the session and its server (and so the program, if still running). */
  kill (): void {
    try { this.tmux('kill-server') } catch {}
  }
}
