import { createRoot, type Root } from 'react-dom/client'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { findConnection } from '../../src/core/index'
import { App, pointAt } from '../support/readme-example'
import { waitFor } from '../support/wait'
import { startTestServer, type TestServer } from '../support/ws-server'

// README's "React" example (test/support/readme-example.tsx): `Status` asks for no options and
// mounts (and starts the shared socket) before `Messages` asks for `heartbeat: true`. The same
// in real Chromium, production build: bench/readme-pings. Rendered with createRoot and no
// act(), as an app renders, with the library's development and production paths.

/**
 * The browser's WebSocket, counting what it sends and what arrives, so the test can wait (on
 * events, not time) until the client has read a pong before moving the clock to the next ping.
 */
let sent = 0
let inbound = 0
const inboundListeners = new Set<() => void>()
const onInbound = (listener: () => void) => {
  inboundListeners.add(listener)
  return () => inboundListeners.delete(listener)
}
const BrowserWebSocket = globalThis.WebSocket
class CountingWebSocket extends BrowserWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols)
    this.addEventListener('message', () =>
      // After every listener of this event, the connection's included.
      queueMicrotask(() => {
        inbound += 1
        for (const listener of inboundListeners) listener()
      }),
    )
  }

  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    sent += 1
    super.send(data)
  }
}

let server: TestServer
let root: Root | null = null
const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())
afterEach(() => {
  root?.unmount()
  root = null
  vi.useRealTimers()
  vi.unstubAllEnvs()
  globalThis.WebSocket = BrowserWebSocket
  actEnvironment.IS_REACT_ACT_ENVIRONMENT = true
})

describe.each(['development', 'production'])("README's React example, the library's %s path", (build) => {
  test('pings every 25 s although the component that mounts first passes no options', async () => {
    // The library reads NODE_ENV where it runs, as bundlers leave it; React stays as installed.
    vi.stubEnv('NODE_ENV', build)
    // Only the timers and Date are fake: the socket, React's scheduler and the server are real.
    const url = server.urlFor(`/readme-react-${build}`)
    pointAt(url)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    globalThis.WebSocket = CountingWebSocket as typeof WebSocket
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false
    const container = document.createElement('div')
    root = createRoot(container)
    root.render(<App />)

    const client = await server.waitForConnection()
    const pingsBefore = server.pings
    const connection = findConnection(url)!
    await waitFor(connection.subscribe, () => connection.getState().status === 'open')
    expect(container.textContent).toContain('open')

    // 60 s on the clock, in steps that let each pong arrive before the next ping is due.
    for (let elapsed = 0; elapsed < 60000; elapsed += 5000) {
      const before = sent
      const read = inbound
      vi.advanceTimersByTime(5000)
      if (sent === before) continue
      // A ping went out: the server answers it, and the next one is scheduled when the answer is read.
      await waitFor(onInbound, () => inbound > read)
    }
    expect(server.pings - pingsBefore).toBe(2)
    expect(client.received.filter((text) => text === '{"type":"ping"}')).toHaveLength(2)
    expect(client.received).toHaveLength(2)
    expect(connection.options.heartbeat?.interval).toBe(25000)
  })
})
