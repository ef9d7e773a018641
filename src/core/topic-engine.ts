import { errorCode } from './errors'
import type { TopicOwner, TopicRegistry } from './topics'
import type { TopicProtocol } from './types'

/** What makes a connection's topics: the engine in src/core/topics.ts. */
export interface TopicEngine {
  new (
    protocol: TopicProtocol,
    owner: TopicOwner,
    send: (data: string) => boolean,
    report: (error: Error) => void,
    open: boolean,
  ): TopicRegistry
  /** Throws when `protocol` lacks a method (error 17): run by topicEngineOf(), so at creation too. */
  check(protocol: TopicProtocol): void
}

/**
 * The key a topic protocol carries its engine under. The engine travels with the `topics`
 * value instead of being imported by the connection, so an app that never passes `topics`
 * does not bundle it (issue 22: about 2.5 kB). `Symbol.for` so that a protocol made by another
 * copy of the library (two bundles on one page) is still recognised.
 */
export const TOPIC_ENGINE: symbol = Symbol.for('react-lifeline.topics')

type Marked = { [TOPIC_ENGINE]?: TopicEngine } | null | undefined

/**
 * The engine a `topics` value carries, after the engine's check of the value's methods (error
 * 17); throws when there is no `topics` value (error 38) or it carries no engine (error 40: a
 * hand-written object not passed through `topicProtocol()`). The object is looked at first,
 * then `read` and `subscribe`: a spread (`{ ...lifelineTopics(), read }`) keeps the object's
 * key, and a copy made method by method (`{ subscribe: p.subscribe, … }`, even with `read`
 * replaced) keeps the methods'.
 */
export function topicEngineOf(protocol: TopicProtocol | null): TopicEngine {
  const engine =
    (protocol as Marked)?.[TOPIC_ENGINE] ??
    (protocol?.read as Marked)?.[TOPIC_ENGINE] ??
    (protocol?.subscribe as Marked)?.[TOPIC_ENGINE]
  if (engine) {
    engine.check(protocol!)
    return engine
  }
  throw new TypeError(
    (() => {
      try {
        if (process.env.NODE_ENV !== 'production')
          return protocol
            ? "react-lifeline: the topics option is a plain object; wrap it with topicProtocol() from 'react-lifeline/core', e.g. createConnection(url, { topics: topicProtocol({ subscribe, unsubscribe, read }) }). The topic engine comes with topicProtocol(), lifelineTopics() and graphqlWsTopics() so that apps without topics do not bundle it."
            : 'react-lifeline: topic() needs the topics option, e.g. createConnection(url, { topics: lifelineTopics() }).'
      } catch {}
      return errorCode(protocol ? 40 : 38)
    })(),
  )
}
