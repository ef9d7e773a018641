import { topicEngineOf } from './topic-engine'
import { topicProtocol } from './topic-protocol'
import type { TopicProtocol } from './types'

const wrappers = new WeakMap<TopicProtocol, TopicProtocol>()

/**
 * @internal For the React entry, which bundles the engine anyway: `protocol` itself when it
 * carries the engine, else its `topicProtocol()` wrapper, the same wrapper for the same object
 * (so options compared by identity stay equal from render to render).
 */
export function ensureTopicEngine(protocol: TopicProtocol): TopicProtocol {
  try {
    topicEngineOf(protocol)
    return protocol
  } catch {}
  let wrapper = wrappers.get(protocol)
  if (!wrapper) {
    wrapper = topicProtocol(protocol)
    wrappers.set(protocol, wrapper)
  }
  return wrapper
}
