import { useEffect, useRef, useState } from 'react'
import { getConnection, isShared } from '../core/registry'
import type { Connection } from '../core/types'
import { getMessageStore, type ReceivedMessage } from './message-store'
import { reportError } from './report-error'
import { assertSchema, checkSchema, type StandardSchemaV1 } from './standard-schema'
import { useCommitEffect } from './use-commit-effect'
import type { ConnectionTarget } from './use-target-connection'

/** What the reducer of `useMessages` gets for each message. */
export interface MessageOf<T> {
  /** The raw `MessageEvent.data`. */
  data: unknown
  /** `data` parsed as JSON (undefined when it is not JSON), or the schema's output. */
  json: T | undefined
}

export interface UseMessagesOptions<T> {
  /**
   * Which messages reach the reducer (checked before the schema); the same arguments as
   * `useWebSocket`'s `filter`: the raw data and the shared message (`message.json` its parse).
   */
  filter?(data: unknown, message: ReceivedMessage): boolean
  /** Checks the parsed JSON; a message that fails is not reduced and counts as invalid. */
  schema?: StandardSchemaV1<unknown, T>
  /** Invalid messages and throwing reducers or filters [reported to the host's reportError]. */
  onError?(error: Error): void
}

type Reducer<S, T> = (state: S, message: MessageOf<T>) => S

/**
 * Messages as state: `reducer` folds every message that arrives while the component is
 * mounted, in order, into the returned state. Reducing happens as each message arrives, so a
 * burst that React batches into one render loses nothing. It listens without holding the
 * connection open: use it beside `useWebSocket(target)` or with a connection you retain.
 * The state starts again from `initial` when `target` changes.
 */
export function useMessages<S, T = unknown>(
  target: ConnectionTarget,
  reducer: Reducer<S, T>,
  initial: S,
  options?: UseMessagesOptions<T>,
): S {
  assertSchema(options?.schema)
  const [view, setView] = useState(() => ({ target, state: initial }))
  // The newest state, ahead of what is rendered while React batches a burst.
  const newest = useRef(view)
  const latest = useRef({ reducer, options, initial })
  // Kept current as React documents for values an event handler reads: in a commit effect.
  useCommitEffect(() => {
    latest.current = { reducer, options, initial }
  })
  // A new target starts from `initial`; adjusting state during render avoids a stale frame.
  if (view.target !== target) setView({ target, state: initial })

  useEffect(() => {
    // `initial` counts only when the target changes, as useState reads its initial value once.
    if (newest.current.target !== target) newest.current = { target, state: latest.current.initial }
    if (target === null) return
    const receive = (connection: Connection, message: ReceivedMessage) => {
      const { reducer, options } = latest.current
      const report = (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error))
        try {
          ;(options?.onError ?? reportError)(failure)
        } catch (thrown) {
          reportError(thrown)
        }
      }
      try {
        if (options?.filter && !options.filter(message.data, message)) return
        let json = message.json as T | undefined
        if (options?.schema) {
          const checked = checkSchema(options.schema, json)
          if (!checked.ok) {
            ;(connection as { countInvalidMessage?(): void }).countInvalidMessage?.()
            return report(checked.error)
          }
          json = checked.value
        }
        const state = reducer(newest.current.state, { data: message.data, json })
        if (Object.is(state, newest.current.state)) return
        newest.current = { target, state }
        setView(newest.current)
      } catch (error) {
        // The state stays at the last good value; the next message is reduced as usual.
        report(error)
      }
    }
    return followTarget(target, (connection) =>
      getMessageStore(connection).subscribe((message) => receive(connection, message)),
    )
  }, [target])

  return view.target === target ? view.state : initial
}

/**
 * Attaches to the target's connection, looked up here rather than in render so a render
 * creates nothing; a shared connection that lingers out is replaced by the registry's next one.
 */
function followTarget(
  target: string | Connection,
  attach: (connection: Connection) => () => void,
): () => void {
  if (typeof target !== 'string') return attach(target)
  let detach = (): void => {}
  const follow = () => {
    detach()
    const connection = getConnection(target)
    const stopMessages = attach(connection)
    const stopWatching = connection.subscribe(() => {
      if (!isShared(connection)) follow()
    })
    detach = () => {
      stopMessages()
      stopWatching()
    }
  }
  follow()
  return () => detach()
}
