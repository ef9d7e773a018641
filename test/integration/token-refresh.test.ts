import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { backoffCap, DEFAULT_RETRY } from '../../src/core/backoff'
import { createHarness } from '../support/harness'
import { recordStates, waitForState, waitForStatus } from '../support/wait'

// Auth that survives token expiry: the URL comes from a function (a fresh token per attempt),
// a stale token gets close code 4401, and an upgrade refused with HTTP 401 backs off.

const h = createHarness()
const servers: Server[] = []
afterEach(async () => {
  await h.cleanup()
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

const TOKEN_EXPIRED = { 4401: { name: 'Token Expired', retry: true, retryImmediately: true } }

describe('token refresh', () => {
  it('a 4401 close comes back at once with a fresh token, without waiting for a retry', async () => {
    const server = await h.server()
    let issued = 0
    const connection = h.connection(
      async () => {
        issued += 1
        return server.urlFor(`/live?token=t${issued}`)
      },
      // A long backoff: only an immediate retry reconnects within the wait below.
      { closeCodes: TOKEN_EXPIRED, retry: { initialDelay: 10_000, maxDelay: 10_000 } },
    )
    const first = await server.waitForConnection()
    await waitForStatus(connection, 'open')
    const states = recordStates(connection)

    first.close(4401, 'token expired')
    const second = await server.waitForConnection({ timeoutMs: 2000 })
    await waitForStatus(connection, 'open')
    expect(second.request.url).toBe('/live?token=t2')
    expect(states.statuses()).toEqual(['open', 'reconnecting', 'open'])
    // Never a scheduled retry: the reconnect started as the close arrived.
    expect(states.states.every(({ state }) => state.nextRetryAt === null)).toBe(true)
    console.info(
      `4401 to the next upgrade: ${second.connectedAt - (server.disconnects[0]?.at ?? 0)} ms (wall clock)`,
    )
    states.stop()
  })

  it('an upgrade refused with HTTP 401 backs off and asks the url function again each time', async () => {
    // A server that refuses the upgrade with 401 until the token service issues token 4.
    const wss = new WebSocketServer({ noServer: true })
    const http = createServer()
    servers.push(http)
    const upgrades: string[] = []
    http.on('upgrade', (request, socket, head) => {
      upgrades.push(request.url ?? '')
      if (request.url === '/live?token=t4') {
        wss.handleUpgrade(request, socket, head, () => {})
        return
      }
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const port = (http.address() as AddressInfo).port
    let issued = 0
    const retry = { initialDelay: 20, maxDelay: 1000, jitter: 'none' as const }
    const connection = h.connection(
      () => {
        issued += 1
        return `ws://127.0.0.1:${port}/live?token=t${issued}`
      },
      { closeCodes: TOKEN_EXPIRED, retry },
    )
    const delays: number[] = []
    const stop = connection.subscribe(() => {
      const { nextRetryAt, lastClose } = connection.getState()
      if (nextRetryAt !== null && lastClose) delays.push(nextRetryAt - lastClose.at)
    })
    const refused = await waitForState(connection, (s) => s.attempt === 3 && s.nextRetryAt !== null)
    // A browser sees 1006 with no detail; the policy retries it with the usual backoff.
    expect(refused.lastClose).toMatchObject({ code: 1006, openForMs: null })
    await waitForStatus(connection, 'open')
    stop()
    const resolved = { ...DEFAULT_RETRY, ...retry }
    expect(delays).toEqual([1, 2, 3].map((attempt) => backoffCap(attempt, resolved)))
    expect(upgrades).toEqual(['/live?token=t1', '/live?token=t2', '/live?token=t3', '/live?token=t4'])
    wss.close()
  })
})
