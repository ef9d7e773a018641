import { useEffect, useState } from 'react'
import type { Clock, ConnectionState } from '../core/types'
import type { BannerPhase } from './banner-messages'

type ProblemPhase = Exclude<BannerPhase, 'hidden' | 'reconnected'>

/** Which trouble the state is in, or null while all is well (or closed on purpose). */
export function problemOf({ status, lastClose }: ConnectionState): ProblemPhase | null {
  // The app's own close() is no news to the person using it; a server's close is.
  if (status === 'closed') return lastClose && lastClose.initiator !== 'client' ? 'closed' : null
  // Idle, open and closing are the app's doing or all well.
  return status === 'idle' || status === 'open' || status === 'closing' ? null : status
}

/**
 * What the banner shows, in time: a problem only once it has lasted `showAfterMs` (blips stay
 * invisible), then 'reconnected' for `reconnectedMs` after it ends with the socket open.
 */
export function useBannerPhase(
  state: ConnectionState,
  showAfterMs: number,
  reconnectedMs: number,
  clock: Clock,
): BannerPhase {
  const problem = problemOf(state)
  const [shown, setShown] = useState(false)
  const [reconnected, setReconnected] = useState(false)

  // Adjusted during render rather than in an effect, so no frame shows a stale problem.
  if (problem && reconnected) {
    setReconnected(false)
    // The banner is on screen already; hiding it for showAfterMs on a flap would only flicker.
    setShown(true)
  } else if (!problem && shown) {
    setShown(false)
    setReconnected(state.status === 'open')
  }

  useTimeout(problem !== null && !shown, showAfterMs, clock, setShown, true)
  useTimeout(reconnected, reconnectedMs, clock, setReconnected, false)

  if (problem) return shown ? problem : 'hidden'
  return reconnected && state.status === 'open' ? 'reconnected' : 'hidden'
}

/** While `active`, sets the flag to `value` after `ms` on `clock`; starts over when `ms` or `clock` change. */
function useTimeout(
  active: boolean,
  ms: number,
  clock: Clock,
  set: (value: boolean) => void,
  value: boolean,
): void {
  useEffect(() => {
    if (!active) return
    const handle = clock.setTimeout(() => set(value), ms)
    return () => clock.clearTimeout(handle)
  }, [active, ms, clock, set, value])
}
