import { act, render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { WebSocket as NodeWebSocket } from 'ws'
import { getConnection, type LifelineConnection } from '../../src/core/index'
import type { CloseInfo, WebSocketConstructor } from '../../src/core/types'
import { ConnectionBanner, useWebSocket } from '../../src/react/index'
import { waitFor as waitUntil } from '../support/wait'
import { startTestServer, type TestServer } from '../support/ws-server'

let server: TestServer
let path = 0
let url = ''

beforeAll(async () => {
  server = await startTestServer({ echo: true })
})
afterAll(() => server.close())
beforeEach(() => {
  // A fresh path per test keeps the shared connections of earlier tests apart.
  path += 1
  url = server.urlFor(`/react-${path}`)
})

function Feed({ socket }: { socket?: WebSocketConstructor }) {
  const { status, lastJsonMessage, sendJson } = useWebSocket<{ text: string }>(url, {
    lingerMs: 0,
    ...(socket ? { WebSocket: socket } : {}),
  })
  return (
    <>
      <p data-testid="status">{status}</p>
      <p data-testid="last">{lastJsonMessage?.text ?? '-'}</p>
      <button type="button" onClick={() => sendJson({ text: 'hi' })}>
        send
      </button>
    </>
  )
}

describe('against a real ws server on 127.0.0.1', () => {
  test('StrictMode opens exactly one socket (jsdom WebSocket)', async () => {
    const before = server.totalConnections
    const view = render(
      <StrictMode>
        <Feed />
      </StrictMode>,
    )
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('open'))
    act(() => screen.getByRole('button').click())
    await waitFor(() => expect(screen.getByTestId('last').textContent).toBe('hi'))
    // A second socket from the double mount would have been opened before the first echo returned.
    expect(server.totalConnections - before).toBe(1)
    expect(server.upgradeTimes).toHaveLength(server.totalConnections)

    const gone = server.waitForDisconnect()
    view.unmount()
    const disconnect = await gone
    expect(disconnect.code).toBe(1000)
    expect(server.totalConnections - before).toBe(1)
  })

  test('with the ws package injected, the banner stays silent while open and messages flow', async () => {
    const before = server.totalConnections
    render(
      <StrictMode>
        <Feed socket={NodeWebSocket as unknown as WebSocketConstructor} />
        <ConnectionBanner target={url} />
      </StrictMode>,
    )
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('open'))
    // The first caller of getConnection for a URL sets its options: here the Feed, rendered first.
    expect((getConnection(url) as LifelineConnection).options.WebSocket).toBe(NodeWebSocket)
    const [client] = await server.waitForConnections(1)
    act(() => client!.send(JSON.stringify({ text: 'from server' })))
    await waitFor(() => expect(screen.getByTestId('last').textContent).toBe('from server'))
    expect(screen.getByRole('status').childNodes).toHaveLength(0)
    expect(server.totalConnections - before).toBe(1)
    expect(getConnection(url).getState().status).toBe('open')
  })

  test('onClose fires for every refused retry of an outage; onDisconnect once per lost connection', async () => {
    const closes: CloseInfo[] = []
    const disconnects: CloseInfo[] = []
    function Watcher() {
      useWebSocket(url, {
        retry: { initialDelay: 10, maxDelay: 40, jitter: 'none' },
        onClose: (close) => closes.push(close),
        onDisconnect: (close) => disconnects.push(close),
      })
      return null
    }
    render(<Watcher />)
    const connection = getConnection(url)
    const onChange = (listener: () => void) => connection.subscribe(listener)
    await waitUntil(onChange, () => connection.getState().status === 'open')

    // The server goes away and refuses the next three attempts.
    await act(() => server.stop())
    await waitUntil(onChange, () => closes.length >= 4, { description: 'the drop and three refused retries' })
    expect(disconnects).toHaveLength(1)
    expect(disconnects[0]).toBe(closes[0])
    expect(closes.slice(1).every((close) => close.openForMs === null)).toBe(true)

    await act(() => server.start())
    await waitUntil(onChange, () => connection.getState().status === 'open')
    const closesBefore = closes.length
    // Lost again once open: one more onDisconnect.
    await act(() => server.stop())
    await waitUntil(onChange, () => closes.length > closesBefore + 1)
    expect(disconnects).toHaveLength(2)
    expect(disconnects[1]).toBe(closes[closesBefore])
    await act(() => server.start())
    await waitUntil(onChange, () => connection.getState().status === 'open')
  })
})
