import { scrypt } from 'node:crypto'
import {
  KEYSTORE_SCRYPT_LOG_N, KEYSTORE_SCRYPT_MAX_LOG_N, KEYSTORE_SCRYPT_MAX_MEM_BYTES, KEYSTORE_SCRYPT_MAX_P, KEYSTORE_SCRYPT_MAX_R,
  KEYSTORE_SCRYPT_MIN_LOG_N, KEYSTORE_SCRYPT_P, KEYSTORE_SCRYPT_R, PASSPHRASE_MAX_BYTES, PASSPHRASE_MIN_CHARS
} from '../constants.js'
import { InvalidPassphraseError } from './errors.js'

/** scrypt's cost parameters: N = 2^logN (CPU and memory), r (block size), p (parallelism). */
export interface ScryptParams {
  logN: number
  r: number
  p: number
}

/** The documented cost of a new keystore (see src/constants.ts). */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { logN: KEYSTORE_SCRYPT_LOG_N, r: KEYSTORE_SCRYPT_R, p: KEYSTORE_SCRYPT_P }

const KEY_BYTES = 32

/** Bytes of memory scrypt needs for `params` (OpenSSL's own accounting: V plus B). */
function scryptMemory ({ logN, r, p }: ScryptParams): number {
  return 128 * r * (2 ** logN + 2) + 128 * r * p
}

/** Why `params` are outside the accepted bounds, or undefined when they are fine. */
export function scryptParamsProblem (params: ScryptParams): string | undefined {
  const { logN, r, p } = params
  if (!Number.isInteger(logN) || logN < KEYSTORE_SCRYPT_MIN_LOG_N || logN > KEYSTORE_SCRYPT_MAX_LOG_N) {
    return `scrypt logN must be a whole number from ${KEYSTORE_SCRYPT_MIN_LOG_N} to ${KEYSTORE_SCRYPT_MAX_LOG_N}`
  }
  if (!Number.isInteger(r) || r < 1 || r > KEYSTORE_SCRYPT_MAX_R) return `scrypt r must be from 1 to ${KEYSTORE_SCRYPT_MAX_R}`
  if (!Number.isInteger(p) || p < 1 || p > KEYSTORE_SCRYPT_MAX_P) return `scrypt p must be from 1 to ${KEYSTORE_SCRYPT_MAX_P}`
  if (scryptMemory(params) > KEYSTORE_SCRYPT_MAX_MEM_BYTES) return 'scrypt parameters need too much memory'
  return undefined
}

/**
 * The passphrase as bytes: Unicode NFC, so that the same passphrase typed on another
 * keyboard or system (composed or decomposed accents) gives the same key.
 */
function passphraseBytes (passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFC'), 'utf8')
}

/**
 * The key-encryption key: scrypt(passphrase, salt) with `params`. Runs on libuv's thread
 * pool, so the event loop stays free during the ~0.4 s it takes at the default cost.
 */
export async function deriveWrappingKey (passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const problem = scryptParamsProblem(params)
  if (problem != null) throw new RangeError(problem)
  // maxmem: Node's default (32 MiB) is below the default cost; allow exactly what is needed.
  const maxmem = scryptMemory(params) + 1024 * 1024
  return await new Promise<Uint8Array>((resolve, reject) => {
    scrypt(passphraseBytes(passphrase), salt, KEY_BYTES, { N: 2 ** params.logN, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err != null) reject(err)
      else resolve(new Uint8Array(key))
    })
  })
}

/** Check a new passphrase: at least {@link PASSPHRASE_MIN_CHARS} characters, at most {@link PASSPHRASE_MAX_BYTES} bytes. */
export function checkNewPassphrase (passphrase: string): void {
  const normal = passphrase.normalize('NFC')
  if (normal.length === 0) throw new InvalidPassphraseError('the passphrase is empty')
  if ([...normal].length < PASSPHRASE_MIN_CHARS) {
    throw new InvalidPassphraseError(`a passphrase needs at least ${PASSPHRASE_MIN_CHARS} characters (several words are best)`)
  }
  if (passphraseBytes(normal).length > PASSPHRASE_MAX_BYTES) throw new InvalidPassphraseError(`a passphrase can be at most ${PASSPHRASE_MAX_BYTES} bytes`)
}
