import { withTopicEngine } from './topic-protocol'
import type { Handshake, TopicFrame, TopicProtocol } from './types'

/** What `graphqlWsTopics` asks of the app: the subscription operation behind each topic. */
export interface GraphqlWsTopicsOptions {
  /** The GraphQL subscription a topic stands for, e.g. `{ query: 'subscription($room: ID!) { … }', variables: { room } }`. */
  request(topic: string): {
    query: string
    variables?: Record<string, unknown>
    operationName?: string
    extensions?: Record<string, unknown>
  }
  /** What the topic's listeners get from a `next` payload [`payload.data`]. */
  data?(payload: { data?: unknown; errors?: unknown; extensions?: unknown }, topic: string): unknown
}

interface WireFrame {
  id?: unknown
  type?: unknown
  payload?: unknown
}

/**
 * Topics over graphql-ws's `graphql-transport-ws` protocol: a topic is one subscription
 * operation. Every subscribe gets a new id, so a resubscribe never reuses one (the server
 * closes with 4409 on a reused id); the last release sends `complete`. The protocol has no
 * positions: across a reconnect it is at most once, and `recovered` stays null
 * (docs/topics.md). Make one per connection; pair it with `graphqlWsHandshake()`. It brings
 * the topic engine with it.
 */
export function graphqlWsTopics(options: GraphqlWsTopicsOptions): TopicProtocol {
  let lastId = 0
  const idOf = new Map<string, string>()
  const topicOf = new Map<string, string>()
  const forget = (topic: string) => {
    const id = idOf.get(topic)
    idOf.delete(topic)
    if (id !== undefined) topicOf.delete(id)
    return id
  }
  return withTopicEngine({
    confirms: false,
    subscribe(topic) {
      forget(topic)
      lastId += 1
      const id = String(lastId)
      idOf.set(topic, id)
      topicOf.set(id, topic)
      return { id, type: 'subscribe', payload: options.request(topic) }
    },
    unsubscribe(topic) {
      const id = forget(topic)
      return id === undefined ? null : { id, type: 'complete' }
    },
    read({ json }): TopicFrame | null {
      const frame = json as WireFrame | null | undefined
      if (typeof frame !== 'object' || frame === null || typeof frame.id !== 'string') return null
      const { type, payload } = frame
      if (type !== 'next' && type !== 'error' && type !== 'complete') return null
      const topic = topicOf.get(frame.id)
      // An answer for a subscription already taken back (a `complete` that crossed a `next`).
      if (topic === undefined) return { type: 'ignore' }
      const result = (payload ?? {}) as { data?: unknown; errors?: unknown }
      // A result with errors and no data is how a subscription that failed to start ends (a
      // resolver that threw); `error` frames carry validation errors.
      if (type === 'next' && !(result.errors && result.data == null))
        return { type: 'message', topic, data: options.data ? options.data(result, topic) : result.data }
      forget(topic)
      if (type === 'complete')
        return { type: 'error', topic, error: 'The server completed the subscription.' }
      const errors = type === 'next' ? result.errors : payload
      return { type: 'error', topic, error: messagesOf(errors) }
    },
  })
}

/**
 * The `handshake` option for a graphql-ws server: `connection_init` (with `payload`, e.g. a
 * token) on every open, and the socket counts as open at `connection_ack`, so topics
 * subscribe after it and before queued sends.
 */
export function graphqlWsHandshake(
  payload?: Record<string, unknown> | (() => Record<string, unknown>),
): Handshake {
  return async (session) => {
    session.sendJson({
      type: 'connection_init',
      payload: typeof payload === 'function' ? payload() : payload,
    })
    // The session hands the predicate the frame's parse too: no second JSON.parse here.
    await session.receive(
      (_data, json) => (json as { type?: unknown } | undefined)?.type === 'connection_ack',
    )
  }
}

function messagesOf(errors: unknown): string {
  const list = Array.isArray(errors) ? errors : [errors]
  return list.map((error) => String((error as { message?: unknown })?.message ?? error)).join(' ')
}
