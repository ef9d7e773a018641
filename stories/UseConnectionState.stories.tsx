import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useRef } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { useConnectionState, useWebSocket } from '../src'
import { MockSocketServer } from './support/mock-server'
import { Button, Panel, styles } from './support/ui'

const TICKER_URL = 'ws://127.0.0.1:8790/ticker'
let tick = 0
// The ticker's script: a burst of numbered messages on request.
const ticker = new MockSocketServer(TICKER_URL, {
  onMessage(data, client) {
    const message = typeof data === 'string' ? JSON.parse(data) : null
    if (message?.type !== 'burst') return
    for (let i = 0; i < message.count; i += 1) {
      tick += 1
      client.send(JSON.stringify({ tick }))
    }
  },
})

/**
 * Counts commits without causing any: the count is written straight into the DOM, so showing it
 * does not re-render the component being measured.
 */
function useCommitCounter() {
  const output = useRef<HTMLOutputElement>(null)
  const commits = useRef(0)
  useEffect(() => {
    commits.current += 1
    if (output.current) output.current.textContent = String(commits.current)
  })
  return output
}

/** Reads only `status` through a selector: messages never re-render it. */
function StatusDot() {
  const status = useConnectionState(TICKER_URL, (state) => state.status)
  const commits = useCommitCounter()
  return (
    <Panel title="Status dot">
      <p style={{ margin: 0 }}>
        <span aria-hidden="true" style={{ color: status === 'open' ? '#1a7f37' : '#bf8700' }}>
          ●
        </span>{' '}
        {status}
      </p>
      <p style={{ margin: '4px 0 0', ...styles.muted }}>
        Rendered <output ref={commits} aria-label="Status dot renders" /> times
      </p>
    </Panel>
  )
}

/** Reads `lastJsonMessage`: re-renders for every message, as it should. */
function Feed() {
  const { lastJsonMessage } = useWebSocket<{ tick: number }>(TICKER_URL)
  const commits = useCommitCounter()
  return (
    <Panel title="Feed">
      <p style={{ margin: 0 }}>Tick {lastJsonMessage ? lastJsonMessage.tick : '–'}</p>
      <p style={{ margin: '4px 0 0', ...styles.muted }}>
        Rendered <output ref={commits} aria-label="Feed renders" /> times
      </p>
    </Panel>
  )
}

/** Holds the connection and reads nothing but the actions: it never re-renders. */
function Controls() {
  const { sendJson } = useWebSocket(TICKER_URL)
  const commits = useCommitCounter()
  return (
    <Panel title="Controls">
      <div style={styles.row}>
        <Button onClick={() => sendJson({ type: 'burst', count: 20 })}>Ask for 20 messages</Button>
      </div>
      <p style={{ margin: '4px 0 0', ...styles.muted }}>
        Rendered <output ref={commits} aria-label="Controls renders" /> times
      </p>
    </Panel>
  )
}

function TrackedRenders() {
  return (
    <div
      style={{
        display: 'grid',
        gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
        gap: 12,
        maxWidth: 760,
      }}
    >
      <StatusDot />
      <Feed />
      <Controls />
    </div>
  )
}

const meta = {
  title: 'Examples/useConnectionState',
  component: TrackedRenders,
  beforeEach: () => {
    ticker.reset()
    tick = 0
  },
  parameters: {
    msw: { handlers: [ticker.handler] },
    docs: {
      description: {
        component:
          'Three components share one socket by URL. `useConnectionState` with a selector, and `useWebSocket` ' +
          'reading only what it needs, re-render only when what they read changes: a burst of messages ' +
          're-renders the feed, not the status dot or the buttons.',
      },
    },
  },
} satisfies Meta<typeof TrackedRenders>

export default meta
type Story = StoryObj<typeof meta>

export const RendersOnlyForWhatItReads: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await canvas.findByText('open')
    const dot = canvas.getByLabelText('Status dot renders')
    const feed = canvas.getByLabelText('Feed renders')
    const controls = canvas.getByLabelText('Controls renders')
    const before = { dot: dot.textContent, controls: controls.textContent, feed: Number(feed.textContent) }

    await userEvent.click(canvas.getByRole('button', { name: 'Ask for 20 messages' }))
    await canvas.findByText('Tick 20')
    await waitFor(() => expect(Number(feed.textContent)).toBeGreaterThan(before.feed))
    expect(dot.textContent).toBe(before.dot)
    expect(controls.textContent).toBe(before.controls)
  },
}
