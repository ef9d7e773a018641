import { ensureTopicEngine } from '../core/ensure-topic-engine'
import { resolveOptions } from '../core/options'
import { IDLE_TOPIC } from '../core/topic'
import type { Topic, TopicProtocol, TopicState } from '../core/types'
import { type ConnectionTarget, createConnectionLookup } from './connection-lookup'
import { reportError } from './report-error'
import { assertSchema } from './standard-schema'
import { checkTopicMessage, getTopicStore, latestTopicMessage, type TopicMessage } from './topic-store'
import type { TopicField, TopicResult, UseTopicOptions } from './topic-types'
import { trackedResultFactory } from './tracked-result'

/** What one `useTopic` call renders from. */
export interface TopicSnapshot {
  readonly state: TopicState
  /** The last message that passed this hook's schema. */
  readonly message: TopicMessage | null
}

/** Idle and empty: what a server renders, what hydration starts from, and a topic not yet committed. */
export const IDLE_TOPIC_SNAPSHOT: TopicSnapshot = Object.freeze({ state: IDLE_TOPIC, message: null })

/**
 * Everything one `useTopic` call keeps, outside React: the connection lookup, the topic it
 * holds, its last message, the fields the component read and the result object. The hook makes
 * one per component and only subscribes React to it.
 */
export interface TopicObserver<T> {
  /** For `useSyncExternalStore`: holds the topic and listens to it until unsubscribed. */
  subscribe(onStoreChange: () => void): () => void
  /** Changes identity only when a field the component read changes. */
  getSnapshot(): TopicSnapshot
  /** The result a render returns; `viewed` is what `useSyncExternalStore` gave it. */
  getResult(
    target: ConnectionTarget,
    name: string | null,
    options: UseTopicOptions<T> | undefined,
    viewed: TopicSnapshot,
  ): TopicResult<T>
  /** Hands over a commit's target, topic and options (callbacks included). */
  setOptions(target: ConnectionTarget, name: string | null, options: UseTopicOptions<T> | undefined): void
}

const createResult = trackedResultFactory<TopicResult<any>, TopicField, TopicSnapshot>(
  ['status', 'position', 'recovered', 'gaps', 'error', 'lastMessage'],
  [],
  (snapshot, key) => (key === 'lastMessage' ? snapshot.message?.data : snapshot.state[key]),
)

/**
 * A null topic needs no connection: the lookup gets no target, so nothing is created for it.
 * State lives in closure variables (as in the WebSocket observer): minifiers shorten those.
 */
export function createTopicObserver<T>(
  initialTarget: ConnectionTarget,
  initialName: string | null,
  initialOptions: UseTopicOptions<T> | undefined,
): TopicObserver<T> {
  checkTarget(initialTarget, initialOptions)
  let options = initialOptions
  let committedTarget = initialTarget
  let committedName = initialName
  let checkedTarget = initialTarget
  const lookup = createConnectionLookup(
    initialName === null ? null : initialTarget,
    withTopicEngine(initialOptions),
  )
  const tracked = new Set<TopicField>()
  let notify: (() => void) | null = null
  let wired: Topic<T> | null = null
  let unwire = noop
  // The state shown when the connection cannot give a topic (no `topics` option).
  let failure: TopicState | null = null
  // This hook's message slot belongs to one topic: another topic starts it empty.
  let owner: Topic<T> | null = null
  let considered: TopicMessage | null = null
  let message: TopicMessage | null = null
  let newest = IDLE_TOPIC_SNAPSHOT
  let reported = newest
  let shown: TopicSnapshot | null = null
  let result: TopicResult<T> | null = null

  const accept = (candidate: TopicMessage, live: boolean): TopicMessage | null => {
    const schema = options?.schema
    if (!schema) return candidate
    const checked = checkTopicMessage(candidate, schema, live ? lookup.current : null)
    if (!(checked instanceof Error)) return checked
    if (live) call(options?.onError, checked)
    return null
  }

  // A hook starting beside others on a live topic starts from its newest message.
  const follow = (topic: Topic<T> | null) => {
    if (topic !== owner) {
      owner = topic
      considered = message = null
    }
    const latest = topic && latestTopicMessage(topic)
    if (!latest || latest === considered) return
    considered = latest
    message = accept(latest, false) ?? message
  }

  // Renders read only what the commit wired: looking a topic up may create it.
  const view = (): TopicSnapshot => {
    const state = failure ?? (wired ? wired.getState() : IDLE_TOPIC)
    if (state !== newest.state || message !== newest.message) newest = { state, message }
    return newest
  }

  // The snapshot React would read, updated; React is told only when it changed. A message comes
  // with a new state (its position), so telling React of both would have it check every
  // component twice per message, and schedule again a render already scheduled.
  const snapshot = () => {
    const next = view()
    if (next !== reported && differs(reported, next, tracked)) reported = next
    return reported
  }
  const changed = () => {
    const before = reported
    if (snapshot() !== before) notify?.()
  }

  const onMessage = (topic: Topic<T>, received: TopicMessage) => {
    if (topic !== wired) return
    considered = received
    const accepted = accept(received, true)
    if (!accepted) return
    call(options?.onMessage, accepted.data as T, accepted.meta)
    message = accepted
    changed()
  }

  const wire = () => {
    unwire()
    failure = null
    const connection = lookup.current
    let topic: Topic<T> | null = null
    if (connection && committedName !== null) {
      try {
        topic = connection.topic<T>(committedName)
      } catch (error) {
        // The connection has no `topics` option: a state the component can show, and onError.
        failure = { ...IDLE_TOPIC, status: 'error', error: error as Error }
        call(options?.onError, error as Error)
      }
    }
    wired = topic
    follow(topic)
    if (!topic) return
    const stopState = topic.subscribe(() => topic === wired && changed())
    const stopMessages = getTopicStore(topic).subscribe((received) => onMessage(topic, received))
    const stopGaps = topic.onGap((state) => topic === wired && call(options?.onGap, state))
    // Listening first, then holding: the replay that answers the subscribe reaches this hook.
    const release = topic.retain()
    unwire = () => {
      stopState()
      stopMessages()
      stopGaps()
      release()
      wired = null
      unwire = noop
    }
  }

  return {
    subscribe(onStoreChange) {
      notify = onStoreChange
      const stop = lookup.subscribe(() => {
        wire()
        notify?.()
      })
      wire()
      return () => {
        notify = null
        unwire()
        failure = null
        stop()
      }
    },

    getSnapshot: snapshot,

    getResult(target, name, renderOptions, viewed) {
      assertSchema(renderOptions?.schema)
      if (target !== checkedTarget) {
        checkTarget(target, renderOptions)
        checkedTarget = target
      }
      // The server's idle view while hydrating; a target or topic not committed yet shows idle
      // too (its topic is looked up when the render commits), never the old topic's messages.
      const next =
        viewed === IDLE_TOPIC_SNAPSHOT || target !== committedTarget || name !== committedName
          ? IDLE_TOPIC_SNAPSHOT
          : view()
      if (next !== shown || !result) {
        shown = next
        result = createResult(next, tracked, {})
      }
      return result
    },

    setOptions(target, name, nextOptions) {
      options = nextOptions
      const renamed = name !== committedName
      committedTarget = target
      committedName = name
      const before = lookup.current
      lookup.update(name === null ? null : target, withTopicEngine(nextOptions))
      // A new target rewired through the lookup; a new topic on the same connection rewires here.
      if (renamed && notify && lookup.current === before) {
        wire()
        notify()
      }
    },
  }
}

/** Invalid connection options throw while rendering, as useWebSocket's do. */
function checkTarget(target: ConnectionTarget, options: object | undefined): void {
  if (typeof target === 'string') resolveOptions(withTopicEngine(options as { topics?: TopicProtocol }))
}

// An app's callback that throws is reported; the other hooks still hear the event.
function call<A, B>(callback: ((a: A, b: B) => void) | undefined, a: A, b?: B): void {
  if (!callback) return
  try {
    callback(a, b as B)
  } catch (error) {
    reportError(error)
  }
}

// Messages compare by identity; a new message is the common change, so it is decided first.
function differs(before: TopicSnapshot, after: TopicSnapshot, tracked: ReadonlySet<TopicField>): boolean {
  if (before.message !== after.message && tracked.has('lastMessage')) return true
  if (before.state === after.state) return false
  for (const field of tracked) {
    if (field !== 'lastMessage' && !Object.is(before.state[field], after.state[field])) return true
  }
  return false
}

function noop(): void {}

/**
 * useTopic bundles the topic engine anyway, so a hand-written protocol passed with a URL target
 * works here without `topicProtocol()`: the same wrapper for the same object, so options that
 * are compared by identity stay equal from render to render.
 */
function withTopicEngine<O extends { topics?: TopicProtocol }>(options: O | undefined): O | undefined {
  const topics = options?.topics
  return topics && typeof topics === 'object' ? { ...options, topics: ensureTopicEngine(topics) } : options
}
