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
  // The wrapper first: a hand-written protocol passed inline is seen at every commit, and
  // finding it has no engine means building and throwing an error.
  let wrapper = wrappers.get(protocol)
  if (!wrapper) {
    try {
      topicEngineOf(protocol)
      return protocol
    } catch {}
    wrapper = topicProtocol(protocol)
    wrappers.set(protocol, wrapper)
  }
  return wrapper
}
