import { useCallback, useDebugValue } from 'react'
import { useSyncExternalStoreWithSelector } from 'use-sync-external-store/with-selector'
import { IDLE_STATE } from '../core/idle-state'
import type { ConnectionOptions, ConnectionState } from '../core/types'
import { type ConnectionTarget, useTargetConnection } from './use-target-connection'

/**
 * A slice of a connection's state, re-rendering only when the slice changes (`isEqual`,
 * `Object.is` by default). It observes without holding: a URL nobody holds stays idle.
 * With a URL, `options` join the shared connection's merged options while mounted.
 */
export function useConnectionState<S>(
  target: string | null,
  selector: (state: ConnectionState) => S,
  isEqual?: (a: S, b: S) => boolean,
  options?: ConnectionOptions,
): S
/** With a `Connection` target, no options: the connection has its own. */
export function useConnectionState<S>(
  target: ConnectionTarget,
  selector: (state: ConnectionState) => S,
  isEqual?: (a: S, b: S) => boolean,
): S
export function useConnectionState<S>(
  target: ConnectionTarget,
  selector: (state: ConnectionState) => S,
  isEqual?: (a: S, b: S) => boolean,
  options?: ConnectionOptions,
): S {
  const connection = useTargetConnection(target, options)
  const subscribe = useCallback(
    (onStoreChange: () => void) => (connection ? connection.subscribe(onStoreChange) : noop),
    [connection],
  )
  const getSnapshot = useCallback(() => (connection ? connection.getState() : IDLE_STATE), [connection])
  const slice = useSyncExternalStoreWithSelector(subscribe, getSnapshot, getServerSnapshot, selector, isEqual)
  useDebugValue(slice)
  return slice
}

// Nothing may open during server rendering, so the server always sees a connection not yet started.
function getServerSnapshot(): ConnectionState {
  return IDLE_STATE
}

function noop(): void {}
