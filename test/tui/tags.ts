/**
 * Shared checks for the TUI tests (not a test file: the runner only picks up *.test.js).
 */
import assert from 'node:assert/strict'
import blessed from 'blessed'

/** C0 controls, DEL and C1 controls: none may reach the terminal. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u
/** Bidi and other format controls that reorder or hide text (ZWJ excepted). */
export const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u
/** A surrogate half on its own. */
export const LONE_SURROGATE = /\p{Cs}/u

/** Fails unless every `{` starts `{open}`/`{close}` and every `}` ends one. */
export function assertNoRawBraces (out: string, what = ''): void {
  const rest = out.replace(/\{open\}|\{close\}/g, '')
  assert.ok(!/[{}]/.test(rest), `unescaped brace in ${JSON.stringify(out)} ${what}`)
}

/** Fails on any control or bidi character, or lone surrogate, in `out`. */
export function assertNoControls (out: string, what = ''): void {
  assert.ok(!CONTROL.test(out), `control character in ${JSON.stringify(out)} ${what}`)
  assert.ok(!BIDI.test(out), `bidi/format control in ${JSON.stringify(out)} ${what}`)
  assert.ok(!LONE_SURROGATE.test(out), `lone surrogate in ${JSON.stringify(out)} ${what}`)
}

interface TagParser { _parseTags: (this: unknown, text: string) => string }

/**
 * Run `text` through blessed's own tag parser, with a program that records every style
 * it is asked for. Returns what blessed would draw and the styles requested.
 */
export function blessedParse (text: string): { drawn: string, styles: string[] } {
  const styles: string[] = []
  const element = (blessed as unknown as { Element: { prototype: TagParser } }).Element.prototype
  const fake = { parseTags: true, screen: { program: { _attr: (param: string) => { styles.push(param); return '' } } } }
  return { drawn: element._parseTags.call(fake, text), styles }
}
