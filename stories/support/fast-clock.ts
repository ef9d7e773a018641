import type { Clock } from '../../src/core'

/** A `clock` option whose time runs faster than the page's, for stories about long periods. */
export interface FastClock extends Clock {
  /** Clock milliseconds per real millisecond, roughly (the clock steps, see `createFastClock`). */
  readonly speed: number
  /**
   * Starts the clock at the page's current time with no timers pending and returns `stop`.
   * Made for a story's `beforeEach`, which calls the returned function when the story goes.
   */
  run(): () => void
}

interface Pending {
  at: number
  order: number
  callback: () => void
}

/**
 * A clock that advances `tickMs * speed` ms every `tickMs` real ms, running the timers that fall
 * due in between in order, each at exactly its due time.
 *
 * Why steps and not `Date.now() * speed`: scaling real time also scales every delay in the page.
 * A timer that fires 5 ms late in a busy test browser would be 0.5 s late at 100x, and a story
 * about idle periods would measure its own timer lag. Here a late tick only pauses story time,
 * so a 60 s timer set on this clock is 60 s of clock time for whoever reads `now()`.
 */
export function createFastClock(speed: number, tickMs = 10): FastClock {
  const step = tickMs * speed
  const pending = new Map<number, Pending>()
  let now = Date.now()
  let order = 0
  let ticker: ReturnType<typeof setInterval> | undefined

  const nextDue = (until: number): [number, Pending] | undefined => {
    let best: [number, Pending] | undefined
    for (const entry of pending) {
      const timer = entry[1]
      if (timer.at > until) continue
      if (!best || timer.at < best[1].at || (timer.at === best[1].at && timer.order < best[1].order)) {
        best = entry
      }
    }
    return best
  }

  const advance = () => {
    const until = now + step
    // Callbacks may set new timers that are due before `until`; they run in this step too.
    for (let due = nextDue(until); due; due = nextDue(until)) {
      pending.delete(due[0])
      now = Math.max(now, due[1].at)
      try {
        due[1].callback()
      } catch (error) {
        // As the page's timers do: report it and go on with the others.
        queueMicrotask(() => {
          throw error
        })
      }
    }
    now = until
  }

  return {
    speed,
    now: () => now,
    setTimeout(callback, ms) {
      order += 1
      pending.set(order, { at: now + Math.max(0, ms), order, callback })
      return order
    },
    clearTimeout(handle) {
      pending.delete(handle as number)
    },
    run() {
      clearInterval(ticker)
      pending.clear()
      now = Date.now()
      const started = setInterval(advance, tickMs)
      ticker = started
      return () => {
        // A later run owns the clock now; stopping must not end it.
        if (ticker !== started) return
        clearInterval(started)
        ticker = undefined
        pending.clear()
      }
    },
  }
}
