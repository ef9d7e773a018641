import { useEffect, useReducer } from 'react'
import { getConnection } from '../core/index'
import { isShared } from '../core/registry'
import type { Connection, ConnectionOptions } from '../core/types'

/** What the hooks and the banner accept: a URL (the shared connection), a connection, or nothing. */
export type ConnectionTarget = string | Connection | null

/**
 * The connection for `target`. A URL resolves through `getConnection` on every render: the
 * registry lookup is cheap, and a shared connection that lingered out (or was destroyed) has
 * left the registry, so the next render must pick up the fresh one instead of reviving it.
 * Nothing is retained here; holding is the caller's decision.
 */
export function useTargetConnection(
  target: ConnectionTarget,
  options?: ConnectionOptions,
): Connection | null {
  const connection = typeof target === 'string' ? getConnection(target, options) : target
  const [, refresh] = useReducer(increment, 0)
  const url = typeof target === 'string' ? target : null

  useEffect(() => {
    if (url === null || !connection) return
    // A component that only observes may not re-render when its connection leaves the registry
    // (its selected state may not change), so it is told to, and then resolves the new one.
    const stale = () => !isShared(connection)
    if (stale()) {
      refresh()
      return
    }
    return connection.subscribe(() => {
      if (stale()) refresh()
    })
  }, [url, connection])

  return connection
}

function increment(count: number): number {
  return count + 1
}
