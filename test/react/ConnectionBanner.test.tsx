import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createConnection } from '../../src/core/index'
import { countingClock } from '../support/counting-clock'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket } from '../support/fake-websocket'
import { App, banner, expectNoAxeViolations, openThenDrop, text } from './banner-helpers'
import { fakeConnection, fakeOptions, lastSocket, step } from './helpers'

afterEach(() => {
  vi.useRealTimers()
})

describe('ConnectionBanner states', () => {
  test('is an empty live region while open', () => {
    const { connection } = fakeConnection()
    render(<App connection={connection} />)
    step(() => lastSocket().open())
    const region = screen.getByRole('status')
    expect(region).toBe(banner())
    expect(region.getAttribute('aria-live')).toBe('polite')
    expect(region.dataset.status).toBe('hidden')
    expect(region.className).toBe('lifeline-banner')
    expect(region.childNodes).toHaveLength(0)
  })

  test('a blip shorter than showAfterMs never shows', () => {
    const { connection, clock } = fakeConnection({ retry: { jitter: 'none', initialDelay: 500 } })
    render(<App connection={connection} />)
    step(() => lastSocket().open())
    const seen = new Set<string>()
    const observer = new MutationObserver(() => seen.add(banner().textContent ?? ''))
    observer.observe(banner(), { subtree: true, childList: true, characterData: true })

    step(() => lastSocket().closeFromServer(1006))
    step(() => clock.advance(500))
    step(() => lastSocket().open())
    step(() => clock.advance(5000))
    observer.disconnect()
    expect([...seen]).toEqual([])
    expect(banner().dataset.status).toBe('hidden')
  })

  test("says 'Connecting…' when the first attempt takes longer than showAfterMs, with no button", () => {
    const { connection, clock } = fakeConnection()
    render(<App connection={connection} showAfterMs={1000} />)
    step(() => clock.advance(999))
    expect(text()).toBeNull()
    step(() => clock.advance(1))
    expect(text()).toBe('Connecting…')
    expect(banner().dataset.status).toBe('connecting')
    expect(screen.queryByRole('button')).toBeNull()
  })

  test('counts down to the next attempt every second, only while shown', async () => {
    const { connection, clock } = fakeConnection({
      retry: { jitter: 'none', initialDelay: 5000, maxDelay: 60000 },
    })
    const bannerClock = countingClock(clock)
    render(<App connection={connection} clock={bannerClock} />)
    step(() => lastSocket().open())
    expect(bannerClock.pending).toBe(0)

    step(() => lastSocket().closeFromServer(1006))
    // Hidden for now: the only timer is the one that will show it.
    expect(text()).toBeNull()
    expect(bannerClock.pending).toBe(1)

    step(() => clock.advance(1000))
    expect(text()).toBe('Reconnecting in 4s, attempt 1')
    expect(document.querySelector('.lifeline-banner__detail')?.textContent).toBe('Code 1006')
    expect(screen.getByRole('button', { name: 'Retry now' })).toBeTruthy()
    expect(bannerClock.pending).toBe(1)

    for (const seconds of [3, 2, 1]) {
      step(() => clock.advance(1000))
      expect(text()).toBe(`Reconnecting in ${seconds}s, attempt 1`)
    }
    step(() => clock.advance(1000))
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(text()).toBe('Reconnecting, attempt 1…')

    step(() => lastSocket().closeFromServer(1006))
    expect(text()).toBe('Reconnecting in 10s, attempt 2')
    step(() => clock.advance(400))
    expect(text()).toBe('Reconnecting in 10s, attempt 2')
    step(() => clock.advance(600))
    expect(text()).toBe('Reconnecting in 9s, attempt 2')
    await expectNoAxeViolations()

    // Recovering hides the countdown and its timer with it.
    step(() => connection.connect())
    step(() => lastSocket().open())
    expect(text()).toBe('Reconnected')
    step(() => clock.advance(2000))
    expect(text()).toBeNull()
    expect(bannerClock.pending).toBe(0)
  })

  test('gives screen readers one announcement per attempt, not one per countdown second', () => {
    const { connection, clock } = fakeConnection({ retry: { jitter: 'none', initialDelay: 5000 } })
    render(<App connection={connection} />)
    step(() => lastSocket().open())
    step(() => lastSocket().closeFromServer(1006))
    step(() => clock.advance(1000))
    const region = screen.getByRole('status')
    const spoken = () =>
      [...region.childNodes]
        .filter(
          (node) =>
            !(node as Element).hasAttribute?.('aria-hidden') && (node as Element).tagName !== 'BUTTON',
        )
        .map((node) => node.textContent)
        .join(' ')
    expect(text()).toBe('Reconnecting in 4s, attempt 1')
    const first = spoken()
    expect(first).toContain('Reconnecting, attempt 1.')
    expect(first).not.toMatch(/\ds/)
    step(() => clock.advance(1000))
    expect(text()).toBe('Reconnecting in 3s, attempt 1')
    expect(spoken()).toBe(first)
  })

  test("says 'Offline' while the network is down", () => {
    const { connection, clock, network } = fakeConnection()
    render(<App connection={connection} />)
    openThenDrop()
    step(() => network.set(false))
    expect(connection.getState().status).toBe('offline')
    step(() => clock.advance(1000))
    expect(text()).toBe('Offline')
    expect(banner().dataset.status).toBe('offline')
    expect(screen.getByRole('status')).toBe(banner())
  })

  test('a failure is an alert naming the close code, with its code and reason', async () => {
    const { connection, clock } = fakeConnection()
    render(<App connection={connection} />)
    openThenDrop(1008, 'token expired')
    expect(connection.getState().status).toBe('failed')
    step(() => clock.advance(1000))
    const alert = screen.getByRole('alert')
    expect(alert).toBe(banner())
    expect(alert.dataset.status).toBe('failed')
    expect(text()).toBe('Failed: Policy Violation')
    expect(document.querySelector('.lifeline-banner__detail')?.textContent).toBe('Code 1008: token expired')
    await expectNoAxeViolations()

    // Retrying turns the alert back into a status that says what happens now; the button stays,
    // so focus is not dropped.
    const button = screen.getByRole('button', { name: 'Retry now' })
    await userEvent.setup().click(button)
    expect(screen.getByRole('status')).toBe(banner())
    expect(text()).toBe('Connecting…')
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Retry now' }))
    expect(screen.getByRole('button')).toBe(button)
  })

  test('a failure without a close names the error', () => {
    const clock = new FakeClock()
    const connection = createConnection('ftp://lifeline.test/', fakeOptions(clock))
    render(<App connection={connection} />)
    expect(connection.getState().status).toBe('failed')
    step(() => clock.advance(1000))
    expect(screen.getByRole('alert')).toBe(banner())
    expect(text()).toBe('Failed')
    const detail = document.querySelector('.lifeline-banner__detail')?.textContent
    expect(detail).toBe(connection.getState().error?.message)
    expect(detail).toMatch(/ftp/)
  })

  test("says 'Reconnected' for reconnectedMs after recovering, then nothing", async () => {
    const { connection, clock } = fakeConnection()
    render(<App connection={connection} reconnectedMs={2000} />)
    openThenDrop()
    step(() => clock.advance(1000))
    expect(text()).toBe('Reconnecting, attempt 1…')
    step(() => lastSocket().open())
    expect(text()).toBe('Reconnected')
    expect(banner().dataset.status).toBe('reconnected')
    expect(screen.queryByRole('button')).toBeNull()
    await expectNoAxeViolations()
    step(() => clock.advance(1999))
    expect(text()).toBe('Reconnected')
    step(() => clock.advance(1))
    expect(text()).toBeNull()
    expect(banner().dataset.status).toBe('hidden')
  })

  test('a new drop while it says Reconnected shows at once instead of flickering', () => {
    const { connection, clock } = fakeConnection({ retry: { jitter: 'none', initialDelay: 5000 } })
    render(<App connection={connection} />)
    openThenDrop()
    step(() => clock.advance(1000))
    step(() => connection.connect())
    step(() => lastSocket().open())
    expect(text()).toBe('Reconnected')
    step(() => lastSocket().closeFromServer(1006))
    expect(text()).toBe('Reconnecting in 10s, attempt 2')
  })

  test("a server's close that is not retried says 'Disconnected'; the app's own close() says nothing", () => {
    const { connection, clock } = fakeConnection()
    const view = render(<App connection={connection} />)
    openThenDrop(1000, 'bye')
    expect(connection.getState().status).toBe('closed')
    step(() => clock.advance(1000))
    expect(text()).toBe('Disconnected')
    expect(document.querySelector('.lifeline-banner__detail')?.textContent).toBe('Code 1000: bye')
    expect(screen.getByRole('button', { name: 'Retry now' })).toBeTruthy()
    view.unmount()

    const other = fakeConnection()
    render(<App connection={other.connection} />)
    step(() => lastSocket().open())
    step(() => other.connection.close())
    step(() => lastSocket().closeFromServer(1000))
    expect(other.connection.getState().status).toBe('closed')
    step(() => other.clock.advance(5000))
    expect(banner().dataset.status).toBe('hidden')
  })
})
