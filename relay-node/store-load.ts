import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { DataDirError } from '../src/store/index.js'
import { isCompactionLeftover, scanStoreFile, truncateStoreFile } from './store-file.js'
import { TopicIndex, type TopicFile } from './store-index.js'
import { STORE_LOCK_FILE } from './store-lock.js'

const log = logger('cryptochat:relay:store')

const TOPIC_KEY_DOMAIN = 'cryptochat/1/store/topic\0'
const FILE_NAME = /^([0-9a-f]{64})\.log$/

/**
 * The file key of a topic: a hash, so that the directory does not list the topics it
 * serves (someone holding the disk must already know a topic to find its file).
 */
export function topicKey (topic: string): string {
  return createHash('sha256').update(TOPIC_KEY_DOMAIN + topic).digest('hex')
}

/** Where a topic's file lives. */
export function topicFilePath (dir: string, key: string): string {
  return join(dir, `${key}.log`)
}

/**
 * The topic files in a store directory. A compaction's leftover temporary file (a crash in
 * the middle of one) is removed; anything else is left alone. Throws a `DataDirError` if the
 * directory cannot be listed.
 */
export function listStoreFiles (dir: string): Array<{ key: string, path: string }> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err: any) {
    throw new DataDirError(`cannot read the store directory ${dir}: ${err?.code ?? err?.message}`)
  }
  const files: Array<{ key: string, path: string }> = []
  for (const name of names) {
    const path = join(dir, name)
    const key = FILE_NAME.exec(name)?.[1]
    if (key != null) files.push({ key, path })
    else if (isCompactionLeftover(name)) rmSync(path, { force: true })
    else if (name !== STORE_LOCK_FILE) log('%s is not a store file; left alone', path)
  }
  return files
}

/**
 * Index one topic file. Whatever follows the first bad record (cut short, failing its CRC,
 * out of order, a second copy of an envelope) is cut off and the rest kept; a file with
 * nothing good in it is removed. Never throws: a file that cannot be read or cut is logged
 * and ignored (undefined).
 */
export function loadTopicFile (path: string, maxEnvelopeBytes: number): TopicFile | undefined {
  let scan
  try {
    const st = lstatSync(path)
    if (!st.isFile()) {
      log.error('%s is not a regular file; ignored', path)
      return undefined
    }
    if ((st.mode & 0o077) !== 0) chmodSync(path, 0o600)
    scan = scanStoreFile(path, maxEnvelopeBytes)
  } catch (err: any) {
    log.error('cannot read %s: %s; ignored', path, err?.message)
    return undefined
  }
  const index = new TopicIndex()
  let goodBytes = scan.goodBytes
  let problem = scan.problem
  for (const r of scan.records) {
    if (index.has(r.hashKey)) {
      goodBytes = r.offset
      problem = 'an envelope is stored twice'
      break
    }
    index.push(r, r.hashKey)
  }
  if (problem != null) log.error('%s: %s; cut at byte %d of %d, %d envelopes kept', path, problem, goodBytes, scan.size, index.count)
  try {
    if (index.count === 0) {
      rmSync(path, { force: true })
      return undefined
    }
    if (goodBytes < scan.size) truncateStoreFile(path, goodBytes)
  } catch (err: any) {
    log.error('cannot cut %s: %s; ignored', path, err?.message)
    return undefined
  }
  return { path, index, fileBytes: goodBytes }
}
