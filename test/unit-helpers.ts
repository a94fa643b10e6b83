/**
 * Small helpers shared by the unit tests (not a test file itself: the runner only picks
 * up `*.test.js`).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Hex to bytes, ignoring whitespace (for test vectors laid out over several lines). */
export function hex (text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '')
  if (clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) throw new Error(`bad hex in test: ${clean}`)
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function toHex (bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A copy of `bytes` with `mask` XORed into byte `index`. */
export function flip (bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = Uint8Array.from(bytes)
  copy[index] = (copy[index] as number) ^ mask
  return copy
}

/**
 * Run `fn` and assert that it throws an Error whose `name` is one of `names`.
 * Returns the error so that callers can check more of it.
 */
export function throwsNamed (fn: () => unknown, names: string | readonly string[], what = ''): Error {
  const allowed = typeof names === 'string' ? [names] : names
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  if (caught === undefined) assert.fail(`expected a throw of ${allowed.join(' | ')}${what !== '' ? ` (${what})` : ''}, but nothing was thrown`)
  assert.ok(caught instanceof Error, `expected an Error, got ${String(caught)}${what !== '' ? ` (${what})` : ''}`)
  assert.ok(allowed.includes(caught.name),
    `expected ${allowed.join(' | ')}, got ${caught.name}: ${caught.message}${what !== '' ? ` (${what})` : ''}`)
  return caught
}

/**
 * For property tests: call `fn`; a return or a throw of an allowed typed error passes,
 * anything else (another error, a non-Error throw) fails the property with a message.
 */
export function onlyTyped (fn: () => unknown, allowed: ReadonlySet<string>): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof Error)) throw new Error(`non-Error thrown: ${String(err)}`)
    if (!allowed.has(err.name)) throw new Error(`untyped error escaped: ${err.name}: ${err.message}`)
  }
}

/** A fresh private temporary directory and a function that removes it. */
export function tempDir (label = 'cryptochat-test-'): { dir: string, cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), label))
  return { dir, cleanup: () => { rmSync(dir, { recursive: true, force: true }) } }
}

/** Permission bits of a stat mode. */
export function perms (mode: number): number {
  return mode & 0o777
}
