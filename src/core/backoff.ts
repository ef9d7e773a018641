import type { CloseInfo, RetryOptions } from './types'

/** Retry options with every default filled in. */
export type ResolvedRetry = Required<RetryOptions>

export const DEFAULT_RETRY: ResolvedRetry = {
  initialDelay: 1000,
  maxDelay: 30000,
  factor: 2,
  jitter: 'full',
  maxAttempts: Number.POSITIVE_INFINITY,
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
  return Math.min(retry.maxDelay, exponential)
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
 * delay keeps a fleet of clients from piling back onto an overloaded server.
 */
export function retryDelayAfter(
  code: number,
  attempt: number,
  retry: ResolvedRetry,
  random: () => number,
): number {
  const delay = backoffDelay(attempt, retry, random)
  return code === 1013 ? Math.max(delay, retry.maxDelay / 2) : delay
}
