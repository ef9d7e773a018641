import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createConnection } from '../../src/core/index'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'
import { App, banner, expectNoAxeViolations, openThenDrop, text } from './banner-helpers'
import { fakeConnection, lastSocket, step } from './helpers'

afterEach(() => {
  vi.useRealTimers()
})

describe('ConnectionBanner options, keyboard and accessibility', () => {
  test("'Retry now' calls connect() and works from the keyboard", async () => {
    const { connection, clock } = fakeConnection({
      retry: { jitter: 'none', initialDelay: 30000, maxDelay: 30000 },
    })
    const connect = vi.spyOn(connection, 'connect')
    render(<App connection={connection} />)
    openThenDrop()
    step(() => clock.advance(1000))
    const user = userEvent.setup()
    await user.tab()
    const button = screen.getByRole('button', { name: 'Retry now' })
    expect(button.tagName).toBe('BUTTON')
    expect(button.getAttribute('type')).toBe('button')
    expect(document.activeElement).toBe(button)
    await user.keyboard('{Enter}')
    expect(connect).toHaveBeenCalledTimes(1)
    expect(FakeWebSocket.instances).toHaveLength(2)
    await user.keyboard(' ')
    expect(connect).toHaveBeenCalledTimes(2)
  })

  test('messages replace every text, with functions where numbers go in', () => {
    const { connection, clock } = fakeConnection({ retry: { jitter: 'none', initialDelay: 5000 } })
    render(
      <App
        connection={connection}
        messages={{
          reconnecting: (state) => `Neuer Versuch in ${state.secondsUntilRetry} s (Versuch ${state.attempt})`,
          detail: (state) => `Code ${state.lastClose?.code}`,
          retry: 'Jetzt versuchen',
          reconnected: 'Wieder verbunden',
        }}
      />,
    )
    openThenDrop()
    step(() => clock.advance(1000))
    expect(text()).toBe('Neuer Versuch in 4 s (Versuch 1)')
    expect(document.querySelector('.lifeline-banner__detail')?.textContent).toBe('Code 1006')
    expect(screen.getByRole('button').textContent).toBe('Jetzt versuchen')
    step(() => connection.connect())
    step(() => lastSocket().open())
    expect(text()).toBe('Wieder verbunden')
  })

  test('children replace the default rendering and get the state and actions', async () => {
    const { connection, clock } = fakeConnection({ retry: { jitter: 'none', initialDelay: 5000 } })
    const connect = vi.spyOn(connection, 'connect')
    render(
      <App connection={connection} className="app-banner">
        {(state, actions) => (
          <button type="button" onClick={actions.connect}>
            {`${state.phase} ${state.secondsUntilRetry}s #${state.attempt} (${state.status})`}
          </button>
        )}
      </App>,
    )
    expect(banner().childNodes).toHaveLength(0)
    openThenDrop()
    step(() => clock.advance(1000))
    expect(banner().className).toBe('lifeline-banner app-banner')
    const button = screen.getByRole('button')
    expect(button.textContent).toBe('reconnecting 4s #1 (reconnecting)')
    expect(document.querySelector('.lifeline-banner__text')).toBeNull()
    await userEvent.setup().click(button)
    expect(connect).toHaveBeenCalledTimes(1)
  })

  test('uses the global timers by default, so fake timers drive it', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const connection = createConnection('ws://lifeline.test/global', {
      WebSocket: FakeWebSocketConstructor,
      retry: { jitter: 'none', initialDelay: 3000 },
    })
    render(<App connection={connection} />)
    openThenDrop()
    act(() => vi.advanceTimersByTime(1000))
    expect(text()).toBe('Reconnecting in 2s, attempt 1')
    act(() => vi.advanceTimersByTime(1000))
    expect(text()).toBe('Reconnecting in 1s, attempt 1')
    act(() => vi.advanceTimersByTime(1000))
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  test('has no axe-core violations while hidden', async () => {
    const { connection } = fakeConnection()
    render(<App connection={connection} />)
    step(() => lastSocket().open())
    await expectNoAxeViolations()
  })
})
