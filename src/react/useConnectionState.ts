import { useCallback, useDebugValue, useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
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
  // The slice the last commit showed: a selector made in a later render (inline selectors are
  // new every render) compares its first slice with it, so an equal slice keeps its identity.
  const committed = useRef<{ slice: S } | null>(null)
  const [getSlice, getServerSlice] = useMemo(() => {
    let selectedFrom: ConnectionState | null = null
    let selected: S
    // The same state gives the same slice without calling the selector; a new state whose
    // slice isEqual to the previous one gives the previous one, so React skips the render.
    const select = (state: ConnectionState): S => {
      if (state === selectedFrom) return selected
      const slice = selector(state)
      const previous = selectedFrom === null ? committed.current : { slice: selected }
      selectedFrom = state
      selected = previous && isEqual?.(previous.slice, slice) ? previous.slice : slice
      return selected
    }
    return [
      () => select(connection ? connection.getState() : IDLE_STATE),
      // Nothing may open during server rendering, so the server sees a connection not yet started.
      () => select(IDLE_STATE),
    ]
  }, [connection, selector, isEqual])
  const slice = useSyncExternalStore(subscribe, getSlice, getServerSlice)
  useEffect(() => {
    committed.current = { slice }
  }, [slice])
  useDebugValue(slice)
  return slice
}

function noop(): void {}
