// Vitest + jsdom, the package's ESM build: a banner that appears after a drop, under fake timers.
import { act, cleanup, render, screen } from '@testing-library/react'
import { ConnectionBanner, useWebSocket } from 'react-lifeline'
import { createMockServer } from 'react-lifeline/testing'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'

const URL = 'ws://localhost/prices'

function Prices() {
  const { lastJsonMessage } = useWebSocket(URL)
  return (
    <>
      <ConnectionBanner target={URL} />
      <p>Price: {lastJsonMessage?.price ?? '…'}</p>
    </>
  )
}

let server

beforeEach(() => {
  vi.useFakeTimers()
  vi.spyOn(console, 'error')
  server = createMockServer(URL)
})

afterEach(() => {
  cleanup()
  server.dispose()
  vi.useRealTimers()
  expect(console.error).not.toHaveBeenCalled()
})

const wait = (ms) => act(() => vi.advanceTimersByTimeAsync(ms))

test('a banner appears when the connection drops, and says so when it is back', async () => {
  render(<Prices />)
  await wait(0)
  await act(async () => server.sendJson({ price: 42 }))
  expect(screen.getByText('Price: 42')).toBeTruthy()

  server.drop()
  server.refuse()
  await wait(1000)
  expect(screen.getByText(/^Reconnecting/)).toBeTruthy()
  expect(screen.getByText('Code 1006')).toBeTruthy()

  server.restore()
  await act(() => vi.runOnlyPendingTimersAsync())
  expect(screen.getByText('Reconnected')).toBeTruthy()
  expect(server.connections).toBe(2)
})
