import type { BenchRoom } from './variants.js'

/** What one load run measured. */
export interface LoadResult {
  /** Publish-to-delivery latency of every delivery, ms. */
  latencies: number[]
  deliveries: number
  expected: number
  /** Wall time of the run, ms. */
  wallMs: number
  /** CPU time of this process over the run, µs (user + system). */
  cpuUs: number
}

/**
 * Publish `messages` messages, member i % n publishing message i, at `ratePerSec`
 * (Infinity: a burst, all at once), and record every delivery to every other member.
 */
export async function runLoad (room: BenchRoom, messages: number, ratePerSec: number, baseId: number): Promise<LoadResult> {
  const sentAt = new Map<number, number>()
  const latencies: number[] = []
  const expected = messages * (room.n - 1)
  let done!: () => void
  const all = new Promise<void>((resolve) => { done = resolve })
  room.onDeliver = (_to, id) => {
    const t = sentAt.get(id)
    if (t == null) return
    latencies.push(performance.now() - t)
    if (latencies.length === expected) done()
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const sends: Array<Promise<void>> = []
  for (let i = 0; i < messages; i++) {
    if (Number.isFinite(ratePerSec)) {
      const due = t0 + i * 1000 / ratePerSec
      const wait = due - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    }
    const id = baseId + i
    sentAt.set(id, performance.now())
    sends.push(room.publish(i % room.n, id).catch(() => {}))
  }
  await Promise.all(sends)
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 10_000))])
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  room.onDeliver = () => {}
  return { latencies, deliveries: latencies.length, expected, wallMs, cpuUs: cpu.user + cpu.system }
}
