import { afterEach, describe, expect, it } from 'vitest'
import { createHarness } from '../support/harness'
import { recordStates, waitForState, waitForStatus } from '../support/wait'

// The heartbeat against real sockets: a path that goes silent while both ends stay open
// (half-open), and a proxy that closes connections idle for too long.

const h = createHarness()
afterEach(() => h.cleanup())

describe('heartbeat', () => {
  it('pings, measures latency and keeps pongs away from message listeners', async () => {
    const server = await h.server()
    const connection = h.connection(server.url, { heartbeat: { interval: 100, timeout: 200 } })
    const messages: unknown[] = []
    connection.onMessage((data) => messages.push(data))
    await waitForStatus(connection, 'open')

    await server.waitForPings(2)
    const state = await waitForState(connection, (s) => s.latency !== null, { description: 'a latency' })
    expect(state.latency).toBeGreaterThanOrEqual(0)
    expect(state.latency).toBeLessThan(200)
    server.clients[0]!.send('hello')
    await waitForState(connection, () => messages.length > 0, { description: 'a message' })
    expect(messages).toEqual(['hello'])
  })

  it('declares a half-open connection dead within interval + timeout, then recovers', async () => {
    const interval = 200
    const timeout = 200
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port })
    const connection = h.connection(proxy.url(), { heartbeat: { interval, timeout } })
    await waitForStatus(connection, 'open')
    // One full round trip, so the heartbeat is known to work through the proxy.
    await waitForState(connection, (s) => s.latency !== null)
    const states = recordStates(connection)

    const silencedAt = Date.now()
    proxy.silence()
    const dead = await waitForState(connection, (s) => s.lastClose?.initiator === 'heartbeat', {
      description: 'the heartbeat to declare the connection dead',
    })
    const detectionMs = dead.lastClose!.at - silencedAt
    console.log(
      `[heartbeat] half-open connection detected after ${detectionMs} ms (interval ${interval}, timeout ${timeout}, bound ${interval + timeout})`,
    )
    // The status moves on at once, without waiting for a close handshake that cannot finish.
    expect(dead.status).toBe('reconnecting')
    expect(detectionMs).toBeLessThanOrEqual(interval + timeout + 100)
    expect(dead.lastClose).toMatchObject({ code: 1006, wasClean: false, initiator: 'heartbeat' })
    // A few ms of slack: Node's timers run on the event loop's cached clock, Date.now() does not.
    expect(dead.lastClose!.idleForMs).toBeGreaterThanOrEqual(timeout - 5)
    expect(server.connections).toBe(1) // the server has not noticed anything

    proxy.resume()
    const back = await waitForState(
      connection,
      (s) => s.status === 'open' && s.lastOpenAt! > dead.lastClose!.at,
      {
        description: 'a fresh open after resume',
      },
    )
    states.stop()
    const statuses = states.statuses()
    expect(statuses[0]).toBe('open')
    expect(statuses).toContain('reconnecting')
    expect(statuses[statuses.length - 1]).toBe('open')
    // Nothing claimed to be open while the path was silent.
    const opensWhileSilent = states.states.filter(
      ({ state }) =>
        state.status === 'open' && state.lastOpenAt! > silencedAt && state.lastOpenAt! < back.lastOpenAt!,
    )
    expect(opensWhileSilent).toHaveLength(0)
    console.log(
      `[heartbeat] open again ${back.lastOpenAt! - dead.lastClose!.at} ms after detection (resumed at once); closes: ${connection
        .getHistory()
        .map((close) => close.initiator)
        .join(', ')}`,
    )
  })

  it('a path that goes silent while a ping is out is declared dead after about the timeout', async () => {
    const interval = 200
    const timeout = 200
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port })
    const connection = h.connection(proxy.url(), { heartbeat: { interval, timeout } })
    await waitForStatus(connection, 'open')

    // The server has the ping and has written its pong; the proxy holds that pong back.
    await server.waitForPings(1)
    const silencedAt = Date.now()
    proxy.silence()
    const dead = await waitForState(connection, (s) => s.lastClose?.initiator === 'heartbeat')
    const detectionMs = dead.lastClose!.at - silencedAt
    console.log(
      `[heartbeat] silent while a ping was out: detected after ${detectionMs} ms (timeout ${timeout})`,
    )
    expect(detectionMs).toBeLessThanOrEqual(timeout + 100)
    expect(dead.status).toBe('reconnecting')
    proxy.resume()
    await waitForState(connection, (s) => s.status === 'open' && s.lastOpenAt! > dead.lastClose!.at)
  })

  it('any inbound message proves liveness, not only a pong', async () => {
    const interval = 100
    const timeout = 150
    const server = await h.server({ autoPong: false })
    const connection = h.connection(server.url, { heartbeat: { interval, timeout } })
    const client = await server.waitForConnection()
    await waitForStatus(connection, 'open')

    // The server never answers pings but keeps talking, as a busy feed does.
    let sent = 0
    const feed = setInterval(() => client.send(`tick ${++sent}`), 50)
    try {
      await server.waitForPings(8)
    } finally {
      clearInterval(feed)
    }
    expect(connection.getHistory()).toHaveLength(0)
    expect(connection.getState().status).toBe('open')

    // Once the talking stops, the unanswered pings give it away.
    const dead = await waitForState(connection, (s) => s.lastClose !== null)
    expect(dead.lastClose!.initiator).toBe('heartbeat')
  })

  it('keeps a proxy idle timeout at bay: no disconnect over several timeout periods', async () => {
    const idleTimeoutMs = 300
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port, idleTimeoutMs })
    const connection = h.connection(proxy.url(), { heartbeat: { interval: 100, timeout: 150 } })
    await waitForStatus(connection, 'open')
    const openedAt = Date.now()

    // 15 pings at 100 ms apart span about five idle-timeout periods.
    await server.waitForPings(15)
    const spanMs = Date.now() - openedAt
    console.log(
      `[heartbeat] ${server.pings} pings over ${spanMs} ms behind a ${idleTimeoutMs} ms idle timeout`,
    )
    expect(spanMs).toBeGreaterThan(3 * idleTimeoutMs)
    expect(proxy.idleTimeouts).toBe(0)
    expect(connection.getHistory()).toHaveLength(0)
    expect(connection.getState().status).toBe('open')
    expect(server.totalConnections).toBe(1)
  })

  it('without a heartbeat the same idle timeout drops the connection (control)', async () => {
    const idleTimeoutMs = 300
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port, idleTimeoutMs })
    const connection = h.connection(proxy.url())
    await waitForStatus(connection, 'open')

    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.lastClose).toMatchObject({ code: 1006, wasClean: false })
    expect(lost.lastClose!.openForMs).toBeGreaterThanOrEqual(idleTimeoutMs - 20)
    expect(lost.lastClose!.idleForMs).toBeGreaterThanOrEqual(idleTimeoutMs - 20)
    expect(proxy.idleTimeouts).toBe(1)
    await waitForStatus(connection, 'open')
  })
})
