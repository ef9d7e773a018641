import { useDebugValue, useState, useSyncExternalStore } from 'react'
import type { ConnectionState } from '../core/types'
import type { ConnectionTarget } from './connection-lookup'
import type { InferSchemaOutput, StandardSchemaV1 } from './standard-schema'
import type { HookOnlyOptions } from './target-options'
import { useCommitEffect } from './use-commit-effect'
import { createWebSocketObserver, SERVER_SNAPSHOT } from './websocket-observer'
import type { UseWebSocketOptions, WebSocketHookOptions, WebSocketResult } from './websocket-types'

export type {
  UseWebSocketOptions,
  WebSocketActions,
  WebSocketHookOptions,
  WebSocketResult,
} from './websocket-types'

/**
 * A WebSocket for a component. `target` is a URL (the connection shared by every component
 * with that URL; its options are merged with theirs), a `Connection` (which keeps the options
 * it was created with: only the hook's own options type-check beside it), or `null`. The connection is held while the component is
 * mounted and `enabled`, and released through its linger, so remounts reuse the socket.
 * The component re-renders only when a field it read changes. With `schema`, the type of
 * `lastJsonMessage` is the schema's output.
 *
 * A render only reads: the observer looks the connection up (or creates it) when React
 * subscribes, and a server render shows the idle state without touching anything.
 */
export function useWebSocket<S extends StandardSchemaV1>(
  target: string | null,
  options: UseWebSocketOptions & { schema: S },
): WebSocketResult<InferSchemaOutput<S>>
export function useWebSocket<S extends StandardSchemaV1>(
  target: ConnectionTarget,
  options: HookOnlyOptions<WebSocketHookOptions> & { schema: S },
): WebSocketResult<InferSchemaOutput<S>>
export function useWebSocket<T = unknown>(
  target: string | null,
  options?: UseWebSocketOptions,
): WebSocketResult<T>
/** With a `Connection` target, only the hook's own options: the connection has its options. */
export function useWebSocket<T = unknown>(
  target: ConnectionTarget,
  options?: HookOnlyOptions<WebSocketHookOptions>,
): WebSocketResult<T>
export function useWebSocket<T>(target: ConnectionTarget, options?: UseWebSocketOptions): WebSocketResult<T> {
  const [observer] = useState(() => createWebSocketObserver<T>(target, options))
  // Callbacks and the target reach the observer when the render commits, never before.
  useCommitEffect(() => observer.setOptions(target, options), [target, options])
  const viewed = useSyncExternalStore(observer.subscribe, observer.getSnapshot, getServerSnapshot)
  useDebugValue(viewed.state, describe)
  return observer.getResult(target, options, viewed)
}

function getServerSnapshot() {
  return SERVER_SNAPSHOT
}

function describe({ status, attempt }: ConnectionState): string {
  return attempt > 0 ? `${status} (attempt ${attempt})` : status
}
