import { withTopicEngine } from './topic-protocol'
import type { TopicFrame, TopicPosition, TopicProtocol } from './types'

interface WireFrame {
  type?: unknown
  topic?: unknown
  data?: unknown
  position?: TopicPosition
  recovered?: unknown
  error?: unknown
  code?: unknown
}

let shared: TopicProtocol | undefined

/**
 * The topic protocol of `react-lifeline/server` (docs/protocol.md): JSON frames with a `type`
 * and a `topic`, positions as `{ epoch, offset }`, resume with `from`. It brings the topic
 * engine with it (spread or copy it freely: the copies keep it).
 *
 * Every call returns the same object: the protocol keeps no state, and hooks compare options
 * by identity, so `useTopic(url, name, { topics: lifelineTopics() })` written inline in many
 * components (or re-rendered) is one option value, not a disagreement between holders.
 */
export function lifelineTopics(): TopicProtocol {
  shared ??= withTopicEngine({
    subscribe: (topic, from) => (from ? { type: 'subscribe', topic, from } : { type: 'subscribe', topic }),
    unsubscribe: (topic) => ({ type: 'unsubscribe', topic }),
    read: ({ json }): TopicFrame | null => {
      const frame = json as WireFrame | null | undefined
      if (typeof frame !== 'object' || frame === null || typeof frame.topic !== 'string') return null
      const { topic, position } = frame
      switch (frame.type) {
        case 'message':
          return { type: 'message', topic, data: frame.data, position }
        case 'subscribed':
          return typeof frame.recovered === 'boolean'
            ? { type: 'subscribed', topic, position, recovered: frame.recovered }
            : { type: 'subscribed', topic, position }
        case 'error':
          return { type: 'error', topic, error: String(frame.error ?? frame.code ?? 'refused') }
        default:
          return null
      }
    },
  })
  return shared
}
