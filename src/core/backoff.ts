import { MAX_TIMER_MS } from './timers'
import type { CloseInfo, RetryOptions } from './types'

/** Retry options with every default filled in. */
export type ResolvedRetry = Required<RetryOptions>

export const DEFAULT_RETRY: ResolvedRetry = {
  initialDelay: 1000,
  maxDelay: 30000,
  factor: 2,
  jitter: 'full',
  maxAttempts: Infinity,
  minUptime: 5000,
  shouldRetry: retryByCloseCode,
}

/** The default policy: retry exactly when the close code's table entry says so. */
export function retryByCloseCode(close: CloseInfo): boolean {
  return close.info.retry
}

/** The largest delay before attempt `attempt` (1, 2, ...): the exponential curve, capped. */
export function backoffCap(attempt: number, retry: ResolvedRetry): number {
  const exponential = retry.initialDelay * retry.factor ** Math.max(0, attempt - 1)
  // 0 * Infinity (initialDelay 0 after a thousand attempts) is NaN, which timers run at once.
  return Math.min(retry.maxDelay, MAX_TIMER_MS, exponential) || 0
}

/**
 * The delay before attempt `attempt`. Full jitter spreads a herd of clients over the whole
 * window so a restarted server is not hit by all of them at once; equal jitter keeps at
 * least half the cap for servers that need a guaranteed pause.
 */
export function backoffDelay(attempt: number, retry: ResolvedRetry, random: () => number): number {
  const cap = backoffCap(attempt, retry)
  switch (retry.jitter) {
    case 'none':
      return cap
    case 'equal':
      return cap / 2 + random() * (cap / 2)
    default:
      return random() * cap
  }
}

/**
 * 1013 (Try Again Later) is the server asking for room: waiting at least half the longest
 * delay keeps a fleet of clients from piling back onto an overloaded server. The floor has
 * its own jitter, up to maxDelay, or clients shed together would all return together.
 */
export function retryDelayAfter(
  code: number,
  attempt: number,
  retry: ResolvedRetry,
  random: () => number,
): number {
  const delay = backoffDelay(attempt, retry, random)
  const floor = Math.min(retry.maxDelay, MAX_TIMER_MS) / 2
  return code === 1013 ? Math.max(delay, floor + random() * floor) : delay
}

/** `random` as the user gave it, but a draw outside [0, 1) (NaN, 7, -1) counts as 0.5. */
export function safeRandom(random: () => number): () => number {
  return () => {
    const draw = random()
    return draw >= 0 && draw < 1 ? draw : 0.5
  }
}
