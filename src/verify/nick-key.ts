/**
 * What two nicks are compared by when they should count as the same: Unicode-compatibility
 * normalized, lower-cased, invisible characters removed. So `Alice`, `alice`, `ＡＬＩＣＥ`
 * and `ali<ZWJ>ce`, which read the same, are one nick. (Lookalikes from other scripts,
 * a Cyrillic `а` for a Latin `a`, are not folded: a nick is a label, the key decides.)
 */
export function nickKey (nick: string): string {
  return nick.normalize('NFKC').toLowerCase().replace(/\p{Default_Ignorable_Code_Point}/gu, '')
}
