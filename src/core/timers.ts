import type { Clock } from './types'

/** The longest delay timers keep: Node and browsers fire anything longer after 1 ms. */
export const MAX_TIMER_MS = 2147483647

/** Named one-shot timers on the injected clock; starting a name again replaces its timer. */
export class Timers<Name> {
  readonly #handles = new Map<Name, unknown>()

  /** `clock` is read at each call, because a connection's options may be replaced before it starts. */
  constructor(private readonly clock: () => Clock) {}

  start(name: Name, ms: number, fire: () => void): void {
    this.cancel(name)
    const handle = this.clock().setTimeout(
      () => {
        this.#handles.delete(name)
        fire()
      },
      Math.min(ms, MAX_TIMER_MS),
    )
    this.#handles.set(name, handle)
  }

  cancel(name: Name): void {
    const handle = this.#handles.get(name)
    // Only a running timer is cleared: a custom clock need not accept what it never handed out.
    if (this.#handles.delete(name)) this.clock().clearTimeout(handle)
  }
}
