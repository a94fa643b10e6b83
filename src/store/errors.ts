/** A secret file (key, room) is readable or writable by other users. */
export class InsecurePermissionsError extends Error {
  override readonly name: string = 'InsecurePermissionsError'
  constructor (readonly path: string, readonly mode: number) {
    super(`${path} is accessible by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); it holds a secret. Fix it with: chmod 600 '${path}'`)
  }
}

/** A stored file exists but cannot be understood; it is left untouched. */
export class CorruptFileError extends Error {
  override readonly name: string = 'CorruptFileError'
  constructor (readonly path: string, reason: string) {
    super(`${path} is damaged (${reason}); it was left as it is. Move it aside to start afresh.`)
  }
}

/** The data directory cannot be created or used. */
export class DataDirError extends Error {
  override readonly name: string = 'DataDirError'
}
