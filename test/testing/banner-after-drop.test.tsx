// Shown whole in docs/testing.md; test/docs/testing-mirror.test.ts keeps the two identical.
// banner-after-drop.test.tsx
// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react'
import { ConnectionBanner, useWebSocket } from 'react-lifeline'
import { createMockServer, type MockServer } from 'react-lifeline/testing'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'

const URL = 'ws://localhost/prices'

function Prices() {
  const { lastJsonMessage } = useWebSocket<{ price: number }>(URL)
  return (
    <>
      <ConnectionBanner target={URL} />
      <p>Price: {lastJsonMessage?.price ?? '…'}</p>
    </>
  )
}

let server: MockServer

beforeEach(() => {
  vi.useFakeTimers()
  server = createMockServer(URL)
})

afterEach(() => {
  cleanup()
  server.dispose()
  vi.useRealTimers()
})

/** Lets fake time pass; socket events in between arrive as they would. */
const wait = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms))

test('a banner appears when the connection drops, and says so when it is back', async () => {
  render(<Prices />)
  await wait(0) // the socket opens
  await act(async () => server.sendJson({ price: 42 }))
  expect(screen.getByText('Price: 42')).toBeTruthy()
  expect(screen.getByRole('status').textContent).toBe('')

  server.drop() // no close frame: the page sees 1006
  server.refuse() // and the server stays down: every new attempt fails
  await wait(1000) // the banner waits showAfterMs (1 s), so blips stay invisible
  expect(screen.getByText(/^Reconnecting/)).toBeTruthy()
  expect(screen.getByText('Code 1006')).toBeTruthy()
  expect(screen.getByText('Price: 42')).toBeTruthy() // the last message stays on screen

  server.restore()
  await act(() => vi.runOnlyPendingTimersAsync()) // up to the next attempt, whatever the backoff drew
  expect(screen.getByText('Reconnected')).toBeTruthy()
  expect(server.connections).toBe(2)
})
