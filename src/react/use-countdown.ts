import { useEffect, useReducer } from 'react'
import type { Clock } from '../core/types'

/**
 * While `active`, whole seconds until `at` on `clock` (never negative), re-rendering exactly
 * when the number changes; null when inactive (no timer then) or without a target.
 */
export function useCountdown(at: number | null, active: boolean, clock: Clock): number | null {
  const [, tick] = useReducer(increment, 0)
  const left = active && at !== null ? at - clock.now() : null

  useEffect(() => {
    if (left === null || left <= 0) return
    // Wake when the ceiling drops: 3500 ms left shows 4 until 500 ms from now.
    const handle = clock.setTimeout(tick, left % 1000 || 1000)
    return () => clock.clearTimeout(handle)
  })

  return left === null ? null : Math.max(0, Math.ceil(left / 1000))
}

function increment(count: number): number {
  return count + 1
}
