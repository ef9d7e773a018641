import type { ConnectionState } from '../core/types'

/**
 * The state reported when there is no connection (a `null` target) and during server
 * rendering, where nothing may open. Frozen and shared so snapshots compare by identity.
 */
export const IDLE_STATE: ConnectionState = Object.freeze({
  status: 'idle',
  attempt: 0,
  nextRetryAt: null,
  lastClose: null,
  lastOpenAt: null,
  latency: null,
  error: null,
  queued: 0,
})
