import { logger } from '@libp2p/logger'
import type { GossipSub } from '@libp2p/gossipsub'
import { TOPIC_PATTERN } from '../src/constants.js'

const log = logger('cryptochat:relay:hub')

/** Options of {@link createTopicHub}. */
export interface TopicHubInit {
  /** Most topics joined at once. */
  maxTopics: number
  /** Called when the hub joins or leaves a topic. */
  onChange?: (event: 'join' | 'leave', topic: string) => void
}

/** The relay's gossipsub hub: follows its peers' room topics. */
export interface TopicHub {
  /** Topics currently joined. */
  topics(): string[]
  /** Re-check every joined topic and leave those no peer is subscribed to any more. */
  sweep(): void
  stop(): void
}

/**
 * A hub that joins a room topic when a connected peer subscribes to it (only topics of
 * the exact form `/cryptochat/1/<64 hex>`, at most `maxTopics`), so the relay forwards
 * that room's ciphertext between members, and leaves it when no peer remains. It never
 * validates content: it holds no key and can read nothing.
 */
export function createTopicHub (pubsub: GossipSub, init: TopicHubInit): TopicHub {
  const joined = new Set<string>()

  const join = (topic: string): void => {
    if (joined.has(topic) || !TOPIC_PATTERN.test(topic)) return
    if (joined.size >= init.maxTopics) {
      log('topic limit %d reached, not joining', init.maxTopics)
      return
    }
    joined.add(topic)
    pubsub.subscribe(topic)
    log('joined %s', topic)
    init.onChange?.('join', topic)
  }

  const leaveIfEmpty = (topic: string): void => {
    if (!joined.has(topic)) return
    if (pubsub.getSubscribers(topic).length > 0) return
    joined.delete(topic)
    pubsub.unsubscribe(topic)
    log('left %s', topic)
    init.onChange?.('leave', topic)
  }

  const onSubscriptionChange = (evt: CustomEvent<{ subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    for (const { topic, subscribe } of evt.detail.subscriptions) {
      if (subscribe) join(topic)
      else leaveIfEmpty(topic)
    }
  }

  const sweep = (): void => {
    for (const topic of [...joined]) leaveIfEmpty(topic)
  }

  // A peer that disconnects sends no unsubscribe; gossipsub forgets its topics when the
  // connection closes, so re-check on every heartbeat (cheap: one lookup per topic).
  const onHeartbeat = (): void => { sweep() }

  pubsub.addEventListener('subscription-change', onSubscriptionChange as any)
  pubsub.addEventListener('gossipsub:heartbeat', onHeartbeat)

  return {
    topics: () => [...joined],
    sweep,
    stop () {
      pubsub.removeEventListener('subscription-change', onSubscriptionChange as any)
      pubsub.removeEventListener('gossipsub:heartbeat', onHeartbeat)
    }
  }
}
