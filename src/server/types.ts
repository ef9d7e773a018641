/**
 * Where a topic's stream stands: `offset` is the n-th message of `epoch` (0 before the first).
 * A position means "up to and including offset n" (docs/protocol.md).
 */
export interface TopicPosition {
  epoch: string
  offset: number
}

/** One message as a store keeps it: the data stays JSON text, serialised once at publish. */
export interface StoredMessage {
  topic: string
  position: TopicPosition
  /** `JSON.stringify(data)`, sent as is inside every `message` frame. */
  json: string
}

/** What a store answers to a subscribe. */
export interface TopicRead {
  /** The stream's tip now: every message after it reaches the store's listeners. */
  position: TopicPosition
  /**
   * For a resume (`from` given): true when `messages` hold everything after `from`, false when
   * the history cannot vouch for it (another epoch, trimmed, an offset from the future).
   * `null` for a fresh subscribe.
   */
  recovered: boolean | null
  /** The messages after `from` up to `position`, in offset order; empty unless recovered. */
  messages: StoredMessage[]
}

/**
 * History and fan-out for topics: `memoryStore()` for one process, `redisStore(client)` for
 * many. A server in any language could implement the same contract (docs/protocol.md).
 */
export interface TopicStore {
  /** Appends one message; resolves with its position once the store holds it. */
  append(topic: string, json: string): Promise<TopicPosition>
  /** The tip, and the messages after `from` while the history holds all of them. */
  read(topic: string, from: TopicPosition | null): Promise<TopicRead>
  /**
   * Every message appended from now on, by any process sharing the store, in offset order per
   * topic. Returns the function that stops listening.
   */
  listen(listener: (message: StoredMessage) => void): () => void
}

/** Time for the server's timers; tests pass a fake one. */
export interface ServerClock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: ServerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
