import type { ConnectionOptions, TopicMessageMeta, TopicState } from '../core/types'
import type { StandardSchemaV1 } from './standard-schema'

/** What `useTopic` takes with any target: this hook call's own options. */
export interface TopicHookOptions<T = unknown> {
  /**
   * Every message of the topic that passes `schema`, in order, each once (replayed ones
   * included, `meta.replayed` says which), without a re-render; may be a new function each render.
   */
  onMessage?(data: T, meta: TopicMessageMeta): void
  /** Continuity was lost (history ran out, a new epoch, `recovered: false`): messages were missed. */
  onGap?(state: TopicState): void
  /**
   * A synchronous Standard Schema v1 for the topic's messages: only those that fit reach
   * `lastMessage` and `onMessage`, typed as its output; the others go to `onError` and count in
   * `getStats().messagesInvalid`.
   */
  schema?: StandardSchemaV1<unknown, T>
  /** Each message that fails `schema`, and a connection that cannot do topics (no `topics` option). */
  onError?(error: Error): void
}

/**
 * `useTopic`'s options with a URL target: the hook's own and the shared connection's (say
 * `topics: lifelineTopics()`), as `useWebSocket` takes them. A `Connection` keeps the options it
 * was created with, so beside one only the hook's own are accepted.
 */
export interface UseTopicOptions<T = unknown> extends TopicHookOptions<T>, ConnectionOptions {}

/** What `useTopic` returns. Reading a field subscribes the component to that field only. */
export interface TopicResult<T = unknown> extends TopicState {
  /** The newest message of the topic that passed `schema`; undefined until one arrives. */
  lastMessage: T | undefined
}

/** The fields of the result that can change, and so can be tracked. */
export type TopicField = keyof TopicResult
