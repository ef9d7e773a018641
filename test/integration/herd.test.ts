import { afterEach, describe, expect, it } from 'vitest'
import type { Connection } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { maxInWindow, waitForState, waitForStatus } from '../support/wait'

// A thundering herd: many clients lose the same server at once. With full jitter their
// retries spread over the backoff window instead of landing on the restarted server together.

const h = createHarness()
afterEach(() => h.cleanup())

const CLIENTS = 50
const WINDOW_MS = 100

function allOf(connections: Connection[], predicate: Parameters<typeof waitForState>[1], timeoutMs: number) {
  return Promise.all(connections.map((connection) => waitForState(connection, predicate, { timeoutMs })))
}

describe('a herd of clients after a server restart', () => {
  it(`${CLIENTS} clients with full jitter reconnect spread out, never all at once`, async () => {
    const server = await h.server()
    const connections = Array.from({ length: CLIENTS }, () =>
      h.connection(server.url, { retry: { initialDelay: 100, maxDelay: 1000, jitter: 'full' } }),
    )
    await Promise.all(connections.map((connection) => waitForStatus(connection, 'open')))
    await server.waitForConnections(CLIENTS)

    await server.stop()
    // The server stays down until every client's backoff cap has reached maxDelay
    // (attempt 5: min(1000, 100 * 2^4)), as it would during a restart that takes a while.
    await allOf(connections, (s) => s.attempt >= 5, 10000)

    const restartedAt = Date.now()
    await server.start()
    await allOf(connections, (s) => s.status === 'open', 10000)
    await server.waitForConnections(CLIENTS)

    const attempts = server.upgradeTimes.filter((time) => time >= restartedAt)
    const busiest = maxInWindow(attempts, WINDOW_MS)
    const spreadMs = Math.max(...attempts) - restartedAt
    console.log(
      `[herd] ${CLIENTS} clients: ${attempts.length} handshakes after the restart over ${spreadMs} ms; busiest ${WINDOW_MS} ms window: ${busiest}`,
    )
    expect(attempts).toHaveLength(CLIENTS)
    // Uniform draws put about 12 in the busiest window; 25 (half the herd) leaves room for a loaded CI machine.
    expect(busiest).toBeLessThanOrEqual(25)
    expect(server.connections).toBe(CLIENTS)
  })

  it('control: without jitter the same herd arrives in one burst', async () => {
    const server = await h.server()
    const connections = Array.from({ length: CLIENTS }, () =>
      h.connection(server.url, { retry: { initialDelay: 100, maxDelay: 1000, jitter: 'none' } }),
    )
    await Promise.all(connections.map((connection) => waitForStatus(connection, 'open')))

    await server.stop()
    await allOf(connections, (s) => s.attempt >= 5, 10000)
    const restartedAt = Date.now()
    await server.start()
    await allOf(connections, (s) => s.status === 'open', 10000)

    const busiest = maxInWindow(
      server.upgradeTimes.filter((time) => time >= restartedAt),
      WINDOW_MS,
    )
    console.log(`[herd] control, jitter none: busiest ${WINDOW_MS} ms window: ${busiest} of ${CLIENTS}`)
    // More than the jittered herd's bound above, even when a loaded machine smears the burst.
    expect(busiest).toBeGreaterThan(25)
  })
})
