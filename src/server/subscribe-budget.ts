/**
 * A token bucket per socket for subscribe frames. A reconnecting client resubscribes every
 * topic it holds at once, so the bucket holds a whole socket's worth (`burst`); a client that
 * keeps churning subscriptions beyond `perSecond` is refused with `rate-limited`.
 */
export class SubscribeBudget {
  private tokens: number
  private refilledAt: number

  constructor(
    /** Subscribes a socket may make at once. */
    readonly burst: number,
    /** Subscribes per second after the burst. */
    readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst
    this.refilledAt = now
  }

  /** Takes one token; false when the socket is over its budget. */
  take(now: number): boolean {
    const elapsedMs = Math.max(0, now - this.refilledAt)
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.perSecond) / 1000)
    this.refilledAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
