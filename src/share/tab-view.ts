import type { ConnectionState } from '../core/index'

/** `state` with another `queued` count; the same object when the count is the same. */
export function withQueued(state: ConnectionState, queued: number): ConnectionState {
  return state.queued === queued ? state : { ...state, queued }
}

/** `current` when `next` has the same fields, so `getState()` keeps its identity. */
export function sameOr(current: ConnectionState, next: ConnectionState): ConnectionState {
  const keys = Object.keys(next) as (keyof ConnectionState)[]
  return keys.every((key) => Object.is(current[key], next[key])) ? current : next
}
