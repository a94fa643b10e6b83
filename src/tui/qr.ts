import QRCode from 'qrcode'

/**
 * An invite as a QR code drawn with half-block characters, so a phone can scan it off the
 * terminal. Each text line holds two rows of modules.
 */

/** The text could not be encoded (most often: too long for any QR version). */
export class QrCodeError extends Error {
  override readonly name: string = 'QrCodeError'
}

// Quiet zone, in modules. qrcode's utf8 renderer crashes on odd margins (it builds the top
// margin with Array(margin / 2 + 1), and margin 1 gives a fractional length), so 2 is the
// smallest non-zero one: one text line above and below, two columns either side.
const QR_MARGIN = 2

/** Options for {@link qrLines}. */
export interface QrOptions {
  /**
   * Draw light modules as `█` (default true). Right for the usual light-on-dark
   * terminal: the code then has the dark-on-light polarity scanners expect. Show the
   * lines with a light foreground on a black background (`fg: 'white', bg: 'black'`).
   * false draws dark modules as `█`, for dark-on-light terminals.
   */
  lightOnDark?: boolean
}

/**
 * `text` as a QR code (error correction L, the smallest code), one string per terminal
 * line, all the same width. Throws QrCodeError if the text does not fit in a QR code.
 */
export async function qrLines (text: string, options: QrOptions = {}): Promise<string[]> {
  const lightOnDark = options.lightOnDark ?? true
  let drawn: string
  try {
    drawn = await QRCode.toString(text, {
      type: 'utf8',
      errorCorrectionLevel: 'L',
      margin: QR_MARGIN,
      // The renderer swaps its block characters when dark is white (or light is black).
      ...(lightOnDark ? { color: { dark: '#ffffff', light: '#000000' } } : {})
    })
  } catch (err) {
    throw new QrCodeError(`cannot draw a QR code: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  return drawn.split('\n').filter((line) => line !== '')
}
