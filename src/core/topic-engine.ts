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
  /** Throws when `protocol` lacks a method (error 17): the `topics` option's check at creation. */
  check(protocol: TopicProtocol): void
}

/**
 * The key a topic protocol carries its engine under. The engine travels with the `topics`
 * value instead of being imported by the connection, so an app that never passes `topics`
 * does not bundle it (issue 22: about 2.5 kB). `Symbol.for` so that a protocol made by another
 * copy of the library (two bundles on one page) is still recognised.
 */
export const TOPIC_ENGINE: symbol = Symbol.for('react-lifeline.topics')

type Marked = { [TOPIC_ENGINE]?: TopicEngine } | undefined

/**
 * The engine a `topics` value carries; throws when there is no `topics` value (error 37) or
 * it carries no engine (error 39: a hand-written object not passed through `topicProtocol()`).
 * The object is looked at first, then each method: a spread
 * (`{ ...lifelineTopics(), read }`) keeps the object's key, and a copy made method by method
 * (`{ subscribe: p.subscribe, … }`) keeps the methods'.
 */
export function topicEngineOf(protocol: TopicProtocol | null): TopicEngine {
  const marked = protocol as unknown as Record<symbol, TopicEngine> | null
  const engine =
    marked?.[TOPIC_ENGINE] ??
    (protocol?.read as Marked)?.[TOPIC_ENGINE] ??
    (protocol?.subscribe as Marked)?.[TOPIC_ENGINE] ??
    (protocol?.unsubscribe as Marked)?.[TOPIC_ENGINE]
  if (engine) return engine
  throw new TypeError(
    (() => {
      try {
        if (process.env.NODE_ENV !== 'production')
          return protocol
            ? "react-lifeline: the topics option is a plain object; wrap it with topicProtocol() from 'react-lifeline/core', e.g. createConnection(url, { topics: topicProtocol({ subscribe, unsubscribe, read }) }). The topic engine comes with topicProtocol(), lifelineTopics() and graphqlWsTopics() so that apps without topics do not bundle it."
            : 'react-lifeline: topic() needs the topics option, e.g. createConnection(url, { topics: lifelineTopics() }).'
      } catch {}
      return protocol ? errorCode(39) : errorCode(37)
    })(),
  )
}
