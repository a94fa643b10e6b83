/**
 * @packageDocumentation
 *
 * The data directory and its files: private (0700/0600), written atomically, read with
 * size bounds, and refused when other users can read them.
 */
export { resolveDataDir, defaultRelayDataDir } from './data-dir.js'
export { type WriteOptions } from './files.js'
export { ensurePrivateDir, syncDir, writePrivateFile, createPrivateFileExclusive, deletePrivateFile, removeStaleTempFiles, readPrivateFile, readPrivateJson, fileExists } from './files.js'
export { InsecurePermissionsError, CorruptFileError, DataDirError } from './errors.js'
