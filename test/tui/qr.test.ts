import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { qrLines, QrCodeError } from '../../src/tui/qr.js'
import { displayWidth } from '../../src/tui/width.js'

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const invite = Array.from({ length: 400 }, (_, i) => BASE58[(i * 7 + 3) % BASE58.length]).join('')

describe('qrLines', () => {
  it('draws an invite-sized string as a block of equal-width lines', async () => {
    const lines = await qrLines(invite)
    assert.ok(lines.length > 10)
    const width = displayWidth(lines[0] as string)
    assert.ok(width > 20)
    for (const line of lines) {
      assert.equal(displayWidth(line), width)
      assert.match(line, /^[ █▀▄]+$/u)
    }
    // two module rows per text line: a square code is about twice as wide as tall
    assert.ok(Math.abs(width - 2 * lines.length) <= 2, `${width}x${lines.length}`)
  })

  it('is light-on-dark by default: the quiet zone is drawn with full blocks', async () => {
    const lines = await qrLines('hello')
    assert.match(lines[0] as string, /^█+$/u)
    assert.match(lines.at(-1) as string, /^█+$/u)
    const dark = await qrLines('hello', { lightOnDark: false })
    assert.match(dark[0] as string, /^ +$/u)
    assert.equal(dark.length, lines.length)
  })

  it('is deterministic', async () => {
    assert.deepEqual(await qrLines(invite), await qrLines(invite))
  })

  it('too much data is a QrCodeError', async () => {
    await assert.rejects(qrLines('x'.repeat(5000)), (err: unknown) => err instanceof QrCodeError && err.name === 'QrCodeError')
  })
})
