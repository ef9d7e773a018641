import type { Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import type { Connection, WebSocketConstructor } from '../../src/core/types'
import { createHarness } from '../support/harness'
import {
  accept,
  closeFrame,
  type RawUpgradeServer,
  refuseWith,
  startRawUpgradeServer,
} from '../support/raw-upgrade-server'
import { maxInWindow, waitForState, waitForStatus } from '../support/wait'

// Issue 10, a hostile review of the core, against real sockets on 127.0.0.1: each test failed
// on 0.1. The fake-socket versions of the same cases are in test/core/hardening.test.ts.

const h = createHarness()
const raws: RawUpgradeServer[] = []
afterEach(async () => {
  vi.unstubAllGlobals()
  await h.cleanup()
  await Promise.all(raws.splice(0).map((raw) => raw.close()))
})

async function rawServer(): Promise<RawUpgradeServer> {
  const raw = await startRawUpgradeServer()
  raws.push(raw)
  return raw
}

/** Lets real time pass where the point is that nothing happens in it. */
const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('durations above the timer limit (2^31 - 1 ms), with real timers', () => {
  it('retry delays of 2^31 ms wait, instead of retrying every millisecond', async () => {
    const server = await h.server()
    await server.stop()
    // Full jitter draws below 2^31; without jitter every delay is 2^31.
    const connection = h.connection(server.url, {
      retry: { initialDelay: 2 ** 31, maxDelay: 2 ** 31, jitter: 'none' },
    })
    await waitForStatus(connection, 'reconnecting')
    await quietFor(250)
    // 0.1: about 600 attempts a second.
    expect(connection.getStats().attempts).toBe(1)
    expect(connection.getState().nextRetryAt).toBeGreaterThan(Date.now())
  })

  it('lingerMs: 2^31 keeps the socket after release, instead of closing it at once', async () => {
    const server = await h.server()
    const connection = h.connection(server.url, { lingerMs: 2 ** 31 }, false)
    const release = connection.retain()
    await waitForStatus(connection, 'open')
    release()
    await quietFor(250)
    expect(connection.getState().status).toBe('open')
    expect(server.connections).toBe(1)
  })

  it('connectTimeout: 2^31 lets the attempt finish, instead of abandoning it after 1 ms', async () => {
    const server = await h.server()
    const connection = h.connection(server.url, { connectTimeout: 2 ** 31 })
    await waitForStatus(connection, 'open', { timeoutMs: 2000 })
    expect(connection.getHistory()).toEqual([])
  })
})

describe('1013 Try Again Later shed by a real server', () => {
  it('100 clients schedule their return over [maxDelay / 2, maxDelay], not at one instant', async () => {
    const clients = 100
    const server = await h.server()
    const connections = Array.from({ length: clients }, () =>
      h.connection(server.url, { retry: { initialDelay: 50, maxDelay: 2000 } }),
    )
    await server.waitForConnections(clients, { timeoutMs: 15000 })
    // The wait each client schedules after the 1013 (first one only): free of the machine's load.
    const waits: number[] = []
    for (const connection of connections) {
      const stop = connection.subscribe(() => {
        const { nextRetryAt, lastClose } = connection.getState()
        if (nextRetryAt === null || lastClose?.code !== 1013) return
        waits.push(nextRetryAt - lastClose.at)
        stop()
      })
    }
    const shedAt = Date.now()
    await server.closeAll(1013, 'overloaded')
    await server.waitUntil(() => server.connections === clients, { timeoutMs: 15000 })
    const returns = server.upgradeTimes.filter((time) => time >= shedAt)
    console.log(
      `[hardening] 100 clients after 1013 (maxDelay 2000): waits ${Math.round(Math.min(...waits))}..${Math.round(Math.max(...waits))} ms, busiest 100 ms window of waits ${maxInWindow(waits, 100)}; handshakes seen by the server: busiest 100 ms window ${maxInWindow(returns, 100)}`,
    )
    expect(waits).toHaveLength(clients)
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000)
    expect(Math.max(...waits)).toBeLessThanOrEqual(2000)
    // Uniform draws over 1 s put about 10 in a 100 ms window; 0.1 scheduled all 100 at 1000 ms.
    expect(maxInWindow(waits, 100)).toBeLessThanOrEqual(30)
  })
})

describe('a state listener that sends while connecting, against a real server', () => {
  it('is never re-entered: no stack overflow, two messages dropped, the queue arrives once', async () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const server = await h.server()
    const connection = h.connection(server.url, {}, false)
    let depth = 0
    let deepest = 0
    connection.subscribe(() => {
      depth += 1
      deepest = Math.max(deepest, depth)
      if (connection.getState().status === 'connecting') connection.send('hello')
      depth -= 1
    })
    connection.connect()
    await waitForStatus(connection, 'open')
    await server.waitForMessages(100, (message) => message.data === 'hello')
    expect(deepest).toBe(1)
    expect(reportError).not.toHaveBeenCalled()
    // 0.1: a RangeError (stack overflow) and about 1,640 dropped.
    expect(connection.getStats().messagesDropped).toBe(2)
    expect(connection.getState()).toMatchObject({ status: 'open', queued: 0 })
  })
})

describe('the heartbeat after a blocked event loop', () => {
  it('does not kill a healthy connection whose pong was on its way while the loop was busy', async () => {
    const blockMs = 400
    let blocks = 3
    // A synchronous task right after each ping. The server shares this process, so it reads the
    // ping and writes the pong in the first I/O phase after the task; the client reads that pong
    // one loop turn later, after the timers phase in which its overdue pong timer fires.
    class BusyAfterPing extends WebSocket {
      override send(data: unknown, ...rest: unknown[]): void {
        ;(super.send as (...args: unknown[]) => void)(data, ...rest)
        if (blocks > 0 && String(data).includes('ping')) {
          blocks -= 1
          queueMicrotask(() => {
            const end = Date.now() + blockMs
            while (Date.now() < end) {
              // the app's long task
            }
          })
        }
      }
    }
    const server = await h.server()
    const connection = h.connection(server.url, {
      heartbeat: { interval: 200, timeout: 100 },
      WebSocket: BusyAfterPing as unknown as WebSocketConstructor,
    })
    await waitForStatus(connection, 'open')
    await server.waitForPings(4)
    // 0.1: "heartbeat timeout" after each blocked ping.
    expect(connection.getHistory()).toEqual([])
    expect(connection.getState().status).toBe('open')
    expect(server.totalConnections).toBe(1)
  })
})

describe('HTTP status of a refused upgrade (Node ws says it; browsers report 1006 only)', () => {
  it('401 on a fixed URL: failed, status in state.error and lastClose, no hammering', async () => {
    const raw = await rawServer()
    raw.answer(refuseWith(401))
    const connection = h.connection(raw.url)
    const state = await waitForStatus(connection, 'failed')
    expect(state.error?.message).toBe('Unexpected server response: 401')
    expect(state.lastClose).toMatchObject({ code: 1006, httpStatus: 401 })
    expect(raw.requests).toHaveLength(1)
  })

  it('403 with a URL function: retried, and the fresh token of the next call gets in', async () => {
    const raw = await rawServer()
    raw.answer((request, socket) => {
      if (request.url?.includes('token=1')) refuseWith(403)(request, socket)
      else accept(request, socket)
    })
    let calls = 0
    const connection = h.connection(() => raw.urlFor(`/live?token=${++calls}`))
    await waitForStatus(connection, 'open')
    expect(calls).toBe(2)
    expect(connection.getHistory()[0]).toMatchObject({ code: 1006, httpStatus: 403 })
  })

  it.each([
    404, 500, 503,
  ])('%i backs off and retries, and the retry policy sees the status', async (status) => {
    const raw = await rawServer()
    raw.answer(refuseWith(status))
    const seen: (number | undefined)[] = []
    const connection = h.connection(raw.url, {
      retry: {
        shouldRetry: (close) => {
          seen.push(close.httpStatus)
          return true
        },
      },
    })
    const state = await waitForState(connection, (s) => s.attempt >= 2)
    expect(state.status).toBe('reconnecting')
    expect(state.error?.message).toBe(`Unexpected server response: ${status}`)
    expect(seen.slice(0, 2)).toEqual([status, status])
  })
})

describe('a server that selects no subprotocol', () => {
  it('names the subprotocol asked for in state.error', async () => {
    const raw = await rawServer()
    raw.answer((request, socket) => accept(request, socket, null))
    const connection = h.connection(raw.url, { protocols: ['chat.v2'] })
    const state = await waitForState(connection, (s) => s.error !== null)
    expect(state.error?.message).toBe('Server sent no subprotocol (asked for chat.v2)')
    expect(state.lastClose?.code).toBe(1006)
  })
})

describe('a close frame with no TCP close', () => {
  it('shows closing as soon as a send meets the closing socket, then follows the close code', async () => {
    const raw = await rawServer()
    let held: Socket | null = null
    let replied = false
    raw.answer((request, socket) => {
      accept(request, socket)
      socket.write(closeFrame(1001))
      held = socket
      // The client's close frame in answer: it has read ours and is CLOSING now.
      socket.on('data', () => {
        replied = true
      })
    })
    const connection: Connection = h.connection(raw.url)
    await waitForStatus(connection, 'open')
    await vi.waitFor(() => expect(replied).toBe(true))
    expect(connection.send('while closing')).toBe('queued')
    // 0.1: status 'open' for ws's 30 s close timeout.
    await waitForStatus(connection, 'closing', { timeoutMs: 1000 })
    ;(held as Socket | null)?.destroy()
    const lost = await waitForStatus(connection, 'reconnecting')
    expect(lost.lastClose?.code).toBe(1001)
    expect(lost.queued).toBe(1)
  })
})

describe('messages after close()', () => {
  it('none are delivered once the app closed, not even ones from the same read', async () => {
    const server = await h.server()
    server.onConnection((client) => {
      for (let i = 1; i <= 5; i++) client.send(`m${i}`)
    })
    const connection = h.connection(server.url)
    const received: unknown[] = []
    connection.onMessage((data) => {
      received.push(data)
      connection.close()
    })
    await waitForStatus(connection, 'closed')
    // 0.1: m1 to m5.
    expect(received).toEqual(['m1'])
  })
})
