import type { Clock } from '../../src/core/types'

/** The platform's timers and time. */
const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * `base` (real timers by default, or a FakeClock), counted: `pending` is what was scheduled
 * through this clock and has neither fired nor been cleared, so a test can see who leaks timers.
 */
export function countingClock(base: Clock = REAL_CLOCK): Clock & {
  readonly pending: number
  readonly scheduled: number
} {
  const live = new Set<unknown>()
  let scheduled = 0
  return {
    now: () => base.now(),
    setTimeout(callback, ms) {
      scheduled += 1
      const handle = base.setTimeout(() => {
        live.delete(handle)
        callback()
      }, ms)
      live.add(handle)
      return handle
    },
    clearTimeout(handle) {
      live.delete(handle)
      base.clearTimeout(handle)
    },
    get pending() {
      return live.size
    },
    get scheduled() {
      return scheduled
    },
  }
}
