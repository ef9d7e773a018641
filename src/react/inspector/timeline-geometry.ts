import type { CloseInfo } from '../../core/types'

/** A stretch of time on the timeline, in clock time. */
export interface Period {
  from: number
  to: number
}

// Windows the timeline snaps to, so its scale reads as "the last 5 min", not "the last 283 s".
const WINDOWS_MS = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  3_600_000,
  6 * 3_600_000,
  24 * 3_600_000,
  7 * 24 * 3_600_000,
]

/** The smallest window that shows everything the history holds, up to a week. */
export function windowFor(history: readonly CloseInfo[], now: number): number {
  const oldest = history.reduce((min, close) => Math.min(min, close.at - (close.openForMs ?? 0)), now)
  const needed = now - oldest
  return WINDOWS_MS.find((ms) => ms >= needed) ?? WINDOWS_MS[WINDOWS_MS.length - 1]!
}

/** When the connection was open: each recorded socket's life, and the current one if open. */
export function openPeriods(history: readonly CloseInfo[], openSince: number | null, now: number): Period[] {
  const periods = history.flatMap((close) =>
    close.openForMs === null ? [] : [{ from: close.at - close.openForMs, to: close.at }],
  )
  if (openSince !== null) periods.push({ from: openSince, to: now })
  return periods
}

/** Maps clock time to x in a viewBox `width` wide, for the window ending at `now`. */
export function scale(now: number, windowMs: number, width: number): (at: number) => number {
  const start = now - windowMs
  return (at) => Math.min(width, Math.max(0, ((at - start) / windowMs) * width))
}
