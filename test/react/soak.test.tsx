import { act, render } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { LifelineConnection } from '../../src/core/connection'
import { getConnection, resetConnections } from '../../src/core/registry'
import type { ConnectionOptions, WebSocketConstructor } from '../../src/core/types'
import { useWebSocket } from '../../src/react/useWebSocket'
import { countingClock } from '../support/counting-clock'
import { FakeNetwork, FakeVisibility } from '../support/fake-network'
import { waitForStatus } from '../support/wait'
import { startTestServer, type TestServer } from '../support/ws-server'

// Mount/unmount soak: several components share one URL and are mounted and unmounted again and
// again against a real server, sometimes within the linger (the socket is reused) and sometimes
// after it (a new socket). At the end nothing may be left behind.

const DEEP = process.env.CI_DEEP === '1'
const CYCLES = DEEP ? 5_000 : 500
const COMPONENTS = 5
const LINGER_MS = 2

let server: TestServer | null = null
afterEach(async () => {
  resetConnections()
  await server?.close()
  server = null
})

function Reader({ url, options }: { url: string; options: ConnectionOptions }) {
  const { status, lastMessage } = useWebSocket(url, options)
  return (
    <span>
      {status} {String(lastMessage)}
    </span>
  )
}

function App({ url, options }: { url: string; options: ConnectionOptions }) {
  return (
    <>
      {Array.from({ length: COMPONENTS }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list
        <Reader key={index} url={url} options={options} />
      ))}
    </>
  )
}

describe('mount/unmount soak against a real server', () => {
  it(`${CYCLES} mount/unmount cycles of ${COMPONENTS} components sharing a URL leave nothing behind`, async () => {
    server = await startTestServer({ echo: true })
    const url = server.urlFor('/soak')
    const clock = countingClock()
    const network = new FakeNetwork()
    const visibility = new FakeVisibility()
    const options: ConnectionOptions = {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      clock,
      network,
      visibility,
      lingerMs: LINGER_MS,
      heartbeat: { interval: 1000, timeout: 1000 },
    }
    const started = Date.now()
    let reused = 0
    const connections = new Set<LifelineConnection>()
    const live = { state: 0, message: 0 }
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // Taken before the components mount, so every subscription they make is counted.
      const connection = getConnection(url, options) as LifelineConnection
      if (!connections.has(connection)) countListeners(connection, live)
      connections.add(connection)
      const view = render(<App url={url} options={options} />)
      await waitForStatus(connection, 'open')
      if (cycle % 2 === 0) connection.send(`cycle ${cycle}`)
      view.unmount()
      // Every other cycle waits out the linger, so the next mount needs a new socket.
      if (cycle % 2 === 1) {
        await server.waitUntil(() => server?.connections === 0)
      } else {
        reused += 1
      }
    }
    await act(() => server!.waitUntil(() => server?.connections === 0))
    const leftovers = {
      serverConnections: server.connections,
      timers: clock.pending,
      networkListeners: network.listenerCount,
      visibilityListeners: visibility.listenerCount,
      // The hooks' message and state subscriptions must all be gone.
      messageListeners: live.message,
      stateListeners: live.state,
      notIdle: [...connections].filter((c) => c.getState().status !== 'idle').length,
    }
    console.log(
      `[react soak] ${CYCLES} cycles x ${COMPONENTS} components in ${Date.now() - started} ms; ` +
        `${server.totalConnections} sockets opened, ${reused} remounts within the linger; leftovers ${JSON.stringify(leftovers)}`,
    )
    expect(leftovers).toEqual({
      serverConnections: 0,
      timers: 0,
      networkListeners: 0,
      visibilityListeners: 0,
      messageListeners: 0,
      stateListeners: 0,
      notIdle: 0,
    })
    // Each waited-out linger costs one socket; remounts inside the linger reuse it.
    expect(server.totalConnections).toBeLessThanOrEqual(CYCLES / 2 + 1)
  }, 60_000)
})

/** Wraps `subscribe` and `onMessage` to count the listeners added and not yet removed. */
function countListeners(connection: LifelineConnection, live: { state: number; message: number }): void {
  const counted =
    <L,>(add: (listener: L) => () => void, key: keyof typeof live) =>
    (listener: L) => {
      const remove = add(listener)
      live[key] += 1
      let removed = false
      return () => {
        remove()
        if (!removed) live[key] -= 1
        removed = true
      }
    }
  connection.subscribe = counted(connection.subscribe, 'state')
  connection.onMessage = counted(connection.onMessage.bind(connection), 'message')
}
