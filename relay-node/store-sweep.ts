import type { GossipSub, Message } from '@libp2p/gossipsub'
import { logger } from '@libp2p/logger'
import { STORE_SWEEP_INTERVAL_MS, TOPIC_PATTERN } from '../src/constants.js'
import type { BlindStore } from './store.js'

const log = logger('cryptochat:relay:store')

/** Options of {@link feedBlindStore}. */
export interface BlindStoreFeedInit {
  /** How often expired envelopes are dropped and file space reclaimed (default {@link STORE_SWEEP_INTERVAL_MS}). */
  sweepIntervalMs?: number
}

/** A running feed; `stop` writes what is still queued and detaches (the store stays open). */
export interface BlindStoreFeed {
  stop(): void
}

/**
 * Keep in `store` every envelope the relay's hub accepts on a chat topic.
 *
 * Gossipsub emits `message` only for a topic the relay is subscribed to (the hub joined it),
 * only once the topic validator (the hub's envelope check: size, well-formed envelope)
 * accepted it, and once per message id (a content hash), so only structurally valid,
 * first-seen envelopes arrive here; discovery ("meet") topics are left out. Writes wait for
 * `setImmediate`, so that the disk never delays forwarding the message to the room.
 */
export function feedBlindStore (pubsub: GossipSub, store: BlindStore, init: BlindStoreFeedInit = {}): BlindStoreFeed {
  let queue: Message[] = []
  let scheduled: NodeJS.Immediate | undefined

  const flush = (): void => {
    scheduled = undefined
    const batch = queue
    queue = []
    for (const msg of batch) {
      // The store logs its own I/O errors; this only guards the relay against a bug in it.
      try {
        store.put(msg.topic, msg.data)
      } catch (err: any) {
        log.error('could not keep an envelope: %s', err?.message)
      }
    }
  }

  const onMessage = (evt: CustomEvent<Message>): void => {
    if (!TOPIC_PATTERN.test(evt.detail.topic)) return
    queue.push(evt.detail)
    scheduled ??= setImmediate(flush)
  }

  const sweep = (): void => {
    try {
      store.sweep()
    } catch (err: any) {
      log.error('sweep failed: %s', err?.message)
    }
  }
  const timer = setInterval(sweep, init.sweepIntervalMs ?? STORE_SWEEP_INTERVAL_MS)
  // The sweep never keeps a stopping relay alive.
  timer.unref()
  pubsub.addEventListener('message', onMessage)

  return {
    stop () {
      pubsub.removeEventListener('message', onMessage)
      clearInterval(timer)
      if (scheduled != null) clearImmediate(scheduled)
      flush()
    }
  }
}
