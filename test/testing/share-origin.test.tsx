// Shown whole in docs/testing.md; test/docs/testing-mirror.test.ts keeps the two identical.
// share-origin.test.tsx
// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { useWebSocket } from 'react-lifeline'
import 'react-lifeline/share' // as the app's entry does; the test is as quiet without it
import { createMockServer, type MockServer } from 'react-lifeline/testing'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'

const URL = 'ws://localhost/ticker'

function Ticker() {
  const { status, lastJsonMessage, sendJson } = useWebSocket<{ price: number }>(URL, { share: 'origin' })
  return (
    <>
      <output>{status}</output>
      <p>Price: {lastJsonMessage?.price ?? '…'}</p>
      <button type="button" onClick={() => sendJson({ type: 'refresh' })}>
        Refresh
      </button>
    </>
  )
}

let server: MockServer

beforeEach(() => {
  server = createMockServer(URL)
})

afterEach(() => {
  cleanup()
  server.dispose()
})

test("a component with share: 'origin' runs as the only tab, and nothing is printed", async () => {
  const warn = vi.spyOn(console, 'warn')
  render(<Ticker />)
  expect(await screen.findByText('open')).toBeTruthy()

  await act(async () => server.sendJson({ price: 42 }))
  expect(screen.getByText('Price: 42')).toBeTruthy()
  const arrived = server.nextMessage()
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }))
  expect(await arrived).toEqual({ type: 'refresh' })

  expect(server.connections).toBe(1) // the one tab holds the socket itself
  expect(warn).not.toHaveBeenCalled() // jsdom has no Web Locks: no warning about it either
})
