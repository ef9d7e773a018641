import type { Clock } from '../../src/core/types'

interface Timer {
  id: number
  at: number
  callback: () => void
}

/** A clock whose time moves only when a test says so; timers fire in time order. */
export class FakeClock implements Clock {
  private time: number
  private nextId = 1
  private timers: Timer[] = []

  constructor(start = 1_000_000) {
    this.time = start
  }

  now = (): number => this.time

  setTimeout = (callback: () => void, ms: number): unknown => {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback }
    this.timers.push(timer)
    return timer.id
  }

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((timer) => timer.id !== handle)
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.timers.length
  }

  /** Moves time forward, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) break
      this.timers = this.timers.filter((timer) => timer !== due)
      this.time = due.at
      due.callback()
    }
    this.time = end
  }

  /** Fires the next timer, whenever it is due; returns false when none is scheduled. */
  next(): boolean {
    const due = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0]
    if (!due) return false
    this.advance(due.at - this.time)
    return true
  }
}
