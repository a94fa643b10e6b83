/**
 * Make untrusted text safe to print on a terminal: C0/C1 control characters (ESC, BEL,
 * CR, backspace, CSI...) and bidi/format controls are replaced by visible `^X` / `<U+XXXX>`
 * forms, so a peer cannot move the cursor, recolour, retitle or ring the bell.
 * Only for human output; `--json` passes text through as sent.
 */
export function sanitizeForTerminal (text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (ch) => {
    const code = ch.codePointAt(0) as number
    if (code < 0x20) return '^' + String.fromCharCode(code + 0x40)
    if (code === 0x7f) return '^?'
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`
  })
}
