import { describe, expect, it } from 'vitest'
import { backoffCap, backoffDelay, DEFAULT_RETRY, retryDelayAfter } from '../../src/core/backoff'

const retry = { ...DEFAULT_RETRY, initialDelay: 1000, maxDelay: 30000, factor: 2 }

describe('backoff', () => {
  it('grows the cap exponentially from initialDelay and stops at maxDelay', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffCap(n, retry))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ])
  })

  it('draws full jitter uniformly in [0, cap]', () => {
    const full = { ...retry, jitter: 'full' as const }
    expect(backoffDelay(3, full, () => 0)).toBe(0)
    expect(backoffDelay(3, full, () => 0.5)).toBe(2000)
    expect(backoffDelay(3, full, () => 0.999)).toBeCloseTo(3996)
  })

  it('draws equal jitter in [cap/2, cap]', () => {
    const equal = { ...retry, jitter: 'equal' as const }
    expect(backoffDelay(3, equal, () => 0)).toBe(2000)
    expect(backoffDelay(3, equal, () => 1)).toBe(4000)
  })

  it('uses the cap itself without jitter', () => {
    expect(backoffDelay(4, { ...retry, jitter: 'none' }, () => 0.1)).toBe(8000)
  })

  it('waits at least maxDelay / 2 after 1013 Try Again Later', () => {
    expect(retryDelayAfter(1013, 1, retry, () => 0)).toBe(15000)
    expect(retryDelayAfter(1006, 1, retry, () => 0)).toBe(0)
    expect(retryDelayAfter(1013, 9, { ...retry, jitter: 'none' }, () => 0)).toBe(30000)
  })

  it('keeps every full-jitter draw inside its window', () => {
    let seed = 7
    const random = () => {
      seed = (seed * 16807) % 2147483647
      return seed / 2147483647
    }
    for (let attempt = 1; attempt <= 12; attempt++) {
      const delay = backoffDelay(attempt, retry, random)
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(backoffCap(attempt, retry))
    }
  })
})
