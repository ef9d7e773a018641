import { afterEach, describe, expect, it } from 'vitest'
import { createHarness } from '../support/harness'
import { waitForState, waitForStatus } from '../support/wait'

// The handshake against a real `ws` server: what it sends is first on every socket, before
// anything the app queued while the connection was down.

const h = createHarness()
afterEach(() => h.cleanup())

const RECONNECTS = 100

describe('handshake against a real server', () => {
  it(`goes before the queued messages on each of ${RECONNECTS} reconnects in a row`, async () => {
    const server = await h.server()
    server.onConnection((client) => {
      client.socket.on('message', (data) => {
        if (String(data).includes('"auth"')) client.send('{"type":"welcome"}')
      })
    })
    let handshakes = 0
    const connection = h.connection(server.url, {
      retry: { initialDelay: 5, maxDelay: 20, minUptime: 0 },
      handshake: async (session) => {
        handshakes += 1
        session.sendJson({ type: 'auth', attempt: session.attempt })
        await session.receive((data) => String(data).includes('welcome'), { timeout: 2000 })
      },
    })
    const delivered: unknown[] = []
    connection.onMessage((data) => delivered.push(data))
    await waitForStatus(connection, 'open')

    for (let round = 1; round <= RECONNECTS; round++) {
      const [client] = server.clients
      client!.close(1012, 'restart')
      await waitForState(connection, (s) => s.status === 'reconnecting')
      expect(connection.send(`queued ${round}`)).toBe('queued')
      await server.waitForTotalConnections(round + 1)
      await waitForState(connection, (s) => s.status === 'open' && s.queued === 0)
    }
    await server.waitForMessage((m) => m.data === `queued ${RECONNECTS}`)

    // Every socket after the first: the auth message is the first frame, the queued one after it.
    const framesByClient = new Map<number, string[]>()
    for (const message of server.received) {
      framesByClient.set(message.client.id, [...(framesByClient.get(message.client.id) ?? []), message.data])
    }
    const orderOk = [...framesByClient.values()]
      .slice(1)
      .filter((frames) => frames[0]?.includes('"auth"') && frames[1]?.startsWith('queued'))
    expect(orderOk).toHaveLength(RECONNECTS)
    expect(handshakes).toBe(RECONNECTS + 1)
    // The welcome replies were the handshake's, never the app's.
    expect(delivered).toEqual([])
    console.info(`handshake order: ${orderOk.length}/${RECONNECTS} reconnects had the handshake first`)
  })

  it('a handshake the server rejects is retried with backoff and its error is in state', async () => {
    const server = await h.server()
    server.onConnection((client) => {
      client.socket.on('message', (data) => {
        const token = JSON.parse(String(data)).token
        client.send(token === 'good' ? '{"ok":true}' : '{"ok":false}')
      })
    })
    const tokens = ['stale', 'stale', 'good']
    const connection = h.connection(server.url, {
      retry: { initialDelay: 20, maxDelay: 100, jitter: 'none' },
      handshake: async (session) => {
        session.sendJson({ token: tokens.shift() })
        // receive() resolves with the parsed JSON.
        const reply = await session.receive<{ ok: boolean }>()
        if (!reply.ok) throw new Error('auth refused')
      },
    })
    const failed = await waitForState(connection, (s) => s.error?.message === 'auth refused')
    expect(failed).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(failed.lastClose).toMatchObject({ code: 1006, initiator: 'client' })
    expect(failed.lastClose?.reason).toBe('handshake failed: auth refused')
    await waitForStatus(connection, 'open')
    expect(server.totalConnections).toBe(3)
    const disconnect = server.disconnects[0]
    expect(disconnect?.reason).toBe('handshake failed')
  })
})
