/** Longest a cleanup may take once the terminal has hung up. */
const HANGUP_CLEANUP_MS = 5000

/**
 * When the terminal goes away (SIGHUP: window closed, ssh dropped) under a full-screen
 * UI: run `cleanup` (leave rooms, stop children), then end the process with SIGKILL.
 * A normal exit would make Node restore the vanished terminal's modes, which fails an
 * internal assertion and leaves the process hanging (seen on Node 20), so the usual
 * graceful-shutdown path cannot be used here. Returns a function that uninstalls it.
 */
export function onHangup (cleanup: () => Promise<void>): () => void {
  const handler = (): void => {
    const end = (): void => { process.kill(process.pid, 'SIGKILL') }
    setTimeout(end, HANGUP_CLEANUP_MS).unref()
    cleanup().catch(() => {}).finally(end)
  }
  process.once('SIGHUP', handler)
  return () => { process.off('SIGHUP', handler) }
}
