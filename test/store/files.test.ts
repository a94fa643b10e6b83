import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, isAbsolute } from 'node:path'
import {
  createPrivateFileExclusive,
  ensurePrivateDir, writePrivateFile, readPrivateFile, readPrivateJson, fileExists, resolveDataDir, defaultRelayDataDir,
  InsecurePermissionsError, CorruptFileError, DataDirError
} from '../../src/store/index.js'
import { HOME_ENV } from '../../src/constants.js'
import { perms, tempDir, throwsNamed } from '../unit-helpers.js'

describe('store/files', () => {
  let root: string
  let cleanup: () => void
  beforeEach(() => { ({ dir: root, cleanup } = tempDir()) })
  afterEach(() => { cleanup() })

  it('writePrivateFile creates missing directories 0700 and the file 0600', () => {
    const path = join(root, 'a', 'b', 'secret.json')
    writePrivateFile(path, '{"x":1}')
    assert.equal(perms(statSync(join(root, 'a', 'b')).mode), 0o700)
    assert.equal(perms(statSync(path).mode), 0o600)
    assert.equal(readFileSync(path, 'utf8'), '{"x":1}')
  })

  it('writes strings as UTF-8 and bytes as they are, leaving no temporary files', () => {
    const text = join(root, 'text')
    const bin = join(root, 'bin')
    writePrivateFile(text, 'héllo ✓')
    writePrivateFile(bin, Uint8Array.of(0, 255, 1, 254))
    assert.equal(readFileSync(text, 'utf8'), 'héllo ✓')
    assert.deepEqual(new Uint8Array(readFileSync(bin)), Uint8Array.of(0, 255, 1, 254))
    assert.deepEqual(readdirSync(root).sort(), ['bin', 'text'])
  })

  it('overwrites atomically and ends 0600 even over a file that was more open', () => {
    const path = join(root, 'f')
    writeFileSync(path, 'old contents', { mode: 0o644 })
    chmodSync(path, 0o644)
    writePrivateFile(path, 'new')
    assert.equal(readFileSync(path, 'utf8'), 'new')
    assert.equal(perms(statSync(path).mode), 0o600)
    writePrivateFile(path, '')
    assert.equal(readFileSync(path, 'utf8'), '')
    assert.deepEqual(readdirSync(root), ['f'])
  })

  it('createPrivateFileExclusive creates once: a second creator gets false and the first content stays', () => {
    const path = join(root, 'once', 'identity.json')
    assert.equal(createPrivateFileExclusive(path, 'first'), true)
    assert.equal(createPrivateFileExclusive(path, 'second'), false)
    assert.equal(readFileSync(path, 'utf8'), 'first')
    assert.equal(perms(statSync(path).mode), 0o600)
    assert.deepEqual(readdirSync(join(root, 'once')), ['identity.json'])
  })

  it('readPrivateFile and readPrivateJson read back what was written', () => {
    const path = join(root, 'j.json')
    writePrivateFile(path, JSON.stringify({ a: [1, 'two'], b: null }))
    assert.equal(readPrivateFile(path, 1024).toString('utf8'), '{"a":[1,"two"],"b":null}')
    assert.deepEqual(readPrivateJson(path, 1024), { a: [1, 'two'], b: null })
  })

  for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602, 0o610, 0o700, 0o777]) {
    const insecure = (mode & 0o077) !== 0
    it(`readPrivateFile ${insecure ? 'refuses' : 'accepts'} a file with mode ${mode.toString(8)}`, () => {
      const path = join(root, 'k')
      writePrivateFile(path, 'secret')
      chmodSync(path, mode)
      if (!insecure) {
        assert.equal(readPrivateFile(path, 100).toString(), 'secret')
        return
      }
      const err = throwsNamed(() => readPrivateFile(path, 100), 'InsecurePermissionsError')
      assert.ok(err instanceof InsecurePermissionsError)
      assert.ok(err.message.includes(`chmod 600 '${path}'`), err.message)
      assert.ok(err.message.includes(mode.toString(8)), err.message)
      assert.equal(err.path, path)
      assert.equal(perms(statSync(path).mode), mode, 'the file is not changed')
    })
  }

  it('refuses files larger than the bound, and non-JSON, with CorruptFileError', () => {
    const path = join(root, 'big')
    writePrivateFile(path, 'x'.repeat(101))
    const err = throwsNamed(() => readPrivateFile(path, 100), 'CorruptFileError')
    assert.ok(err instanceof CorruptFileError)
    assert.equal(err.path, path)
    assert.equal(readPrivateFile(path, 101).length, 101)
    writePrivateFile(path, '{not json')
    assert.throws(() => readPrivateJson(path, 100), CorruptFileError)
    writePrivateFile(path, '')
    assert.throws(() => readPrivateJson(path, 100), CorruptFileError)
  })

  it('refuses a directory where a file should be with CorruptFileError', () => {
    const path = join(root, 'dir')
    mkdirSync(path, { mode: 0o700 })
    chmodSync(path, 0o700)
    throwsNamed(() => readPrivateFile(path, 100), 'CorruptFileError')
  })

  it('a missing file is reported by fileExists and is an ENOENT error to read', () => {
    const path = join(root, 'missing')
    assert.equal(fileExists(path), false)
    assert.throws(() => readPrivateFile(path, 10), { code: 'ENOENT' })
    writePrivateFile(path, '')
    assert.equal(fileExists(path), true)
  })

  it('ensurePrivateDir creates 0700 directories and tightens open ones', () => {
    const dir = join(root, 'x', 'y')
    ensurePrivateDir(dir)
    assert.equal(perms(statSync(dir).mode), 0o700)
    chmodSync(dir, 0o755)
    ensurePrivateDir(dir)
    assert.equal(perms(statSync(dir).mode), 0o700)
  })

  it('ensurePrivateDir refuses a path that is a file with DataDirError', () => {
    const path = join(root, 'file')
    writeFileSync(path, 'x')
    const err = throwsNamed(() => ensurePrivateDir(path), 'DataDirError')
    assert.ok(err instanceof DataDirError)
    assert.throws(() => ensurePrivateDir(join(path, 'below')), DataDirError)
    assert.throws(() => writePrivateFile(join(path, 'below', 'f'), 'x'), DataDirError)
  })
})

describe('store/data-dir', () => {
  it('prefers an explicit directory, then $CRYPTOCHAT_HOME, then the platform default', () => {
    assert.equal(resolveDataDir('/tmp/explicit', { [HOME_ENV]: '/tmp/env' }), '/tmp/explicit')
    assert.equal(resolveDataDir(undefined, { [HOME_ENV]: '/tmp/env' }), '/tmp/env')
    assert.equal(resolveDataDir('', { [HOME_ENV]: '/tmp/env' }), '/tmp/env')
    const fallback = resolveDataDir(undefined, {})
    assert.equal(resolveDataDir('', { [HOME_ENV]: '' }), fallback)
    assert.ok(isAbsolute(fallback))
    assert.match(fallback, /cryptochat/)
    assert.notEqual(defaultRelayDataDir(), fallback)
  })

  it('resolves relative paths to absolute ones', () => {
    assert.equal(resolveDataDir('rel/dir', {}), join(process.cwd(), 'rel', 'dir'))
    assert.equal(resolveDataDir(undefined, { [HOME_ENV]: 'rel2' }), join(process.cwd(), 'rel2'))
  })
})
