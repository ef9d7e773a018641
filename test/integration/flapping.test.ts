import { afterEach, describe, expect, it } from 'vitest'
import type { Connection } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { waitForState } from '../support/wait'

// A server that accepts and closes at once (a crash loop behind a healthy load balancer).
// Each open is too short to reset the attempt counter (minUptime), so the delays must keep
// growing instead of hammering the server after every brief open.

const h = createHarness()
afterEach(() => h.cleanup())

interface ScheduledRetry {
  attempt: number
  delayMs: number
  openForMs: number | null
}

/** Every retry the connection schedules, with its delay measured from the close it follows. */
function recordRetries(connection: Connection): ScheduledRetry[] {
  const retries: ScheduledRetry[] = []
  let lastRetryAt: number | null = null
  connection.subscribe(() => {
    const state = connection.getState()
    if (state.nextRetryAt === null || state.nextRetryAt === lastRetryAt || !state.lastClose) return
    lastRetryAt = state.nextRetryAt
    retries.push({
      attempt: state.attempt,
      delayMs: state.nextRetryAt - state.lastClose.at,
      openForMs: state.lastClose.openForMs,
    })
  })
  return retries
}

function handshakesWithin(times: readonly number[], windowMs: number): number {
  const first = times[0]!
  return times.filter((time) => time - first < windowMs).length
}

describe('a flapping server', () => {
  it('jitter none: delays double with each attempt and the counter is not reset by brief opens', async () => {
    const server = await h.server({ onConnection: (client) => client.close(1011, 'crash on start') })
    const connection = h.connection(server.url, {
      retry: { initialDelay: 50, maxDelay: 800, jitter: 'none' },
    })
    const retries = recordRetries(connection)

    await waitForState(connection, (s) => s.attempt >= 6 && s.nextRetryAt !== null, { timeoutMs: 8000 })
    const firstSix = retries.slice(0, 6)
    console.log(`[flapping] jitter none: ${JSON.stringify(firstSix.map((r) => [r.attempt, r.delayMs]))}`)
    expect(firstSix.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6])
    expect(firstSix.map((r) => r.delayMs)).toEqual([50, 100, 200, 400, 800, 800])
    // Every one of them did open, briefly.
    for (const retry of firstSix) expect(retry.openForMs).not.toBeNull()

    const inFirstSecond = handshakesWithin(server.connectionTimes, 1000)
    console.log(`[flapping] jitter none: ${inFirstSecond} handshakes in the first 1000 ms`)
    expect(inFirstSecond).toBeLessThanOrEqual(5)
  })

  it('equal jitter: each delay stays within [cap / 2, cap], so attempts per second stay bounded', async () => {
    const server = await h.server({ onConnection: (client) => client.close(1011, 'crash on start') })
    const connection = h.connection(server.url, {
      retry: { initialDelay: 50, maxDelay: 800, jitter: 'equal' },
    })
    const retries = recordRetries(connection)

    await waitForState(connection, (s) => s.attempt >= 6 && s.nextRetryAt !== null, { timeoutMs: 8000 })
    const caps = [50, 100, 200, 400, 800, 800]
    const firstSix = retries.slice(0, 6)
    console.log(
      `[flapping] equal jitter: ${JSON.stringify(firstSix.map((r) => [r.attempt, Math.round(r.delayMs)]))}`,
    )
    expect(firstSix.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6])
    firstSix.forEach((retry, index) => {
      expect(retry.delayMs).toBeGreaterThanOrEqual(caps[index]! / 2)
      expect(retry.delayMs).toBeLessThanOrEqual(caps[index]!)
    })

    // The lower bounds alone (25, 50, 100, 200, 400 ms) leave room for at most 6 in a second.
    const inFirstSecond = handshakesWithin(server.connectionTimes, 1000)
    console.log(`[flapping] equal jitter: ${inFirstSecond} handshakes in the first 1000 ms`)
    expect(inFirstSecond).toBeLessThanOrEqual(6)
  })

  it('full jitter (the default): the attempt counter still grows, no reset-and-hammer loop', async () => {
    const server = await h.server({ onConnection: (client) => client.close(1011, 'crash on start') })
    const connection = h.connection(server.url, { retry: { initialDelay: 50, maxDelay: 800 } })
    const retries = recordRetries(connection)

    await waitForState(connection, (s) => s.attempt >= 8, { timeoutMs: 10000 })
    expect(retries.map((r) => r.attempt).slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const caps = [50, 100, 200, 400, 800, 800, 800, 800]
    retries.slice(0, 8).forEach((retry, index) => {
      expect(retry.delayMs).toBeLessThanOrEqual(caps[index]!)
    })
    const elapsed = server.connectionTimes[server.connectionTimes.length - 1]! - server.connectionTimes[0]!
    console.log(
      `[flapping] full jitter: ${server.totalConnections} handshakes over ${elapsed} ms, delays ${JSON.stringify(
        retries.slice(0, 8).map((r) => Math.round(r.delayMs)),
      )}`,
    )
  })
})
