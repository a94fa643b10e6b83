/**
 * Helpers for at-rest tests (not a test file): scan a directory for secrets in every
 * encoding they could be written in, and fingerprint a directory's every file.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** Every regular file under `dir`, recursively. */
export function allFiles (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    const st = statSync(path)
    if (st.isDirectory()) return allFiles(path)
    return st.isFile() ? [path] : []
  })
}

/** The forms a secret could take in a file: raw, hex (both cases), base64 (padded or not), base64url. */
function encodings (secret: Uint8Array): Array<[string, Buffer]> {
  const b = Buffer.from(secret)
  const b64 = b.toString('base64')
  return [
    ['raw', b],
    ['hex', Buffer.from(b.toString('hex'))],
    ['HEX', Buffer.from(b.toString('hex').toUpperCase())],
    ['base64', Buffer.from(b64)],
    ['base64 unpadded', Buffer.from(b64.replace(/=+$/, ''))],
    ['base64url', Buffer.from(b.toString('base64url'))]
  ]
}

/**
 * Where any of `secrets` appears in a file under `dir`, in any encoding: a list of
 * `file: secret name (encoding)`, empty when none does.
 */
export function findSecrets (dir: string, secrets: Record<string, Uint8Array>): string[] {
  const found: string[] = []
  for (const file of allFiles(dir)) {
    const bytes = readFileSync(file)
    for (const [name, secret] of Object.entries(secrets)) {
      for (const [encoding, needle] of encodings(secret)) {
        if (bytes.includes(needle)) found.push(`${relative(dir, file)}: ${name} (${encoding})`)
      }
    }
  }
  return found
}

/** SHA-256 and mode of every file under `dir`, by relative path: equal before and after means nothing changed. */
export function snapshot (dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const file of allFiles(dir).sort()) {
    out[relative(dir, file)] = `${createHash('sha256').update(readFileSync(file)).digest('hex')} ${(statSync(file).mode & 0o777).toString(8)}`
  }
  return out
}
