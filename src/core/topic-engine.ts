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

/** Finds the engine a `topics` value carries, checked (error 17): src/core/topic-protocol.ts. */
export type TopicEngineFinder = (protocol: TopicProtocol | null) => TopicEngine | undefined

// Where the finder is kept: set by the first topics value made (withTopicEngine()), so an app
// without topics does not bundle the search either. On globalThis, under `Symbol.for`, for the
// same reason as TOPIC_ENGINE.
const FINDER: symbol = Symbol.for('react-lifeline.topic-engine')

type Global = { [FINDER]?: TopicEngineFinder }

/** Called by each topics value made: from then on, topicEngineOf() finds the engines values carry. */
export function installTopicEngineFinder(find: TopicEngineFinder): void {
  ;(globalThis as Global)[FINDER] = find
}

/**
 * The engine a `topics` value carries, after the engine's check of the value's methods (error
 * 17); throws when there is no `topics` value (error 38) or it carries no engine (error 40: a
 * hand-written object not passed through `topicProtocol()`). Without a finder, no topics value
 * was ever made, so none carries an engine.
 */
export function topicEngineOf(protocol: TopicProtocol | null): TopicEngine {
  const engine = (globalThis as Global)[FINDER]?.(protocol)
  if (engine) return engine
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
