import envPaths from 'env-paths'
import { resolve } from 'node:path'
import { HOME_ENV } from '../constants.js'

/**
 * The client's data directory: `--data-dir`, else `$CRYPTOCHAT_HOME`, else the
 * platform's user data directory (e.g. `~/.local/share/cryptochat` on Linux).
 */
export function resolveDataDir (explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit != null && explicit !== '') return resolve(explicit)
  const fromEnv = env[HOME_ENV]
  if (fromEnv != null && fromEnv !== '') return resolve(fromEnv)
  return envPaths('cryptochat', { suffix: '' }).data
}

/** The relay's default data directory (its persistent libp2p key lives here). */
export function defaultRelayDataDir (): string {
  return envPaths('cryptochat-relay', { suffix: '' }).data
}
