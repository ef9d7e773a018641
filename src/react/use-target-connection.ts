import { useState, useSyncExternalStore } from 'react'
import type { Connection, ConnectionOptions } from '../core/types'
import { type ConnectionTarget, createConnectionLookup } from './connection-lookup'
import { useCommitEffect } from './use-commit-effect'

export type { ConnectionTarget } from './connection-lookup'

/**
 * The connection for `target`. A render only reads (a URL shows its shared connection if one
 * is registered); the commit looks it up or creates it, and follows the registry when it
 * lingers out. Nothing is held here; holding is the caller's decision. `null` on a server.
 */
export function useTargetConnection(
  target: ConnectionTarget,
  options?: ConnectionOptions,
): Connection | null {
  const [lookup] = useState(() => createConnectionLookup(target, options))
  useCommitEffect(() => lookup.update(target, options), [lookup, target, options])
  return useSyncExternalStore(
    lookup.subscribe,
    () => lookup.peek(target, options),
    () => null,
  )
}
