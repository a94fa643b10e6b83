/** Where a command writes: stdout for results, stderr for notes and errors. */
export interface Output {
  out(line: string): void
  err(line: string): void
  /** One JSON object per line on stdout. */
  json(value: unknown): void
}

/** Output to the process's streams. */
export const processOutput: Output = {
  out: (line) => { process.stdout.write(line + '\n') },
  err: (line) => { process.stderr.write(line + '\n') },
  json: (value) => { process.stdout.write(JSON.stringify(value) + '\n') }
}
