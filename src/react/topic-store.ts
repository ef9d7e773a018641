import type { Connection, Topic, TopicMessageMeta } from '../core/types'
import { checkSchema, type StandardSchemaV1 } from './standard-schema'

/** One message of a topic, shared by every hook on that topic; its identity marks a new message. */
export interface TopicMessage<T = unknown> {
  readonly data: T
  readonly meta: TopicMessageMeta
}

/** Fans one topic's messages out to the hooks using it, and keeps the newest for late mounts. */
interface TopicStore {
  readonly latest: TopicMessage | null
  subscribe(listener: (message: TopicMessage) => void): () => void
}

const stores = new WeakMap<Topic, TopicStore>()

/** The message store of `topic`; one per topic, so every hook on it sees the same message object. */
export function getTopicStore(topic: Topic): TopicStore {
  let store = stores.get(topic)
  if (!store) {
    store = createTopicStore(topic)
    stores.set(topic, store)
  }
  return store
}

/** The newest message of `topic` while any hook listens, without creating a store. */
export function latestTopicMessage(topic: Topic): TopicMessage | null {
  return stores.get(topic)?.latest ?? null
}

function createTopicStore(topic: Topic): TopicStore {
  const listeners = new Set<(message: TopicMessage) => void>()
  // Copied when the set changes, not per message (as in message-store.ts): a message reaches
  // the hooks listening when it arrived, without an array made per message.
  let current: ((message: TopicMessage) => void)[] | null = null
  let latest: TopicMessage | null = null
  let stop: (() => void) | null = null
  return {
    get latest() {
      return latest
    },
    subscribe(listener) {
      listeners.add(listener)
      current = null
      stop ??= topic.onMessage((data, meta) => {
        const message = { data, meta }
        latest = message
        current ??= [...listeners]
        for (const each of current) each(message)
      })
      return () => {
        listeners.delete(listener)
        current = null
        if (listeners.size > 0 || !stop) return
        stop()
        stop = null
        // Nobody saw what comes next, so the kept message would be stale for the next reader.
        latest = null
      }
    },
  }
}

interface Checked {
  readonly schema: StandardSchemaV1
  readonly result: TopicMessage | Error
  counted: boolean
}

// One entry per message for the schema that checked it last: the hooks on a topic usually share
// one schema, so each message is checked once however many components read it.
const checks = new WeakMap<TopicMessage, Checked>()

/**
 * `message` as `schema` types it, or the error that says why it does not fit. With `countOn`,
 * an invalid message counts once in that connection's `getStats().messagesInvalid`.
 */
export function checkTopicMessage(
  message: TopicMessage,
  schema: StandardSchemaV1,
  countOn: Connection | null,
): TopicMessage | Error {
  let checked = checks.get(message)
  if (!checked || checked.schema !== schema) {
    const check = checkSchema(schema, message.data)
    checked = {
      schema,
      result: check.ok ? { data: check.value, meta: message.meta } : check.error,
      counted: false,
    }
    checks.set(message, checked)
  }
  if (countOn && checked.result instanceof Error && !checked.counted) {
    checked.counted = true
    ;(countOn as { countInvalidMessage?: () => void }).countInvalidMessage?.()
  }
  return checked.result
}
