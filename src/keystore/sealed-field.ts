import { fromString, toString } from 'uint8arrays'
import { KEYSTORE_AAD_PREFIX, NONCE_BYTES } from '../constants.js'
import { open, seal } from '../crypto/index.js'
import { CorruptFileError } from '../store/index.js'

/** Name of the one AEAD a sealed value may use. */
export const SEALED_ALG = 'xchacha20poly1305'

/** A value sealed at rest, as stored in JSON: `{"alg","nonce","ciphertext"}` (base64). */
export interface SealedValue {
  alg: typeof SEALED_ALG
  nonce: string
  ciphertext: string
}

/**
 * Where one secret lives: a JSON file, the field holding it in clear (`secretKey`), and
 * the label its sealed form is bound to (`identity`, `room|<roomId>`). The sealed form is
 * kept in a field of its own, `sealed` + the capitalised name (`sealedSecretKey`), so the
 * two can never be confused and an older build refuses a sealed file instead of misreading it.
 */
export interface SecretFieldRef {
  path: string
  field: string
  label: string
  /** Largest file accepted. */
  maxBytes: number
}

/** How a file holds its secret. */
export type SecretForm = 'plain' | 'sealed' | 'missing'

/** `secretKey` -> `sealedSecretKey`. */
export function sealedFieldName (field: string): string {
  return `sealed${field.slice(0, 1).toUpperCase()}${field.slice(1)}`
}

/** The associated data binding a sealed value to its label. */
export function atRestAad (label: string): Uint8Array {
  return new TextEncoder().encode(`${KEYSTORE_AAD_PREFIX}|${label}`)
}

/** Which form of the secret `json` holds (a file holding both is damaged). */
export function secretForm (json: Record<string, unknown>, ref: SecretFieldRef): SecretForm {
  const plain = json[ref.field] !== undefined
  const sealed = json[sealedFieldName(ref.field)] !== undefined
  if (plain && sealed) throw new CorruptFileError(ref.path, `it holds ${ref.field} both in clear and sealed`)
  return plain ? 'plain' : sealed ? 'sealed' : 'missing'
}

/** The secret stored in clear (base64). */
export function readPlainSecret (json: Record<string, unknown>, ref: SecretFieldRef): Uint8Array {
  const value = json[ref.field]
  if (typeof value !== 'string') throw new CorruptFileError(ref.path, `its ${ref.field} is missing or not a string`)
  try {
    return fromString(value, 'base64')
  } catch {
    throw new CorruptFileError(ref.path, `its ${ref.field} is not valid base64`)
  }
}

/** Seal `secret` under `dataKey` for `label`. */
export function sealSecret (dataKey: Uint8Array, label: string, secret: Uint8Array): SealedValue {
  const { nonce, ciphertext } = seal(dataKey, atRestAad(label), secret)
  return { alg: SEALED_ALG, nonce: toString(nonce, 'base64'), ciphertext: toString(ciphertext, 'base64') }
}

/** Parse a stored sealed value; undefined when it is malformed. */
export function parseSealed (value: unknown): { nonce: Uint8Array, ciphertext: Uint8Array } | undefined {
  const v = value as Partial<SealedValue> | null
  if (v == null || typeof v !== 'object' || v.alg !== SEALED_ALG || typeof v.nonce !== 'string' || typeof v.ciphertext !== 'string') return undefined
  try {
    const nonce = fromString(v.nonce, 'base64')
    const ciphertext = fromString(v.ciphertext, 'base64')
    return nonce.length === NONCE_BYTES ? { nonce, ciphertext } : undefined
  } catch {
    return undefined
  }
}

/** Open the sealed form of the secret of `ref` in `json` with `dataKey`. */
export function openSealedSecret (dataKey: Uint8Array, json: Record<string, unknown>, ref: SecretFieldRef): Uint8Array {
  const sealed = parseSealed(json[sealedFieldName(ref.field)])
  if (sealed == null) throw new CorruptFileError(ref.path, `its ${sealedFieldName(ref.field)} is malformed`)
  try {
    return open(dataKey, sealed.nonce, atRestAad(ref.label), sealed.ciphertext)
  } catch {
    // The keystore opened, so the passphrase is right: this value was altered, moved from
    // another field or room, or sealed under another data directory's key.
    throw new CorruptFileError(ref.path, `its ${sealedFieldName(ref.field)} does not open with this data directory's key`)
  }
}
