import type { ConnectionState } from './types'

/**
 * The state of a connection that has not started: where every connection begins, and what
 * the React hooks report without a connection or during server rendering. Frozen and shared
 * so snapshots compare by identity.
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
