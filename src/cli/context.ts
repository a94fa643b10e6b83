import { resolveDataDir } from '../store/index.js'
import { loadOrCreateIdentity, type Identity } from '../identity/index.js'
import { createRoomStore, type RoomStore } from '../room/index.js'
import type { Output } from './output.js'

/** Options every command accepts. */
export interface CommonOptions {
  dataDir?: string
  json?: boolean
}

/** What a command works with: the data directory, identity and rooms. */
export interface CommandContext {
  dataDir: string
  identity: Identity
  rooms: RoomStore
  output: Output
}

/** Resolve the data directory and load (or create on first use) the identity. */
export function openContext (opts: CommonOptions, output: Output): CommandContext {
  const dataDir = resolveDataDir(opts.dataDir)
  const { identity, created } = loadOrCreateIdentity(dataDir)
  if (created && opts.json !== true) output.err(`Created a new identity in ${dataDir}`)
  return { dataDir, identity, rooms: createRoomStore(dataDir), output }
}
