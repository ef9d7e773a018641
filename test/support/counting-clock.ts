import type { Clock } from '../../src/core/types'

/** Real timers, counted: what is scheduled and not yet fired or cleared. */
export function countingClock(): Clock & { readonly pending: number; readonly scheduled: number } {
  const live = new Set<ReturnType<typeof setTimeout>>()
  let scheduled = 0
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      scheduled += 1
      const handle = setTimeout(() => {
        live.delete(handle)
        callback()
      }, ms)
      live.add(handle)
      return handle
    },
    clearTimeout(handle) {
      live.delete(handle as ReturnType<typeof setTimeout>)
      clearTimeout(handle as ReturnType<typeof setTimeout>)
    },
    get pending() {
      return live.size
    },
    get scheduled() {
      return scheduled
    },
  }
}
