import { useDebugValue, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { CloseInfo, Connection, ConnectionOptions, ConnectionStatus, SendResult } from '../core/types'
import type { ReceivedMessage } from './message-store'
import { createTrackedResult } from './tracked-result'
import { useLatest } from './use-latest'
import { type ConnectionTarget, useTargetConnection } from './use-target-connection'
import {
  createWebSocketSource,
  SERVER_SNAPSHOT,
  type SourceSnapshot,
  type TrackedField,
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
export interface WebSocketResult<T = unknown> extends WebSocketActions {
  status: ConnectionStatus
  attempt: number
  nextRetryAt: number | null
  lastClose: CloseInfo | null
  lastOpenAt: number | null
  latency: number | null
  error: Error | null
  queued: number
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
  const { enabled = true, onMessage, filter, ...connectionOptions } = options ?? {}
  const connection = useTargetConnection(target, options ? connectionOptions : undefined)
  const callbacks = useLatest({ onMessage, filter })
  const connectionRef = useLatest(connection)
  const [tracked] = useState(() => new Set<TrackedField>())

  // A new connection gets a new source, so a message of the old URL never shows under the new one.
  const source = useMemo(
    () => createWebSocketSource(connection, callbacks, tracked),
    [connection, callbacks, tracked],
  )
  const viewed = useSyncExternalStore(source.subscribe, source.getSnapshot, source.getServerSnapshot)
  // React re-rendered because a tracked field changed, or for its own reasons; either way the
  // render reads the newest values, so a field read for the first time is never stale. The
  // server snapshot is kept as it is, so hydration matches the server's HTML.
  const snapshot = viewed === SERVER_SNAPSHOT ? viewed : source.getLatest()

  useEffect(() => {
    if (!connection || !enabled) return
    return connection.retain()
  }, [connection, enabled])

  const [actions] = useState((): WebSocketActions => {
    const current = () => connectionRef.current
    return {
      send: (data) => current()?.send(data) ?? 'dropped',
      sendJson: (value) => current()?.sendJson(value) ?? 'dropped',
      connect: () => current()?.connect(),
      reconnect: () => current()?.reconnect(),
      close: (code, reason) => current()?.close(code, reason),
    }
  })

  useDebugValue(snapshot, describe)

  return useMemo(
    () =>
      createTrackedResult<WebSocketResult<T>, TrackedField>(
        TRACKED_FIELDS,
        (key) => read(snapshot, key),
        tracked,
        {
          ...actions,
          connection,
        },
      ),
    [snapshot, actions, connection, tracked],
  )
}

function read(snapshot: SourceSnapshot, key: TrackedField): any {
  if (key === 'lastMessage') return snapshot.message ? snapshot.message.data : null
  if (key === 'lastJsonMessage') return snapshot.message ? snapshot.message.json : null
  return snapshot.state[key]
}

function describe(snapshot: SourceSnapshot): string {
  const { status, attempt } = snapshot.state
  return attempt > 0 ? `${status} (attempt ${attempt})` : status
}
