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
})
