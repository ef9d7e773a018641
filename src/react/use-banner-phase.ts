import { useEffect, useState } from 'react'
import type { Clock, ConnectionState } from '../core/types'
import type { BannerPhase } from './banner-messages'

type ProblemPhase = Exclude<BannerPhase, 'hidden' | 'reconnected'>

/** Which trouble the state is in, or null while all is well (or closed on purpose). */
export function problemOf(state: ConnectionState): ProblemPhase | null {
  switch (state.status) {
    case 'connecting':
    case 'reconnecting':
    case 'offline':
    case 'failed':
      return state.status
    case 'closed':
      // The app's own close() is no news to the person using it; a server's close is.
      return state.lastClose && state.lastClose.initiator !== 'client' ? 'closed' : null
    default:
      return null
  }
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

  const waiting = problem !== null && !shown
  useEffect(() => {
    if (!waiting) return
    const handle = clock.setTimeout(() => setShown(true), showAfterMs)
    return () => clock.clearTimeout(handle)
  }, [waiting, showAfterMs, clock])

  useEffect(() => {
    if (!reconnected) return
    const handle = clock.setTimeout(() => setReconnected(false), reconnectedMs)
    return () => clock.clearTimeout(handle)
  }, [reconnected, reconnectedMs, clock])

  if (problem) return shown ? problem : 'hidden'
  return reconnected && state.status === 'open' ? 'reconnected' : 'hidden'
}
