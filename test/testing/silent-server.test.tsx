// Shown whole in docs/testing.md; test/docs/testing-mirror.test.ts keeps the two identical.
// silent-server.test.tsx
// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react'
import { useWebSocket } from 'react-lifeline'
import { createMockServer, type MockServer } from 'react-lifeline/testing'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'

const URL = 'ws://localhost/live'

function LiveStatus() {
  const { status, lastClose } = useWebSocket(URL, { heartbeat: true })
  return <output>{lastClose ? `${status} (${lastClose.code} ${lastClose.reason})` : status}</output>
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

const wait = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms))

test('pings keep a quiet connection open; a silent server is found within interval + timeout', async () => {
  render(<LiveStatus />)
  await wait(0)

  // The mock server answers {"type":"ping"} with {"type":"pong"}: five quiet minutes, still open.
  await wait(5 * 60_000)
  expect(screen.getByRole('status').textContent).toBe('open')
  expect(server.pings).toBe(12)

  // Half-open: nothing closes, nothing answers. Pings go every 25 s; 10 s without a reply is
  // death, after one last macrotask (1 ms on a fake clock) for a reply already on the socket.
  server.goSilent()
  await wait(25_000 + 10_000 + 1)
  expect(screen.getByRole('status').textContent).toBe('reconnecting (1006 heartbeat timeout)')
})
