import { useDebugValue, useEffect, useInsertionEffect, useReducer, useRef, useSyncExternalStore } from 'react'
import { getConnection } from '../core/index'
import { isShared } from '../core/registry'
import type { Connection, ConnectionOptions, ConnectionState, SendResult } from '../core/types'
import type { ReceivedMessage } from './message-store'
import { trackedResultFactory } from './tracked-result'
import type { ConnectionTarget } from './use-target-connection'
import {
  createWebSocketSource,
  SERVER_SNAPSHOT,
  type SourceCallbacks,
  type SourceSnapshot,
  type TrackedField,
  type WebSocketSource,
} from './websocket-source'

/** Options of `useWebSocket`: the connection options plus what only this hook call uses. */
export interface UseWebSocketOptions extends ConnectionOptions {
  /** `false` lets go of the connection (others may still hold it) [true]. */
  enabled?: boolean
  /** Every message, pongs excepted, without a re-render; may be a new function each render. */
  onMessage?: (data: unknown, event: MessageEvent) => void
  /** Which messages update `lastMessage`; `message.json` is the shared parse. */
  filter?: (data: unknown, message: ReceivedMessage) => boolean
}

/** Stable functions that act on the connection; no-ops (send: 'dropped') without one. */
export interface WebSocketActions {
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): SendResult
  sendJson(value: unknown): SendResult
  connect(): void
  reconnect(): void
  close(code?: number, reason?: string): void
}

/** What `useWebSocket` returns. Reading a field subscribes the component to that field only. */
export interface WebSocketResult<T = unknown> extends ConnectionState, WebSocketActions {
  /** Raw data of the last message that passed `filter`. */
  lastMessage: unknown | null
  /** `lastMessage` parsed as JSON; `null` when it is not JSON. */
  lastJsonMessage: T | null
  connection: Connection | null
}

const TRACKED_FIELDS: readonly TrackedField[] = [
  'status',
  'attempt',
  'nextRetryAt',
  'lastClose',
  'lastOpenAt',
  'latency',
  'error',
  'queued',
  'lastMessage',
  'lastJsonMessage',
]

const createResult = trackedResultFactory<WebSocketResult<any>, TrackedField, SourceSnapshot>(
  TRACKED_FIELDS,
  ['send', 'sendJson', 'connect', 'reconnect', 'close', 'connection'],
  (snapshot, key) => read(snapshot, key),
)

/**
 * What one `useWebSocket` call keeps between renders, in one object instead of a dozen hooks:
 * each hook costs a few hundred nanoseconds per render, and every message re-renders every
 * reader. Its render-time caches are memoisation (same input, same output), as useMemo is.
 * State lives in closure variables, which minifiers shorten (class fields they cannot).
 */
interface HookInstance {
  readonly tracked: Set<TrackedField>
  readonly callbacks: { current: SourceCallbacks }
  /** Called on commit: the actions act on the committed connection. */
  commit(connection: Connection | null): void
  /** The connection for `target`; a URL is looked up once, until its connection leaves the registry. */
  resolve(target: ConnectionTarget, options: ConnectionOptions | undefined): Connection | null
  /** The shared connection lingered out: the next render looks the URL up again. */
  forget(): void
  source(connection: Connection | null): WebSocketSource
  result<T>(snapshot: SourceSnapshot): WebSocketResult<T>
}

// The first render's callbacks are there from the start, so a filter already applies to the
// catch-up message a new source takes; commits keep them current from then on.
function createHookInstance(initial: SourceCallbacks): HookInstance {
  const tracked = new Set<TrackedField>()
  const callbacks = { current: initial }
  let committed: Connection | null = null
  let url: string | null = null
  let shared: Connection | null = null
  let source: WebSocketSource | null = null
  let sourceConnection: Connection | null = null
  let values: Omit<WebSocketResult, TrackedField> | null = null
  let snapshot: SourceSnapshot | null = null
  let result: WebSocketResult<any> | null = null
  let resultValues: object | null = null
  const actions: WebSocketActions = {
    send: (data) => committed?.send(data) ?? 'dropped',
    sendJson: (value) => committed?.sendJson(value) ?? 'dropped',
    connect: () => committed?.connect(),
    reconnect: () => committed?.reconnect(),
    close: (code, reason) => committed?.close(code, reason),
  }
  return {
    tracked,
    callbacks,
    commit(connection) {
      committed = connection
    },
    resolve(target, options) {
      if (typeof target !== 'string') return target
      if (target !== url || !shared) {
        url = target
        shared = getConnection(target, options)
      }
      return shared
    },
    forget() {
      shared = null
    },
    // A new connection gets a new source, so a message of the old URL never shows under the new one.
    source(connection) {
      if (!source || connection !== sourceConnection) {
        source = createWebSocketSource(connection, callbacks, tracked)
        sourceConnection = connection
        values = { ...actions, connection }
      }
      return source
    },
    result(next) {
      if (!result || next !== snapshot || values !== resultValues) {
        snapshot = next
        resultValues = values
        result = createResult(next, tracked, values!)
      }
      return result
    },
  }
}

/**
 * A WebSocket for a component. `target` is a URL (the connection shared by every component
 * with that URL), a `Connection`, or `null`. The connection is held while the component is
 * mounted and `enabled`, and released through its linger, so remounts reuse the socket.
 * The component re-renders only when a field it read changes.
 */
export function useWebSocket<T = unknown>(
  target: ConnectionTarget,
  options?: UseWebSocketOptions,
): WebSocketResult<T> {
  const enabled = options?.enabled ?? true
  const onMessage = options?.onMessage
  const filter = options?.filter
  // Lazy initialisation of a ref, the pattern React documents for expensive instances.
  const instance = useRef<HookInstance | null>(null)
  if (instance.current === null) instance.current = createHookInstance({ onMessage, filter })
  const hook = instance.current
  const [, refresh] = useReducer(increment, 0)
  const connection = hook.resolve(target, options)

  // Insertion effects run before any layout or passive effect, so those already see the new
  // values, and unlike useLayoutEffect they stay silent during React 18 server rendering.
  useInsertionEffect(() => {
    hook.commit(connection)
    hook.callbacks.current = { onMessage, filter }
  }, [hook, connection, onMessage, filter])

  const source = hook.source(connection)
  const viewed = useSyncExternalStore(source.subscribe, source.getSnapshot, source.getServerSnapshot)
  // React re-rendered because a tracked field changed, or for its own reasons; either way the
  // render reads the newest values, so a field read for the first time is never stale. The
  // server snapshot is kept as it is, so hydration matches the server's HTML.
  const snapshot = viewed === SERVER_SNAPSHOT ? viewed : source.getLatest()

  const shared = typeof target === 'string'
  useEffect(() => {
    if (!connection) return
    // A component may not re-render when its shared connection leaves the registry (its
    // tracked fields may not change), so it is told to, and then looks the URL up again.
    const left = () => shared && !isShared(connection)
    const renew = () => {
      hook.forget()
      refresh()
    }
    if (left()) return renew()
    const release = enabled ? connection.retain() : noop
    const unwatch = shared
      ? connection.subscribe(() => {
          if (left()) renew()
        })
      : noop
    return () => {
      unwatch()
      release()
    }
  }, [hook, connection, enabled, shared])

  useDebugValue(snapshot, describe)
  return hook.result<T>(snapshot)
}

function increment(count: number): number {
  return count + 1
}

function noop(): void {}

function read(snapshot: SourceSnapshot, key: TrackedField): any {
  if (key === 'lastMessage') return snapshot.message ? snapshot.message.data : null
  if (key === 'lastJsonMessage') return snapshot.message ? snapshot.message.json : null
  return snapshot.state[key]
}

function describe(snapshot: SourceSnapshot): string {
  const { status, attempt } = snapshot.state
  return attempt > 0 ? `${status} (attempt ${attempt})` : status
}
