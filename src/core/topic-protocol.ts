import { checkMethods } from './option-checks'
import { installTopicEngineFinder, TOPIC_ENGINE, type TopicEngine } from './topic-engine'
import { TopicRegistry } from './topics'
import type { TopicProtocol } from './types'

/**
 * Marks `protocol` as carrying the topic engine: on the object (kept by a spread) and on
 * `subscribe` and `read` (kept by a copy made method by method, even with one method replaced:
 * topicEngineOf() looks at those two). Only what imports this module bundles the
 * engine, so connections without topics do not (src/core/topic-engine.ts).
 */
export function withTopicEngine<P extends TopicProtocol>(protocol: P): P {
  installTopicEngineFinder(carriedEngine)
  for (const carrier of [protocol, protocol.subscribe, protocol.read])
    (carrier as unknown as Record<symbol, unknown>)[TOPIC_ENGINE] = TopicRegistry
  return protocol
}

type Marked = { [TOPIC_ENGINE]?: TopicEngine } | null | undefined

/**
 * The engine `protocol` carries, after its check of the methods (error 17). The object is
 * looked at first, then `read` and `subscribe`: a spread (`{ ...lifelineTopics(), read }`)
 * keeps the object's key, and a copy made method by method (`{ subscribe: p.subscribe, … }`,
 * even with `read` replaced) keeps the methods'.
 */
function carriedEngine(protocol: TopicProtocol | null): TopicEngine | undefined {
  const mark = (carrier: unknown) => (carrier as Marked)?.[TOPIC_ENGINE]
  const engine = mark(protocol) ?? mark(protocol?.read) ?? mark(protocol?.subscribe)
  engine?.check(protocol!)
  return engine
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
