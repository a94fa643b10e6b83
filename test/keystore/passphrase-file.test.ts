import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readPassphraseFile, checkNewPassphrase } from '../../src/keystore/index.js'
import { tempDir, throwsNamed } from '../unit-helpers.js'

describe('keystore/passphrase file', () => {
  let dir: string
  let cleanup: () => void
  beforeEach(() => { ({ dir, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  const file = (content: string, mode = 0o600): string => {
    const path = join(dir, 'pass')
    writeFileSync(path, content, { mode })
    chmodSync(path, mode)
    return path
  }

  it('is the first line, without its line ending; spaces inside and around are kept', () => {
    assert.equal(readPassphraseFile(file('correct horse\n'), 'test'), 'correct horse')
    assert.equal(readPassphraseFile(file('correct horse\r\nsecond line\n'), 'test'), 'correct horse')
    assert.equal(readPassphraseFile(file(' padded  '), 'test'), ' padded  ')
    assert.equal(readPassphraseFile(file('no newline at all'), 'test'), 'no newline at all')
  })

  it('refuses a file others can read or write, saying how to fix it', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      const err = throwsNamed(() => readPassphraseFile(file('correct horse\n', mode), 'test'), 'InsecurePermissionsError')
      assert.match(err.message, /chmod 600/)
    }
  })

  it('a missing, empty or oversized file is a PassphraseFileError (or CorruptFileError) naming it', () => {
    const missing = throwsNamed(() => readPassphraseFile(join(dir, 'nope'), 'CRYPTOCHAT_PASSPHRASE_FILE'), 'PassphraseFileError')
    assert.match(missing.message, /CRYPTOCHAT_PASSPHRASE_FILE/)
    assert.match(missing.message, /ENOENT/)
    throwsNamed(() => readPassphraseFile(file(''), 'test'), 'PassphraseFileError')
    throwsNamed(() => readPassphraseFile(file('\nsecond'), 'test'), 'PassphraseFileError')
    throwsNamed(() => readPassphraseFile(file('x'.repeat(5000)), 'test'), 'CorruptFileError')
  })

  it('a new passphrase needs 8 characters (not bytes) and at most 1024 bytes', () => {
    checkNewPassphrase('8 chars!')
    checkNewPassphrase('日本語のパスワード')
    throwsNamed(() => { checkNewPassphrase('7 chars') }, 'InvalidPassphraseError')
    throwsNamed(() => { checkNewPassphrase('🔑🔑🔑🔑🔑🔑🔑') }, 'InvalidPassphraseError')
    throwsNamed(() => { checkNewPassphrase('é'.repeat(513)) }, 'InvalidPassphraseError')
  })
})
