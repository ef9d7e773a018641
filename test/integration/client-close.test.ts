import { afterEach, describe, expect, it } from 'vitest'
import { createHarness } from '../support/harness'
import { recordStates, waitForStatus } from '../support/wait'

// Closes the application asks for: close() and reconnect() against a real server, and a
// close() on a path that has gone silent, where the close handshake can never finish.

const h = createHarness()
afterEach(() => h.cleanup())

describe('closing from the client', () => {
  it('close(code, reason) reaches the server, ends in closed and is not retried', async () => {
    const server = await h.server()
    const connection = h.connection(server.url)
    const client = await server.waitForConnection()
    await waitForStatus(connection, 'open')

    connection.close(4000, 'leaving the room')
    const disconnect = await client.closed
    expect(disconnect).toMatchObject({ code: 4000, reason: 'leaving the room' })
    const closed = await waitForStatus(connection, 'closed')
    expect(closed.nextRetryAt).toBeNull()
    expect(closed.lastClose).toMatchObject({ code: 4000, reason: 'leaving the room', initiator: 'client' })

    // connect() after a close starts again from attempt 0.
    connection.connect()
    await server.waitForConnection()
    const again = await waitForStatus(connection, 'open')
    expect(again.attempt).toBe(0)
  })

  it('reconnect() drops the socket and opens a new one at once', async () => {
    const server = await h.server()
    const connection = h.connection(server.url)
    const first = await server.waitForConnection()
    await waitForStatus(connection, 'open')

    connection.reconnect()
    const second = await server.waitForConnection()
    expect((await first.closed).code).toBe(1000)
    await waitForStatus(connection, 'open')
    expect(second.id).toBe(2)
    expect(server.connections).toBe(1)
  })

  it('close() on a half-open path still ends in closed, after the closing timeout', async () => {
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port })
    const connection = h.connection(proxy.url(), { connectTimeout: 300 })
    await waitForStatus(connection, 'open')
    const states = recordStates(connection)

    proxy.silence()
    const closeCalledAt = Date.now()
    connection.close()
    expect(connection.getState().status).toBe('closing')
    const closed = await waitForStatus(connection, 'closed')
    const tookMs = Date.now() - closeCalledAt
    console.log(`[client-close] close() on a silent path settled as closed after ${tookMs} ms`)
    states.stop()
    expect(states.statuses()).toEqual(['open', 'closing', 'closed'])
    expect(closed.lastClose).toMatchObject({ initiator: 'client', wasClean: false })
    expect(tookMs).toBeLessThan(2000)
  })
})
