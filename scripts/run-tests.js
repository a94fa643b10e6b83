#!/usr/bin/env node
// Runs the compiled tests with node's built-in runner. Node 20's `node --test` does not
// expand globs, so the files are listed here. The Promise.withResolvers shim is loaded
// first in every test process (libp2p 3 needs it on Node 20).
// Usage: node scripts/run-tests.js [substring filter...]
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { spawn } from 'node:child_process'

const root = join(import.meta.dirname, '..', 'dist', 'test')
const filters = process.argv.slice(2)

function walk (dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : walk(path)
    return name.endsWith('.test.js') ? [path] : []
  })
}

const files = walk(root).filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s))).sort()
if (files.length === 0) {
  console.error('no test files matched')
  process.exit(1)
}
// Tests that measure a conversation over time run alone, after the rest, so that other
// test files competing for the 2 cores do not distort what they measure.
const ALONE = ['e2e/netns.test.js']
const alone = files.filter((f) => ALONE.some((a) => relative(root, f) === a))
const together = files.filter((f) => !alone.includes(f))

function run (list, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      '--import', 'promise.withresolvers/auto',
      '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`,
      ...list
    ], { stdio: 'inherit' })
    child.on('exit', (code, signal) => resolve(code ?? (signal != null ? 1 : 0)))
  })
}

let code = together.length > 0 ? await run(together, 2) : 0
if (alone.length > 0) code = Math.max(code, await run(alone, 1))
process.exit(code)
