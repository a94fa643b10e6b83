/**
 * `fn` over `items`, at most `concurrency` at a time, results in order. Starting members
 * a few at a time keeps 2 cores busy without starving the ones already starting.
 */
export async function mapPool<T, R> (items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  const lane = async (): Promise<void> => {
    // After one failure no lane takes a new item (the caller is about to clean up).
    while (next < items.length && !failed) {
      const i = next++
      try {
        results[i] = await fn(items[i] as T, i)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane))
  return results
}

/** Poll `condition` every 25 ms; throw (naming `what`) after `timeoutMs`. */
export async function until (condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench setup: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Throws once `deadline` (ms since the epoch) has passed, saying what was left undone. */
export function checkDeadline (deadline: number, what: () => string): void {
  if (Date.now() > deadline) throw new Error(`bench: ${what()}`)
}
