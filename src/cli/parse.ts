import ms from 'ms'
import { MAX_INVITE_TTL_MS, MAX_NICK_BYTES } from '../constants.js'
import { utf8Length } from '../protocol/index.js'
import { InvalidDurationError, InvalidNickError, UsageError } from './errors.js'

/**
 * Parse a duration such as `1s`, `30s`, `10m`, `12h`, `7d` (anything `ms` reads, but a
 * unit is required: a bare `10` would silently mean 10 milliseconds).
 */
export function parseDuration (text: string, max = MAX_INVITE_TTL_MS): number {
  const trimmed = text.trim()
  const value = /[a-z]$/i.test(trimmed) ? ms(trimmed as ms.StringValue) : undefined
  if (value == null || !Number.isFinite(value) || value <= 0) {
    throw new InvalidDurationError(`'${text}' is not a duration; use a positive number with a unit, e.g. 30s, 10m, 12h or 7d`)
  }
  if (value > max) throw new InvalidDurationError(`'${text}' is too long; the most allowed is ${ms(max, { long: true })}`)
  return Math.round(value)
}

/** Check a nick: 1..32 bytes of UTF-8, no control characters, no surrounding spaces. */
export function parseNick (text: string): string {
  const nick = text.trim()
  if (nick.length === 0) throw new InvalidNickError('a nick cannot be empty')
  if (utf8Length(nick) > MAX_NICK_BYTES) throw new InvalidNickError(`a nick can be at most ${MAX_NICK_BYTES} bytes`)
  if (/[\p{Cc}\p{Cf}]/u.test(nick)) throw new InvalidNickError('a nick cannot contain control or formatting characters')
  return nick
}

/** A whole number from 1 to `max`, as typed for a flag such as `--limit`. */
export function parsePositiveInt (text: string, flag: string, max = 1_000_000): number {
  const value = /^\s*[0-9]+\s*$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new UsageError(`${flag} takes a whole number from 1 to ${max}, not '${text}'`)
  return value
}
