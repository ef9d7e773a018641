import { useEffect, useRef, useState } from 'react'
import type { Connection, ConnectionOptions, TopicMessageMeta } from '../core/types'
import { createConnectionLookup } from './connection-lookup'
import { getMessageStore, type ReceivedMessage } from './message-store'
import { reportError } from './report-error'
import { assertSchema, checkSchema, type StandardSchemaV1 } from './standard-schema'
import type { HookOnlyOptions } from './target-options'
import { useCommitEffect } from './use-commit-effect'
import type { ConnectionTarget } from './use-target-connection'

/** What the reducer of `useMessages` gets for each message. */
export interface MessageOf<T> {
  /** The raw `MessageEvent.data`. */
  data: unknown
  /** `data` parsed as JSON (undefined when it is not JSON), or the schema's output. */
  json: T | undefined
  /** With a `topic`: where the message stands and whether it was replayed after a reconnect. */
  meta?: TopicMessageMeta
}

/**
 * The hook's own options. With a URL target the connection options may come too (say
 * `topics`), as `useWebSocket` takes them; beside a `Connection` they are a type error.
 */
export interface UseMessagesOptions<T> {
  /**
   * Reduce this topic's messages only (every one, replayed ones included, each once, in order),
   * holding the topic's subscription while mounted; `data` and `json` are then the topic
   * message's data. `null` reduces nothing (conditional use). Needs the `topics` option.
   */
  topic?: string | null
  /**
   * Which messages reach the reducer (checked before the schema); the same arguments as
   * `useWebSocket`'s `filter`: the raw data and the message (`message.json` its parse; with a
   * `topic`, both are the topic message's data).
   */
  filter?(data: unknown, message: Pick<ReceivedMessage, 'data' | 'json'>): boolean
  /** Checks the parsed JSON; a message that fails is not reduced and counts as invalid. */
  schema?: StandardSchemaV1<unknown, T>
  /** Invalid messages and throwing reducers or filters [reported to the host's reportError]. */
  onError?(error: Error): void
}

type Reducer<S, T> = (state: S, message: MessageOf<T>) => S

/**
 * Messages as state: `reducer` folds every message that arrives while the component is
 * mounted, in order, into the returned state. Reducing happens as each message arrives, so a
 * burst that React batches into one render loses nothing. Without `topic` it listens without
 * holding the connection open: use it beside `useWebSocket(target)` or with a connection you
 * retain. With `topic` it holds that topic (and so the connection) and sees its messages only.
 * The state starts again from `initial` when `target` or `topic` changes.
 */
export function useMessages<S, T = unknown>(
  target: string | null,
  reducer: Reducer<S, T>,
  initial: S,
  options?: ConnectionOptions & UseMessagesOptions<T>,
): S
export function useMessages<S, T = unknown>(
  target: ConnectionTarget,
  reducer: Reducer<S, T>,
  initial: S,
  options?: HookOnlyOptions<UseMessagesOptions<T>>,
): S
export function useMessages<S, T = unknown>(
  target: ConnectionTarget,
  reducer: Reducer<S, T>,
  initial: S,
  options?: ConnectionOptions & UseMessagesOptions<T>,
): S {
  assertSchema(options?.schema)
  const topic = options?.topic
  const [view, setView] = useState(() => ({ target, topic, state: initial }))
  // The newest state, ahead of what is rendered while React batches a burst.
  const newest = useRef(view)
  const latest = useRef({ reducer, options, initial })
  // Kept current as React documents for values an event handler reads: in a commit effect.
  useCommitEffect(() => {
    latest.current = { reducer, options, initial }
  })
  const current = view.target === target && view.topic === topic
  // A new target or topic starts from `initial`; adjusting state during render avoids a stale frame.
  if (!current) setView({ target, topic, state: initial })

  useEffect(() => {
    // `initial` counts only when the source changes, as useState reads its initial value once.
    if (newest.current.target !== target || newest.current.topic !== topic)
      newest.current = { target, topic, state: latest.current.initial }
    if (target === null || topic === null) return
    // To the app's onError (the latest one), else to the host; an onError that throws is reported too.
    const report = (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error))
      try {
        ;(latest.current.options?.onError ?? reportError)(failure)
      } catch (thrown) {
        reportError(thrown)
      }
    }
    const receive = (connection: Connection, data: unknown, json: unknown, meta?: TopicMessageMeta) => {
      const { reducer, options } = latest.current
      try {
        if (options?.filter && !options.filter(data, { data, json })) return
        let typed = json as T | undefined
        if (options?.schema) {
          const checked = checkSchema(options.schema, typed)
          if (!checked.ok) {
            ;(connection as { countInvalidMessage?(): void }).countInvalidMessage?.()
            return report(checked.error)
          }
          typed = checked.value
        }
        const message: MessageOf<T> = meta ? { data, json: typed, meta } : { data, json: typed }
        const state = reducer(newest.current.state, message)
        if (Object.is(state, newest.current.state)) return
        newest.current = { target, topic, state }
        setView(newest.current)
      } catch (error) {
        // The state stays at the last good value; the next message is reduced as usual.
        report(error)
      }
    }
    const attach = (connection: Connection): (() => void) => {
      if (topic === undefined)
        return getMessageStore(connection).subscribe((message) =>
          receive(connection, message.data, message.json),
        )
      const held = connection.topic(topic)
      // Listening first, then holding: the replay that answers the subscribe is reduced too. The
      // topic itself fans out (not useTopic's store), so apps without topics carry none of it.
      const stop = held.onMessage((data, meta) => receive(connection, data, data, meta))
      const release = held.retain()
      return () => {
        stop()
        release()
      }
    }
    // The lookup finds (or, for a URL, creates) the connection here, never in a render, and
    // follows a shared connection that lingers out to the registry's next one.
    const lookup = createConnectionLookup(target, latest.current.options)
    let detach = (): void => {}
    const follow = () => {
      detach()
      detach = () => {}
      const connection = lookup.current
      if (!connection) return
      try {
        detach = attach(connection)
      } catch (error) {
        // A connection without the `topics` option: said once, through onError.
        report(error)
      }
    }
    const stop = lookup.subscribe(follow)
    follow()
    return () => {
      detach()
      stop()
    }
  }, [target, topic])

  return current ? view.state : initial
}
