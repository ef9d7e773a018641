import { afterEach, describe, expect, it } from 'vitest'
import { createHarness } from '../support/harness'
import { waitForState, waitForStatus } from '../support/wait'

// Connections that end with no close frame at all: the server process dies, or something on
// the path (a NAT, a proxy) forgets the connection. The browser reports 1006 for both.

const h = createHarness()
afterEach(() => h.cleanup())

describe('a TCP drop with no close frame', () => {
  it('server socket destroyed: 1006 Abnormal Closure, not clean, then reconnects', async () => {
    const server = await h.server()
    const connection = h.connection(server.url)
    await server.waitForConnection()
    const opened = await waitForStatus(connection, 'open')

    await server.destroyAll()
    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.status).toBe('reconnecting')
    expect(lost.attempt).toBe(1)
    expect(lost.lastClose).toMatchObject({
      code: 1006,
      wasClean: false,
      info: { code: 1006, name: 'Abnormal Closure', retry: true },
    })
    expect(['server', 'network']).toContain(lost.lastClose!.initiator)
    expect(lost.lastClose!.openForMs).toBeGreaterThanOrEqual(0)
    expect(lost.lastClose!.at).toBeGreaterThanOrEqual(opened.lastOpenAt!)

    await server.waitForConnection()
    const back = await waitForStatus(connection, 'open')
    expect(back.lastClose!.code).toBe(1006)
  })

  it('the path forgets the connection (proxy reset): 1006, then reconnects through the proxy', async () => {
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port })
    const connection = h.connection(proxy.url('/feed'))
    await server.waitForConnection()
    await waitForStatus(connection, 'open')

    proxy.cutAll()
    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.status).toBe('reconnecting')
    expect(lost.lastClose).toMatchObject({ code: 1006, wasClean: false, info: { name: 'Abnormal Closure' } })

    const again = await server.waitForConnection()
    expect(again.request.url).toBe('/feed')
    await waitForStatus(connection, 'open')
    expect(proxy.totalConnections).toBe(2)
  })

  it('a server that stops with 1001 on the way down and comes back', async () => {
    const server = await h.server()
    const connection = h.connection(server.url)
    await waitForStatus(connection, 'open')

    await server.stop({ code: 1001, reason: 'deploy' })
    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.lastClose).toMatchObject({ code: 1001, reason: 'deploy', wasClean: true })
    // Attempts against a port with nothing listening fail and keep the connection retrying.
    await waitForState(connection, (s) => s.attempt >= 2)
    expect(connection.getState().status).toBe('reconnecting')

    await server.start()
    await waitForStatus(connection, 'open')
    expect(server.totalConnections).toBe(2)
  })
})
