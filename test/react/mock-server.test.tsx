import { act, render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { getConnection } from '../../src/core/index'
import { ConnectionBanner, useWebSocket } from '../../src/react/index'
import { createMockServer, type MockClient, type MockServer } from '../../src/testing/index'
import { FakeClock } from '../support/fake-clock'
import { waitForStatus, waitFor as waitUntil } from '../support/wait'
import { createRenderCounter } from './helpers'

// The hooks against react-lifeline/testing's mock server: the kit users get, dogfooded.
const URL = 'ws://lifeline.test/live'
let server: MockServer | undefined
let connections = 0

afterEach(() => {
  server?.dispose()
  server = undefined
  connections = 0
})

/** A server that greets, echoes `echo:` messages and answers `burst:N` with N numbered messages. */
function useServer(onConnect?: (client: MockClient) => void) {
  server = createMockServer(URL, {
    onConnection(client) {
      connections += 1
      client.send(JSON.stringify({ type: 'hello', n: 0 }))
      onConnect?.(client)
    },
    onMessage(message, client) {
      const text = typeof message === 'string' ? message : JSON.stringify(message)
      if (text.startsWith('burst:')) {
        const count = Number(text.slice('burst:'.length))
        for (let n = 1; n <= count; n++) client.send(JSON.stringify({ type: 'tick', n }))
      } else {
        client.send(text)
      }
    },
  })
}

/** Options with a fake clock for retries and the banner; the mock server delivers its events itself. */
// One clock for every component on the URL: a shared connection runs on the clock it started with.
const CLOCK = new FakeClock()

function options(clock = CLOCK) {
  return { clock, retry: { jitter: 'none' as const, initialDelay: 1000 } }
}

describe('useWebSocket against a mock server', () => {
  test('receives JSON, and sendJson reaches the server', async () => {
    useServer()
    function Chat() {
      const { status, lastJsonMessage, sendJson } = useWebSocket<{ type: string; n: number }>(URL, options())
      return (
        <>
          <p data-testid="status">{status}</p>
          <p data-testid="last">{lastJsonMessage ? `${lastJsonMessage.type} ${lastJsonMessage.n}` : '-'}</p>
          <button type="button" onClick={() => sendJson({ type: 'echo', n: 7 })}>
            send
          </button>
        </>
      )
    }
    render(<Chat />)
    await waitFor(() => expect(screen.getByTestId('last').textContent).toBe('hello 0'))
    expect(screen.getByTestId('status').textContent).toBe('open')
    act(() => screen.getByRole('button').click())
    await waitFor(() => expect(screen.getByTestId('last').textContent).toBe('echo 7'))
  })

  test('a burst of 1,000 messages: the status reader renders 0 times, the message reader as React batches', async () => {
    useServer()
    const statusRenders = createRenderCounter()
    const messageRenders = createRenderCounter()
    let received = 0
    function StatusOnly() {
      statusRenders.hit()
      const { status } = useWebSocket(URL, options())
      return <p data-testid="status">{status}</p>
    }
    function Ticker() {
      messageRenders.hit()
      const { lastJsonMessage, send } = useWebSocket<{ n: number }>(URL, {
        ...options(),
        onMessage: () => {
          received += 1
        },
      })
      return (
        <>
          <p data-testid="tick">{lastJsonMessage?.n ?? '-'}</p>
          <button type="button" onClick={() => send('burst:1000')}>
            burst
          </button>
        </>
      )
    }
    render(
      <>
        <StatusOnly />
        <Ticker />
      </>,
    )
    await waitFor(() => expect(screen.getByTestId('tick').textContent).toBe('0'))
    const statusBefore = statusRenders.count
    const messagesBefore = messageRenders.count

    // Outside act, so React schedules as in a browser.
    const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false
    try {
      screen.getByRole('button').click()
      const connection = getConnection(URL)
      await waitUntil(
        (onChange) => connection.onMessage(onChange),
        () => received === 1001,
      )
      await waitFor(() => expect(screen.getByTestId('tick').textContent).toBe('1000'))
    } finally {
      actEnvironment.IS_REACT_ACT_ENVIRONMENT = true
    }
    expect(statusRenders.count - statusBefore).toBe(0)
    // The mock server queues the 1,000 deliveries as promise reactions in one go; React flushes
    // the update in a microtask queued behind them, so the whole burst costs the message reader
    // one render.
    expect(messageRenders.count - messagesBefore).toBe(1)
  })

  test('StrictMode opens one socket', async () => {
    useServer()
    function Probe() {
      const { status } = useWebSocket(URL, options())
      return <p data-testid="status">{status}</p>
    }
    render(
      <StrictMode>
        <Probe />
      </StrictMode>,
    )
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('open'))
    expect(connections).toBe(1)
  })
})

describe('ConnectionBanner against a mock server', () => {
  test("an application close code the policy does not retry shows as 'Failed: <name>' with the reason", async () => {
    useServer((client) => queueMicrotask(() => client.close(4001, 'go away')))
    const clock = new FakeClock()
    const connectionOptions = {
      ...options(clock),
      closeCodes: { 4001: { name: 'Session Replaced', retry: false } },
    }
    function App() {
      useWebSocket(URL, connectionOptions)
      return <ConnectionBanner target={URL} />
    }
    render(<App />)
    await act(() => waitForStatus(getConnection(URL), 'failed'))
    act(() => clock.advance(1000))
    expect(screen.getByRole('alert').querySelector('.lifeline-banner__text')?.textContent).toBe(
      'Failed: Session Replaced',
    )
    expect(screen.getByText('Code 4001: go away')).toBeTruthy()
  })

  test("reconnects after a server restart and says 'Reconnected'", async () => {
    let first = true
    useServer((client) => {
      if (!first) return
      first = false
      queueMicrotask(() => client.close(1012, 'restarting'))
    })
    const clock = new FakeClock()
    function App() {
      useWebSocket(URL, options(clock))
      return <ConnectionBanner target={URL} showAfterMs={500} />
    }
    render(<App />)
    const connection = getConnection(URL)
    await act(() => waitForStatus(connection, 'reconnecting'))
    act(() => clock.advance(500))
    expect(screen.getByText('Reconnecting in 1s, attempt 1')).toBeTruthy()
    expect(screen.getByText('Code 1012: restarting')).toBeTruthy()
    act(() => clock.advance(500))
    await act(() => waitForStatus(connection, 'open'))
    expect(screen.getByRole('status').textContent).toBe('Reconnected')
    expect(connections).toBe(2)
  })
})
