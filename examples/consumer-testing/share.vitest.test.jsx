// Vitest + jsdom, the package's ESM build: a component with share: 'origin' runs as the one tab
// it is, and nothing is printed (jsdom has no Web Locks; the kit keeps such connections in their tab).
import { act, cleanup, render, screen } from '@testing-library/react'
import { useWebSocket } from 'react-lifeline'
import 'react-lifeline/share'
import { createMockServer } from 'react-lifeline/testing'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'

const URL = 'ws://localhost/ticker'

function Ticker() {
  const { status, lastJsonMessage } = useWebSocket(URL, { share: 'origin', heartbeat: true })
  return (
    <p>
      {status}: {lastJsonMessage?.price ?? '…'}
    </p>
  )
}

let server

beforeEach(() => {
  vi.spyOn(console, 'warn')
  vi.spyOn(console, 'error')
  server = createMockServer(URL)
})

afterEach(() => {
  cleanup()
  server.dispose()
  expect(console.warn).not.toHaveBeenCalled()
  expect(console.error).not.toHaveBeenCalled()
  vi.restoreAllMocks()
})

test("share: 'origin' in jsdom: one tab, its own socket, no console output", async () => {
  render(<Ticker />)
  expect(await screen.findByText('open: …')).toBeTruthy()
  await act(async () => server.sendJson({ price: 42 }))
  expect(screen.getByText('open: 42')).toBeTruthy()
  expect(server.connections).toBe(1)
})
