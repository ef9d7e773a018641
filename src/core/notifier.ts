import { callSafely, reportListenerError } from './dev'
import { errorCode } from './errors'

/**
 * Tells state listeners about new snapshots, one round at a time. A listener that changes the
 * state (a `send()` or `connect()` from inside it) is never re-entered: the change is delivered
 * in a round after the current one, and every listener then reads the final state.
 */
export class Notifier<T> {
  #notified: T
  #running = false
  #again = false
  #scheduled = false

  readonly #read: () => T
  readonly #listeners: ReadonlySet<() => void>

  constructor(read: () => T, listeners: ReadonlySet<() => void>) {
    this.#read = read
    this.#listeners = listeners
    this.#notified = read()
  }

  /** Delivers the current snapshot now, or after the round in progress. */
  now(): void {
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    try {
      for (let round = 0; this.#read() !== this.#notified; round++) {
        if (round === 100) {
          // Listeners that change the state on every call would otherwise never stop.
          this.#notified = this.#read()
          reportListenerError(
            new Error(
              (() => {
                try {
                  if (process.env.NODE_ENV !== 'production')
                    return 'react-lifeline: state listeners kept changing the state'
                } catch {}
                return errorCode(49)
              })(),
            ),
          )
          return
        }
        this.#again = false
        this.#notified = this.#read()
        for (const listener of [...this.#listeners]) callSafely(listener)
        if (!this.#again) break
      }
    } finally {
      this.#running = false
    }
    // Stryker disable next-line ConditionalExpression: a safety net; every state change during a round also calls now() (again) or later().
    if (this.#read() !== this.#notified) this.later()
  }

  /**
   * Delivers in a microtask, once for every change made until then: a loop of 10,000 sends
   * costs one notification, while `getState()` is already up to date after each.
   */
  later(): void {
    // Stryker disable next-line ConditionalExpression: a second microtask finds nothing new and notifies no one; only the cost grows.
    if (this.#scheduled) return
    // Stryker disable next-line BooleanLiteral: as above, extra microtasks find nothing new.
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      this.now()
    })
  }
}
