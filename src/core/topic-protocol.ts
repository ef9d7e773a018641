import { checkMethods } from './option-checks'
import { TOPIC_ENGINE } from './topic-engine'
import { TopicRegistry } from './topics'
import type { TopicProtocol } from './types'

/**
 * Marks `protocol` as carrying the topic engine: on the object (kept by a spread) and on
 * `subscribe` and `read` (kept by a copy made method by method, even with one method replaced:
 * topicEngineOf() looks at those two). Only what imports this module bundles the
 * engine, so connections without topics do not (src/core/topic-engine.ts).
 */
export function withTopicEngine<P extends TopicProtocol>(protocol: P): P {
  for (const carrier of [protocol, protocol.subscribe, protocol.read])
    (carrier as unknown as Record<symbol, unknown>)[TOPIC_ENGINE] = TopicRegistry
  return protocol
}

/**
 * Makes a hand-written `{ subscribe, unsubscribe, read, confirms? }` object usable as the
 * `topics` option: the result calls `protocol`'s methods (with `protocol` as `this`) and brings
 * the topic engine with it, which a plain object does not (docs/topics.md).
 */
export function topicProtocol(protocol: TopicProtocol): TopicProtocol {
  checkMethods('topicProtocol', protocol, ['subscribe', 'unsubscribe', 'read'])
  return withTopicEngine({
    subscribe: (topic, from) => protocol.subscribe(topic, from),
    unsubscribe: (topic) => protocol.unsubscribe(topic),
    read: (message) => protocol.read(message),
    get confirms() {
      return protocol.confirms
    },
  })
}
