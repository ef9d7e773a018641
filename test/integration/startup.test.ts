import { afterEach, describe, expect, it } from 'vitest'
import { createHarness } from '../support/harness'
import { recordStates, waitForState, waitForStatus } from '../support/wait'

// The first connection when the server is not there yet: nothing listening, a server that
// refuses handshakes, and a path that swallows the handshake (connect timeout).

const h = createHarness()
afterEach(() => h.cleanup())

describe('starting while the server is unavailable', () => {
  it('nothing listening: connecting, then reconnecting with attempts, then open once the server starts', async () => {
    const server = await h.server()
    await server.stop()
    const connection = h.connection(server.url, {}, false)
    const states = recordStates(connection)
    connection.connect()

    const waiting = await waitForState(connection, (s) => s.status === 'reconnecting' && s.attempt >= 3)
    expect(waiting.lastClose).toMatchObject({ code: 1006, wasClean: false, openForMs: null })
    expect(waiting.nextRetryAt).not.toBeNull()

    await server.start()
    const open = await waitForStatus(connection, 'open')
    states.stop()
    expect(states.statuses()).toEqual(['idle', 'connecting', 'reconnecting', 'open'])
    // The counter is kept until the socket has stayed up for minUptime.
    expect(open.attempt).toBeGreaterThanOrEqual(3)
    expect(open.nextRetryAt).toBeNull()
    expect(server.totalConnections).toBe(1)
    const attempts = Math.max(...states.states.map(({ state }) => state.attempt))
    console.log(`[startup] open after ${attempts} failed attempt(s) against a stopped server`)
  })

  it('handshakes refused with 503: retries until the server accepts', async () => {
    const server = await h.server()
    server.refuse(true)
    const connection = h.connection(server.url)
    const waiting = await waitForState(connection, (s) => s.attempt >= 2)
    expect(waiting.status).toBe('reconnecting')
    expect(waiting.lastClose!.code).toBe(1006)
    expect(server.refusedHandshakes).toBeGreaterThanOrEqual(2)

    server.refuse(false)
    await waitForStatus(connection, 'open')
    expect(server.totalConnections).toBe(1)
  })

  it('a handshake that never completes is abandoned after connectTimeout and retried', async () => {
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port })
    proxy.silence()
    const startedAt = Date.now()
    const connection = h.connection(proxy.url(), { connectTimeout: 300 })

    const timedOut = await waitForState(connection, (s) => s.lastClose !== null)
    const waitedMs = timedOut.lastClose!.at - startedAt
    expect(timedOut.lastClose).toMatchObject({ initiator: 'timeout', openForMs: null })
    expect(timedOut.status).toBe('reconnecting')
    expect(timedOut.error?.message).toMatch(/timeout/i)
    expect(waitedMs).toBeGreaterThanOrEqual(295)
    expect(waitedMs).toBeLessThan(300 + 200)

    proxy.resume()
    await waitForStatus(connection, 'open')
  })
})
