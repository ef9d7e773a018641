import { act, fireEvent, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import axe from 'axe-core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { ConnectionInspector } from '../../src/react/ConnectionInspector'
import { fakeConnection, lastSocket, step } from './helpers'

/** A connection that opened and was dropped three times, the last with a reason carrying a token. */
function droppedThrice() {
  const made = fakeConnection({ retry: { jitter: 'none', initialDelay: 100, maxDelay: 100 } })
  const { connection, clock } = made
  step(() => connection.connect())
  for (const [code, reason] of [
    [1006, ''],
    [1011, 'crash'],
    [4000, 'see wss://api.test/x?token=s3cret'],
  ] as const) {
    step(() => lastSocket().open())
    step(() => clock.advance(2_000))
    step(() => lastSocket().closeFromServer(code, reason))
    step(() => clock.next())
  }
  return made
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('ConnectionInspector timeline, figures and report', () => {
  test('draws each drop as a mark named by its close record, one tab stop, arrows move between them', async () => {
    const { connection } = droppedThrice()
    const { container } = render(<ConnectionInspector target={connection} />)
    const marks = screen.getAllByRole('button', { name: /^\d/ })
    expect(marks.map((mark) => mark.getAttribute('data-code'))).toEqual(['1006', '1011', '4000'])
    expect(marks[1]!.getAttribute('aria-label')).toMatch(
      /1011 Internal Error "crash" \(by server, open for 2\.0 s, idle for 2\.0 s\)/,
    )
    // The newest is the one tab stop and the record shown.
    expect(marks.map((mark) => mark.getAttribute('tabindex'))).toEqual(['-1', '-1', '0'])
    expect(container.querySelector('.lifeline-inspector__record')?.textContent).toContain('4000')

    const user = userEvent.setup()
    act(() => marks[2]!.focus())
    await user.keyboard('{ArrowLeft}')
    expect(document.activeElement).toBe(marks[1])
    expect(container.querySelector('.lifeline-inspector__record')?.textContent).toContain(
      '1011 Internal Error "crash"',
    )
    await user.keyboard('{Home}')
    expect(document.activeElement).toBe(marks[0])
    fireEvent.mouseEnter(marks[2]!)
    expect(container.querySelector('.lifeline-inspector__record')?.textContent).toContain('4000')
    expect(screen.getByText(/Last 1 min: 3 disconnects; bars are open periods\./)).toBeTruthy()
    expect(container.querySelectorAll('.lifeline-inspector__open')).toHaveLength(3)

    const results = await axe.run(container)
    expect(results.violations).toEqual([])
    // axe in jsdom takes seconds on a loaded machine.
  }, 20_000)

  test('Copy report puts the redacted JSON report on the clipboard and says so', async () => {
    const { connection } = droppedThrice()
    const writeText = vi.fn().mockResolvedValue(undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    render(<ConnectionInspector target={connection} />)
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy report' })))
    const report = JSON.parse(writeText.mock.calls[0]![0])
    expect(report.message).toMatch(/^WebSocket closed: 4000 Application Code/)
    expect(report.history).toHaveLength(3)
    expect(JSON.stringify(report)).not.toContain('s3cret')
    expect(screen.getByRole('status')?.textContent).toContain('Report copied (JSON, secrets redacted).')
  })

  test('shows the report to select by hand when the clipboard is refused', async () => {
    const { connection } = fakeConnection()
    vi.stubGlobal('navigator', {
      ...navigator,
      clipboard: { writeText: () => Promise.reject(new Error('denied')) },
    })
    render(<ConnectionInspector target={connection} />)
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy report' })))
    expect(screen.getByRole('status')?.textContent).toContain('The clipboard is not available')
    const text = within(screen.getByRole('region', { name: 'Connection inspector' })).getByRole('textbox', {
      name: 'Report (JSON)',
    })
    expect(JSON.parse((text as HTMLTextAreaElement).value).message).toBe('No disconnect recorded')
  })

  test('reads messages in and out per second once a second', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const { connection, clock } = fakeConnection()
      step(() => connection.connect())
      step(() => lastSocket().open())
      render(<ConnectionInspector target={connection} />)
      expect(screen.getByText('Messages in').nextElementSibling?.textContent).toContain('—')
      for (let i = 0; i < 6; i++) step(() => lastSocket().receive(`{"n":${i}}`))
      connection.send('hello')
      clock.advance(1_000)
      act(() => vi.advanceTimersByTime(1_000))
      expect(screen.getByText('Messages in').nextElementSibling?.textContent).toContain('6.0 /s')
      expect(screen.getByText('Messages out').nextElementSibling?.textContent).toContain('1.0 /s')
    } finally {
      vi.useRealTimers()
    }
  })

  test('reads a stream of one message every 2 s as a steady 0.5 /s, over the last 10 s', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const { connection, clock } = fakeConnection()
      step(() => connection.connect())
      step(() => lastSocket().open())
      render(<ConnectionInspector target={connection} />)
      const shown: string[] = []
      for (let second = 1; second <= 40; second++) {
        if (second % 2 === 0) step(() => lastSocket().receive(`{"n":${second}}`))
        clock.advance(1_000)
        act(() => vi.advanceTimersByTime(1_000))
        if (second >= 10) shown.push(screen.getByText('Messages in').nextElementSibling?.textContent ?? '')
      }
      expect(new Set(shown)).toEqual(new Set(['0.5 /s']))
    } finally {
      vi.useRealTimers()
    }
  })
})
