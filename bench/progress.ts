const t0 = performance.now()

/** One progress line on stderr (overwritten in place on a terminal), with the time so far. */
export function progress (text: string): void {
  const elapsed = `[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] `
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text === '' ? '' : elapsed + text}`)
  else if (text !== '') process.stderr.write(`${elapsed}${text}\n`)
}

/** Seconds since the benchmark started. */
export function elapsedSeconds (): number {
  return (performance.now() - t0) / 1000
}
