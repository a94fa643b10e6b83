import { sha512 } from '@noble/hashes/sha2.js'
import { VERIFY_SAFETY_GROUP_DIGITS, VERIFY_SAFETY_GROUPS, VERIFY_SAFETY_GROUPS_PER_LINE, VERIFY_SAFETY_ITERATIONS } from '../constants.js'
import { concatBytes, KeyLengthError, PUBLIC_KEY_BYTES } from '../crypto/index.js'

const LABEL = new TextEncoder().encode('cryptochat/1/safety')

/** Bytes of hash turned into one group of digits: 40 bits mod 10^5 (bias below 10^-7). */
const BYTES_PER_GROUP = 5

/** Length of a safety code in digits. */
export const SAFETY_CODE_DIGITS = VERIFY_SAFETY_GROUPS * VERIFY_SAFETY_GROUP_DIGITS

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

/**
 * The safety code of two identities: what both people see, and compare out of band, to
 * know that the key each holds for the other is the right one. The keys are sorted first
 * (so either side computes the same code), then
 *
 *   h_1 = SHA-512("cryptochat/1/safety" | min | max),  h_i+1 = SHA-512(h_i | min | max)
 *
 * up to h_5200; each 5-byte slice of the first 60 bytes of the result, read as a
 * big-endian number mod 100000, gives one group of 5 digits: 60 digits, no separators.
 * Different from a fingerprint: it names the pair, so it can only be checked together.
 */
export function safetyCode (a: Uint8Array, b: Uint8Array): string {
  if (a.length !== PUBLIC_KEY_BYTES || b.length !== PUBLIC_KEY_BYTES) {
    throw new KeyLengthError(`a safety code needs two ${PUBLIC_KEY_BYTES}-byte identity keys`)
  }
  const [low, high] = compareBytes(a, b) <= 0 ? [a, b] : [b, a]
  const keys = concatBytes(low, high)
  let h = sha512(concatBytes(LABEL, keys))
  for (let i = 1; i < VERIFY_SAFETY_ITERATIONS; i++) h = sha512(concatBytes(h, keys))
  let digits = ''
  for (let g = 0; g < VERIFY_SAFETY_GROUPS; g++) {
    let value = 0
    // 40 bits fit a double exactly; bit operators would cut to 32.
    for (let i = 0; i < BYTES_PER_GROUP; i++) value = value * 256 + (h[g * BYTES_PER_GROUP + i] as number)
    digits += String(value % 10 ** VERIFY_SAFETY_GROUP_DIGITS).padStart(VERIFY_SAFETY_GROUP_DIGITS, '0')
  }
  return digits
}

/** A safety code as lines of groups for reading aloud: `12345 67890 13579 24680` (3 lines). */
export function safetyCodeLines (code: string): string[] {
  const groups = code.match(new RegExp(`.{1,${VERIFY_SAFETY_GROUP_DIGITS}}`, 'g')) ?? []
  const lines: string[] = []
  for (let i = 0; i < groups.length; i += VERIFY_SAFETY_GROUPS_PER_LINE) lines.push(groups.slice(i, i + VERIFY_SAFETY_GROUPS_PER_LINE).join(' '))
  return lines
}
