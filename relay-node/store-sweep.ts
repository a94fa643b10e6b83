import { logger } from '@libp2p/logger'
import { STORE_SWEEP_INTERVAL_MS } from '../src/constants.js'
import type { BlindStore } from './store.js'

const log = logger('cryptochat:relay:store')

/**
 * Sweep `store` every `intervalMs`: drop what is too old and reclaim file space even on
 * topics nobody puts to any more (puts sweep only their own topic). Returns the function
 * that stops it; the store stays open. The timer never keeps a stopping relay alive.
 */
export function sweepBlindStore (store: BlindStore, intervalMs = STORE_SWEEP_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    // The store logs its own I/O errors; this only guards the relay against a bug in it.
    try {
      store.sweep()
    } catch (err: any) {
      log.error('sweep failed: %s', err?.message)
    }
  }, intervalMs)
  timer.unref()
  return () => { clearInterval(timer) }
}
