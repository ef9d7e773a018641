// Testing Library's findBy queries and user-event with the kit, with real and with fake timers.
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { ConnectionBanner, useWebSocket } from 'react-lifeline'
import { createMockServer, type MockServer } from 'react-lifeline/testing'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'

const URL = 'ws://localhost/echo'

// The retry waits long enough for the banner to be read: with the default full jitter, a draw
// near 0 ms reconnected before findBy looked, and the close it checks was gone.
const SLOW_RETRY = { retry: { initialDelay: 20_000, jitter: 'none' as const } }

function Echo() {
  const { status, lastMessage, send } = useWebSocket(URL, SLOW_RETRY)
  return (
    <>
      <ConnectionBanner target={URL} showAfterMs={0} />
      <p>status: {status}</p>
      <p>last: {String(lastMessage ?? '-')}</p>
      <button type="button" onClick={() => send('ping me')}>
        Send
      </button>
    </>
  )
}

let server: MockServer

beforeEach(() => {
  server = createMockServer(URL, { onMessage: (message, client) => client.send(`echo: ${String(message)}`) })
})

afterEach(() => {
  cleanup()
  server.dispose()
  vi.useRealTimers()
})

async function echoRoundTrip(user: ReturnType<typeof userEvent.setup>) {
  render(<Echo />)
  expect(await screen.findByText('status: open')).toBeTruthy()
  await user.click(screen.getByRole('button', { name: 'Send' }))
  expect(await screen.findByText('last: echo: ping me')).toBeTruthy()
  server.close(4001, 'kicked')
  expect(await screen.findByText('Code 4001: kicked')).toBeTruthy()
}

describe('findBy and user-event', () => {
  test('with real timers', async () => {
    await echoRoundTrip(userEvent.setup())
  })

  // Testing Library drains its async helpers with a setTimeout, which only Jest's fake timers
  // are recognised for; with Vitest's, let fake time also follow the real clock.
  test('with Vitest fake timers that follow the real clock', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    await echoRoundTrip(userEvent.setup({ advanceTimers: vi.advanceTimersByTime }))
  })
})
