/** The identity file exists but does not hold a usable key. */
export class IdentityFileError extends Error {
  override readonly name: string = 'IdentityFileError'
}
