import { logger } from '@libp2p/logger'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { MEET_TOPIC_PATTERN, TOPIC_PATTERN } from '../src/constants.js'
import { decodeEnvelope } from '../src/protocol/index.js'

const log = logger('cryptochat:relay:hub')

/** Options of {@link createTopicHub}. */
export interface TopicHubInit {
  /** Most topics joined at once. */
  maxTopics: number
  /** Largest envelope forwarded, bytes. */
  maxMessageBytes: number
  /**
   * Forward rooms' chat topics too (the hub); when false (`--no-hub`) only the
   * discovery ("meet") topics are served, and chat travels member to member.
   */
  chat: boolean
  /** Called when the hub joins or leaves a topic. */
  onChange?: (event: 'join' | 'leave', topic: string) => void
}

/** The relay's gossipsub hub: follows its peers' room topics. */
export interface TopicHub {
  /** Topics currently joined. */
  topics(): string[]
  /** Topics peers asked for that did not fit under `maxTopics` (retried as room frees up). */
  waiting(): string[]
  /** Leave topics no peer is subscribed to any more; join waiting ones that now fit. */
  sweep(): void
  stop(): void
}

/**
 * A hub that joins a room's topics when a connected peer subscribes to them (only topics
 * of the exact forms `/cryptochat/1/<64 hex>` (chat, unless `chat` is false) and
 * `/cryptochat/1/meet/<64 hex>` (discovery), at most `maxTopics`), so the relay forwards
 * that room's ciphertext between members, and leaves each when no peer remains.
 *
 * It holds no key and can read nothing; it checks only what needs no key: that a message
 * is a well-formed envelope of bounded size (so plain garbage is dropped here rather
 * than forwarded to every member).
 */
export function createTopicHub (pubsub: GossipSub, init: TopicHubInit): TopicHub {
  const joined = new Set<string>()
  const waiting = new Set<string>()

  const checkEnvelope = (_peer: unknown, msg: { data: Uint8Array }): TopicValidatorResult => {
    if (msg.data.length > init.maxMessageBytes) return TopicValidatorResult.Reject
    try {
      decodeEnvelope(msg.data)
      return TopicValidatorResult.Accept
    } catch {
      return TopicValidatorResult.Reject
    }
  }

  const join = (topic: string): void => {
    if (joined.has(topic) || !(MEET_TOPIC_PATTERN.test(topic) || (init.chat && TOPIC_PATTERN.test(topic)))) return
    if (joined.size >= init.maxTopics) {
      if (!waiting.has(topic)) log('topic limit %d reached, %s waits', init.maxTopics, topic)
      waiting.add(topic)
      return
    }
    waiting.delete(topic)
    joined.add(topic)
    pubsub.topicValidators.set(topic, checkEnvelope)
    pubsub.subscribe(topic)
    log('joined %s', topic)
    init.onChange?.('join', topic)
  }

  const leaveIfEmpty = (topic: string): void => {
    if (pubsub.getSubscribers(topic).length > 0) return
    if (waiting.delete(topic)) return
    if (!joined.has(topic)) return
    joined.delete(topic)
    pubsub.unsubscribe(topic)
    pubsub.topicValidators.delete(topic)
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
    for (const topic of [...joined, ...waiting]) leaveIfEmpty(topic)
    for (const topic of [...waiting]) {
      if (joined.size >= init.maxTopics) break
      join(topic)
    }
  }

  // A peer that disconnects sends no unsubscribe; gossipsub forgets its topics when the
  // connection closes, so re-check on every heartbeat (one lookup per topic).
  const onHeartbeat = (): void => { sweep() }

  pubsub.addEventListener('subscription-change', onSubscriptionChange as any)
  pubsub.addEventListener('gossipsub:heartbeat', onHeartbeat)

  return {
    topics: () => [...joined],
    waiting: () => [...waiting],
    sweep,
    stop () {
      pubsub.removeEventListener('subscription-change', onSubscriptionChange as any)
      pubsub.removeEventListener('gossipsub:heartbeat', onHeartbeat)
    }
  }
}
