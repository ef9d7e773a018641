/** Public topic types of `react-lifeline/core` (re-exported by types.ts). The shapes here are the contract in API.md. */

/** Where a topic stands: up to and including `offset` of `epoch` (docs/protocol.md). */
export interface TopicPosition {
  epoch?: string
  offset: number
}

/** What a topic's message listener gets beside the data. */
export interface TopicMessageMeta {
  /** The message's position, or null when the protocol has none. */
  position: TopicPosition | null
  /** True for messages the server sent again after a resume (at or below the `subscribed` position). */
  replayed: boolean
}

/** What a topic protocol reads out of an inbound message. */
export type TopicFrame =
  | { type: 'message'; topic: string; data: unknown; position?: TopicPosition }
  | { type: 'subscribed'; topic: string; position?: TopicPosition; recovered?: boolean }
  | { type: 'error'; topic: string; error: string }
  /** A frame of the protocol that no topic needs (an answer for a subscription taken back): dropped. */
  | { type: 'ignore' }

/** How a server subscribes, unsubscribes and marks its topic frames (docs/topics.md). */
export interface TopicProtocol {
  /** The frame that subscribes from `from` (null: from now on); an object is sent as JSON. */
  subscribe(topic: string, from: TopicPosition | null): string | object
  /** The frame that unsubscribes, or null when the server has none. */
  unsubscribe(topic: string): string | object | null
  /**
   * The topic frame in an inbound message, or null when it is not one (it goes to `onMessage`);
   * an array when one message carries several (a subscribe answer with its replay, a batch).
   */
  read(message: { data: unknown; json: unknown }): TopicFrame | readonly TopicFrame[] | null
  /**
   * `false` when the server never answers a subscribe (graphql-ws): the topic is live as soon
   * as the frame is sent [true: live at the `subscribed` frame, bounded by `connectTimeout`].
   */
  confirms?: boolean
}

export type TopicStatus = 'idle' | 'subscribing' | 'live' | 'error'

/** One topic's snapshot: the same object until a field changes. */
export interface TopicState {
  status: TopicStatus
  /** The last message delivered, or the position a `subscribed` frame gave before any message. */
  position: TopicPosition | null
  /** After the last resubscribe: true = resumed with nothing missing; null when unknown. */
  recovered: boolean | null
  /** How many times continuity was lost since the topic was created. */
  gaps: number
  /** The server refused the subscription, it went unanswered, or the protocol failed. */
  error: Error | null
}

/** One named stream on a connection's socket: `connection.topic(name)`. */
export interface Topic<T = unknown> {
  readonly name: string
  /** Holds the subscription (and the connection); the returned release lets go after `lingerMs`. */
  retain(): () => void
  getState(): TopicState
  /** Listens to state changes; ready for `useSyncExternalStore`. */
  subscribe(listener: () => void): () => void
  /** Every message of this topic, in order, each once. */
  onMessage(listener: (data: T, meta: TopicMessageMeta) => void): () => void
  /** Hears each lost continuity (a hole, an epoch change, `recovered: false`) with the state after it. */
  onGap(listener: (state: TopicState) => void): () => void
}
