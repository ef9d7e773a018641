import { render, screen, within } from '@testing-library/react'
import axe from 'axe-core'
import { describe, expect, test } from 'vitest'
import { ConnectionInspector } from '../../src/react/ConnectionInspector'
import { fakeConnection, lastSocket, step } from './helpers'

describe('ConnectionInspector', () => {
  test('shows status, attempt and an empty history for a fresh connection', () => {
    const { connection } = fakeConnection()
    render(<ConnectionInspector target={connection} />)
    const panel = screen.getByRole('region', { name: 'Connection inspector' })
    expect(within(panel).getByText('Status').nextSibling?.textContent).toBe('idle')
    expect(within(panel).getByText('None yet.')).toBeTruthy()
    expect(within(panel).getByText('No pattern in 0 recorded disconnects.')).toBeTruthy()
  })

  test('lists disconnects newest first with code name, reason, times and initiator', () => {
    const { connection, clock } = fakeConnection({ retry: { jitter: 'none' } })
    render(<ConnectionInspector target={connection} />)
    step(() => connection.connect())
    step(() => lastSocket().open())
    step(() => clock.advance(3000))
    step(() => lastSocket().closeFromServer(1001, 'deploy'))
    step(() => clock.next())
    step(() => lastSocket().closeFromServer(1011, 'boom'))
    const items = screen
      .getAllByRole('listitem')
      .filter((item) => item.classList.contains('lifeline-inspector__close'))
    expect(items.map((item) => item.dataset.code)).toEqual(['1011', '1001'])
    expect(items[1]?.textContent).toContain(
      '1001 Going Away "deploy" (by server, open for 3.0 s, idle for 3.0 s)',
    )
    expect(items[0]?.textContent).toContain('never opened')
    expect(screen.getByText('Attempt').nextSibling?.textContent).toBe('2')
  })

  test('names the pattern it finds with its advice', async () => {
    const { connection, clock } = fakeConnection({
      retry: { jitter: 'none', initialDelay: 10, maxDelay: 10 },
    })
    const { container } = render(<ConnectionInspector target={connection} />)
    step(() => connection.connect())
    for (let i = 0; i < 2; i++) {
      step(() => lastSocket().open())
      step(() => lastSocket().closeFromServer(1011, 'crash'))
      step(() => clock.next())
    }
    const diagnosis = container.querySelector('[data-id="server-error"]')
    expect(diagnosis?.getAttribute('data-severity')).toBe('error')
    expect(diagnosis?.textContent).toMatch(/1011/)
    const results = await axe.run(container)
    expect(results.violations).toEqual([])
  })

  test('shows a gateway that ends connections at 2 h as lifetime-cap, with the limit named', async () => {
    const { connection, clock } = fakeConnection({
      retry: { jitter: 'none', initialDelay: 10, maxDelay: 10 },
    })
    const { container } = render(<ConnectionInspector target={connection} />)
    step(() => connection.connect())
    for (let i = 0; i < 3; i++) {
      step(() => lastSocket().open())
      // A busy stream: the last message came a second before the gateway's 2-hour limit.
      step(() => clock.advance(2 * 60 * 60_000 - 1_000))
      step(() => lastSocket().receive('{"price":1}'))
      step(() => clock.advance(1_000))
      step(() => lastSocket().closeFromServer(1001, 'Going away'))
      step(() => clock.next())
    }
    const diagnosis = container.querySelector('[data-id="lifetime-cap"]')
    expect(diagnosis?.getAttribute('data-severity')).toBe('warning')
    expect(diagnosis?.querySelector('strong')?.textContent).toBe(
      'warning: 3 connections closed after being open for about 2 h (1001 Going Away ×3), however long they had ' +
        'been quiet: something ends connections at a fixed age, likely the 2-hour connection duration limit of AWS ' +
        'API Gateway WebSocket APIs.',
    )
    expect(diagnosis?.querySelector('small')?.textContent).toBe('lifetime-cap, from 3 disconnects')
    const results = await axe.run(container)
    expect(results.violations).toEqual([])
  })

  test('shows a server that went away without closing its sockets as abrupt-shutdown, with the drain advice', () => {
    const { connection, clock } = fakeConnection({
      retry: { jitter: 'none', initialDelay: 10, maxDelay: 10 },
    })
    const { container } = render(<ConnectionInspector target={connection} />)
    step(() => connection.connect())
    step(() => lastSocket().open())
    step(() => clock.advance(10 * 60_000))
    // The process exits: the TCP connection ends with no close frame, and nothing listens for a while.
    step(() => lastSocket().closeFromServer(1006))
    for (let i = 0; i < 2; i++) {
      step(() => clock.next())
      step(() => lastSocket().closeFromServer(1006))
    }
    step(() => clock.next())
    step(() => lastSocket().open())
    const diagnosis = container.querySelector('[data-id="abrupt-shutdown"]')
    expect(diagnosis?.getAttribute('data-severity')).toBe('warning')
    expect(diagnosis?.querySelector('strong')?.textContent).toBe(
      'warning: 1 connection dropped without a close frame (1006 Abnormal Closure), and 2 attempts failed while ' +
        'the server was away: the server went away without closing its sockets, as when it crashes or a deploy ' +
        'stops it without draining.',
    )
    expect(diagnosis?.querySelector('p')?.textContent).toContain(
      'drain({ windowMs }) from react-lifeline/server',
    )
    expect(diagnosis?.querySelector('small')?.textContent).toBe('abrupt-shutdown, from 3 disconnects')
  })
})
