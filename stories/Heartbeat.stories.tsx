import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useState, useSyncExternalStore } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { ConnectionBanner, useWebSocket } from '../src'
import { useStoryConnection } from './support/environment'
import { MockSocketServer } from './support/mock-server'
import { Button, Facts, factText, formatClose, formatMs, Panel, styles } from './support/ui'
import '../src/react/banner.css'

const server = new MockSocketServer('ws://127.0.0.1:8790/heartbeat', { pongDelayMs: 40, pongJitterMs: 30 })

interface HeartbeatArgs {
  /** Milliseconds between pings. */
  interval: number
  /** Milliseconds to wait for any frame after a ping before the connection counts as dead. */
  timeout: number
}

function HeartbeatDemo({ interval, timeout }: HeartbeatArgs) {
  const connection = useStoryConnection(
    server.url,
    { heartbeat: { interval, timeout }, retry: { initialDelay: 150, maxDelay: 600, jitter: 'none' } },
    [interval, timeout],
  )
  const { status, latency, lastClose } = useWebSocket(connection)
  const [samples, setSamples] = useState<number[]>([])
  const [pongs, setPongs] = useState(0)
  const serverMode = useSyncExternalStore(server.subscribe, () => server.getMode())
  const slow = useSyncExternalStore(server.subscribe, () => (server.getOptions().pongDelayMs ?? 0) >= 200)

  // Each pong sets a new latency; keep the last few as a small history.
  useEffect(() => {
    if (latency === null) return
    setSamples((list) => [...list.slice(-9), latency])
    setPongs((count) => count + 1)
  }, [latency])

  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 640 }}>
      {connection ? <ConnectionBanner target={connection} showAfterMs={200} /> : null}
      <Panel title="Heartbeat">
        <Facts
          label="Connection"
          items={[
            ['Status', status],
            ['Latency', latency === null ? 'waiting for the first pong' : `${Math.round(latency)} ms`],
            ['Round trips', String(pongs)],
            ['Last close', lastClose ? `${formatClose(lastClose)} (${lastClose.initiator})` : 'none yet'],
            ['Server', serverMode === 'silent' ? 'not answering' : slow ? 'answering slowly' : 'answering'],
          ]}
        />
        <ol
          aria-label="Recent round trips"
          style={{ ...styles.row, listStyle: 'none', margin: '8px 0 0', padding: 0 }}
        >
          {samples.map((sample, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a rolling window of numbers; position is the identity
            <li key={index} style={{ ...styles.muted, fontVariantNumeric: 'tabular-nums' }}>
              {formatMs(sample)}
            </li>
          ))}
        </ol>
      </Panel>
      <Panel title="Simulate">
        <div style={styles.row}>
          <Button onClick={() => server.goSilent()}>Server stops answering</Button>
          <Button onClick={() => server.heal()}>Server answers again</Button>
          <Button onClick={() => server.configure({ pongDelayMs: slow ? 40 : 250 })}>
            {slow ? 'Fast network' : 'Slow network'}
          </Button>
        </div>
      </Panel>
    </div>
  )
}

const meta = {
  title: 'Examples/Heartbeat',
  component: HeartbeatDemo,
  args: { interval: 300, timeout: 500 },
  argTypes: {
    interval: { control: { type: 'range', min: 100, max: 5000, step: 100 } },
    timeout: { control: { type: 'range', min: 100, max: 5000, step: 100 } },
  },
  beforeEach: () => server.reset(),
  parameters: {
    msw: { handlers: [server.handler] },
    docs: {
      description: {
        component:
          'With `heartbeat` on, the connection pings every `interval` ms and shows the round trip as `latency`. ' +
          'A server (or a proxy, or a NAT) that stops answering is found within `interval + timeout` instead of ' +
          'whenever TCP notices, and the connection moves on at once.',
      },
    },
  },
} satisfies Meta<typeof HeartbeatDemo>

export default meta
type Story = StoryObj<typeof meta>

export const LiveLatency: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const facts = canvas.getByLabelText('Connection')
    await waitFor(() => expect(factText(facts, 'Latency')).toMatch(/^\d+ ms$/))
    // Latency keeps arriving: several round trips, each a few tens of milliseconds.
    await waitFor(() => expect(Number(factText(facts, 'Round trips'))).toBeGreaterThanOrEqual(3))
    const trips = canvas.getByRole('list', { name: 'Recent round trips' })
    expect(within(trips).getAllByRole('listitem').length).toBeGreaterThanOrEqual(3)
  },
}

export const SlowNetwork: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const facts = canvas.getByLabelText('Connection')
    await waitFor(() => expect(factText(facts, 'Latency')).toMatch(/^\d+ ms$/))
    await userEvent.click(canvas.getByRole('button', { name: 'Slow network' }))
    await waitFor(() => expect(factText(facts, 'Server')).toBe('answering slowly'))
    await waitFor(() => expect(Number.parseInt(factText(facts, 'Latency'), 10)).toBeGreaterThanOrEqual(250))
  },
}

export const ServerStopsAnswering: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const facts = canvas.getByLabelText('Connection')
    await waitFor(() => expect(factText(facts, 'Latency')).toMatch(/^\d+ ms$/))

    await userEvent.click(canvas.getByRole('button', { name: 'Server stops answering' }))
    const banner = canvas.getByRole('status')
    // No pong within the timeout: the connection is declared dead and replaced.
    await waitFor(() => expect(factText(facts, 'Last close')).toContain('"heartbeat timeout" (heartbeat)'))
    await waitFor(() => expect(banner).toHaveTextContent(/Reconnecting/))

    const roundTrips = Number(factText(facts, 'Round trips'))
    await userEvent.click(canvas.getByRole('button', { name: 'Server answers again' }))
    // Pongs come back on the new socket, and the banner says the connection recovered.
    await waitFor(() => expect(Number(factText(facts, 'Round trips'))).toBeGreaterThan(roundTrips))
    await waitFor(() => expect(banner).toHaveTextContent('Reconnected'))
    expect(factText(facts, 'Status')).toBe('open')
  },
}
