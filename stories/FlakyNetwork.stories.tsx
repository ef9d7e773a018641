import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo, useSyncExternalStore } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { ConnectionBanner, type ConnectionOptions, describeCloseCode, diagnose, useWebSocket } from '../src'
import { useStoryConnection } from './support/environment'
import { MockSocketServer } from './support/mock-server'
import { liveControls, mockControls, type ServerControls } from './support/server-controls'
import {
  Button,
  Facts,
  factText,
  formatClose,
  formatMs,
  formatTime,
  Panel,
  styles,
  useNow,
} from './support/ui'
import '../src/react/banner.css'

const mockServer = new MockSocketServer('ws://127.0.0.1:8790/playground', {
  pongDelayMs: 20,
  pongJitterMs: 20,
})
const MOCK = mockControls(mockServer)

const LIVE_URL = 'ws://127.0.0.1:8787/playground'
const LIVE = liveControls('http://127.0.0.1:8787/control')

/** What the server buttons send: a close frame with a code, or something worse. */
const CLOSES: readonly { code: number; reason: string }[] = [
  { code: 1000, reason: 'Session over' },
  { code: 1001, reason: 'Server restarting' },
  { code: 1008, reason: 'Token expired' },
  { code: 1011, reason: 'Unexpected error' },
  { code: 1013, reason: 'Overloaded' },
]

interface PlaygroundArgs {
  /** `mock`: a server scripted in the page (react-lifeline/testing). `live`: scripts/demo-server.mjs on 127.0.0.1:8787. */
  backend: 'mock' | 'live'
  initialDelay: number
  maxDelay: number
  jitter: 'full' | 'equal' | 'none'
  /** 0 means no limit. */
  maxAttempts: number
  minUptime: number
  heartbeatInterval: number
  heartbeatTimeout: number
  showAfterMs: number
}

function FlakyNetworkPlayground(args: PlaygroundArgs) {
  const {
    backend,
    initialDelay,
    maxDelay,
    jitter,
    maxAttempts,
    minUptime,
    heartbeatInterval,
    heartbeatTimeout,
  } = args
  const server = backend === 'live' ? LIVE : MOCK
  const url = backend === 'live' ? LIVE_URL : mockServer.url
  const options: ConnectionOptions = {
    retry: {
      initialDelay,
      maxDelay,
      jitter,
      minUptime,
      maxAttempts: maxAttempts > 0 ? maxAttempts : Number.POSITIVE_INFINITY,
    },
    heartbeat: { interval: heartbeatInterval, timeout: heartbeatTimeout },
    historySize: 50,
  }
  const connection = useStoryConnection(url, options, [JSON.stringify(options)])
  const { status, attempt, nextRetryAt, lastClose, latency, queued, connect, reconnect, close } =
    useWebSocket(connection)
  const now = useNow(nextRetryAt !== null, 100)

  // The history changes exactly when lastClose does.
  // biome-ignore lint/correctness/useExhaustiveDependencies: lastClose is the change signal for getHistory()
  const history = useMemo(() => connection?.getHistory() ?? [], [connection, lastClose])
  const diagnoses = useMemo(() => diagnose(history, { minUptime }), [history, minUptime])

  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 980 }}>
      {connection ? <ConnectionBanner target={connection} showAfterMs={args.showAfterMs} /> : null}
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(300px, 1fr))', gap: 12 }}>
        <Panel title="Connection">
          <Facts
            label="Connection state"
            items={[
              ['URL', <code key="url">{url}</code>],
              ['Status', status],
              ['Attempt', String(attempt)],
              ['Next retry', nextRetryAt === null ? '–' : `in ${formatMs(Math.max(0, nextRetryAt - now))}`],
              ['Latency', formatMs(latency)],
              ['Queued', String(queued)],
              ['Last close', lastClose ? `${formatClose(lastClose)} by ${lastClose.initiator}` : 'none yet'],
            ]}
          />
          <div style={{ ...styles.row, marginTop: 10 }}>
            <Button onClick={connect}>Connect</Button>
            <Button onClick={reconnect}>Reconnect</Button>
            <Button onClick={() => close(1000, 'Closed by the page')}>Close</Button>
          </div>
        </Panel>
        <ServerPanel server={server} />
      </div>
      <Panel title="History">
        {history.length === 0 ? (
          <p style={{ margin: 0, ...styles.muted }}>No disconnects yet.</p>
        ) : (
          <table style={styles.table}>
            <thead>
              <tr>
                {['Time', 'Code', 'Name', 'Reason', 'By', 'Open for'].map((heading) => (
                  <th key={heading} scope="col" style={styles.cell}>
                    {heading}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...history].reverse().map((record) => (
                <tr key={`${record.at}-${record.code}-${record.initiator}`}>
                  <td style={styles.cell}>{formatTime(record.at)}</td>
                  <td style={styles.cell}>{record.code}</td>
                  <td style={styles.cell}>{record.info.name}</td>
                  <td style={styles.cell}>{record.reason || '–'}</td>
                  <td style={styles.cell}>{record.initiator}</td>
                  <td style={styles.cell}>
                    {record.openForMs === null ? 'never opened' : formatMs(record.openForMs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Diagnosis">
        {diagnoses.length === 0 ? (
          <p style={{ margin: 0, ...styles.muted }}>No pattern yet: a single drop is not a diagnosis.</p>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {diagnoses.map((diagnosis) => (
              <li key={diagnosis.id} data-diagnosis={diagnosis.id}>
                <strong>
                  {diagnosis.severity}: {diagnosis.summary}
                </strong>{' '}
                <span style={styles.muted}>{diagnosis.advice}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  )
}

function ServerPanel({ server }: { server: ServerControls }) {
  const mode = useSyncExternalStore(server.subscribe, server.getMode)
  const events = useSyncExternalStore(server.subscribe, server.getEvents)
  const title = server.kind === 'live' ? 'Server: scripts/demo-server.mjs' : 'Server: mocked in the page'
  return (
    <Panel title={title}>
      <p style={{ margin: '0 0 8px' }}>
        Mode: <strong>{mode}</strong>
      </p>
      <div style={styles.row}>
        {CLOSES.map(({ code, reason }) => (
          <Button
            key={code}
            onClick={() => server.closeAll(code, reason)}
            title={describeCloseCode(code).description}
          >
            {`Close ${code} · ${describeCloseCode(code).name}`}
          </Button>
        ))}
        <Button onClick={() => server.drop()} title={describeCloseCode(1006).description}>
          Drop · 1006, no close frame
        </Button>
        <Button onClick={() => server.goSilent()}>Go silent</Button>
        <Button onClick={() => server.refuse(3000)}>Refuse connections for 3 s</Button>
        <Button onClick={() => server.flap(300, 5000)}>Flap for 5 s</Button>
        <Button onClick={() => server.heal()}>Heal</Button>
      </div>
      <ol
        aria-label="Server log"
        style={{ margin: '10px 0 0', paddingLeft: 18, fontSize: 13, maxHeight: 160, overflow: 'auto' }}
      >
        {events.slice(-8).map((event) => (
          <li key={`${event.at}-${event.text}`}>
            <span style={styles.muted}>{formatTime(event.at)}</span> {event.text}
          </li>
        ))}
      </ol>
    </Panel>
  )
}

const meta = {
  title: 'Playground/Flaky network',
  component: FlakyNetworkPlayground,
  args: {
    backend: 'mock',
    initialDelay: 250,
    maxDelay: 2000,
    jitter: 'equal',
    maxAttempts: 0,
    minUptime: 2000,
    heartbeatInterval: 1000,
    heartbeatTimeout: 800,
    showAfterMs: 300,
  },
  argTypes: {
    backend: { control: false },
    jitter: { control: 'inline-radio', options: ['full', 'equal', 'none'] },
    initialDelay: { control: { type: 'number', min: 0, step: 50 } },
    maxDelay: { control: { type: 'number', min: 0, step: 250 } },
    maxAttempts: { control: { type: 'number', min: 0, step: 1 } },
  },
  beforeEach: () => mockServer.reset(),
  parameters: {
    msw: { handlers: [mockServer.handler] },
    docs: {
      description: {
        component:
          'Make the server misbehave and watch the connection cope: close codes and what the retry policy does with ' +
          'them, drops without a close frame, a silent server caught by the heartbeat, refused connections, flapping. ' +
          'The history and the diagnosis fill in as you go. The **Live** story does the same against ' +
          '`scripts/demo-server.mjs` (started by `npm start`).',
      },
    },
  },
} satisfies Meta<typeof FlakyNetworkPlayground>

export default meta
type Story = StoryObj<typeof meta>

const stateOf = (canvasElement: HTMLElement) => within(canvasElement).getByLabelText('Connection state')

async function waitUntilOpen(canvasElement: HTMLElement) {
  await waitFor(() => expect(factText(stateOf(canvasElement), 'Status')).toBe('open'))
}

async function press(canvasElement: HTMLElement, name: string | RegExp) {
  await userEvent.click(within(canvasElement).getByRole('button', { name }))
}

/** The playground, untouched: press the server's buttons and watch. */
export const Playground: Story = {
  play: async ({ canvasElement }) => {
    await waitUntilOpen(canvasElement)
    expect(within(canvasElement).getByText('No disconnects yet.')).toBeVisible()
    expect(factText(stateOf(canvasElement), 'Last close')).toBe('none yet')
  },
}

/** Close codes: retried ones come back by themselves, 1008 fails until asked, 1000 stays closed. */
export const CloseCodes: Story = {
  play: async ({ canvasElement }) => {
    const facts = stateOf(canvasElement)
    await waitUntilOpen(canvasElement)

    await press(canvasElement, /^Close 1011/)
    await waitFor(() =>
      expect(factText(facts, 'Last close')).toBe('1011 Internal Error "Unexpected error" by server'),
    )
    await waitUntilOpen(canvasElement)

    await press(canvasElement, /^Close 1001/)
    await waitFor(() => expect(factText(facts, 'Last close')).toContain('1001 Going Away'))
    await waitUntilOpen(canvasElement)

    await press(canvasElement, /^Close 1008/)
    const alert = await within(canvasElement).findByRole('alert')
    await waitFor(() => expect(alert).toHaveTextContent('Failed: Policy Violation'))
    expect(factText(facts, 'Status')).toBe('failed')
    await press(canvasElement, 'Connect')
    await waitUntilOpen(canvasElement)

    await press(canvasElement, /^Close 1000/)
    await waitFor(() => expect(factText(facts, 'Status')).toBe('closed'))
    await press(canvasElement, 'Connect')
    await waitUntilOpen(canvasElement)

    const history = within(canvasElement).getByRole('table')
    for (const code of ['1011', '1001', '1008', '1000']) {
      expect(within(history).getByRole('cell', { name: code })).toBeVisible()
    }
  },
}

/** A drop with no close frame is 1006 and is retried. */
export const AbnormalClosure: Story = {
  play: async ({ canvasElement }) => {
    const facts = stateOf(canvasElement)
    await waitUntilOpen(canvasElement)
    await press(canvasElement, /^Drop/)
    await waitFor(() => expect(factText(facts, 'Last close')).toBe('1006 Abnormal Closure by server'))
    await waitUntilOpen(canvasElement)
  },
}

/** 1013 Try Again Later waits at least half of maxDelay before the next attempt. */
export const TryAgainLater: Story = {
  play: async ({ canvasElement, args }) => {
    const facts = stateOf(canvasElement)
    await waitUntilOpen(canvasElement)
    await press(canvasElement, /^Close 1013/)
    await waitFor(() => expect(factText(facts, 'Next retry')).toMatch(/^in /))
    const waitMs = Number.parseFloat(factText(facts, 'Next retry').slice(3)) * 1000
    expect(waitMs).toBeGreaterThanOrEqual(args.maxDelay / 2 - 200)
    await waitUntilOpen(canvasElement)
  },
}

/** The server stops answering: the heartbeat notices, the connection is replaced. */
export const SilentServer: Story = {
  args: { heartbeatInterval: 300, heartbeatTimeout: 400 },
  play: async ({ canvasElement }) => {
    const facts = stateOf(canvasElement)
    await waitUntilOpen(canvasElement)
    await press(canvasElement, 'Go silent')
    await waitFor(() => expect(factText(facts, 'Last close')).toContain('by heartbeat'))
    await press(canvasElement, 'Heal')
    await waitUntilOpen(canvasElement)
    await waitFor(() => expect(factText(facts, 'Latency')).toMatch(/ms$/))
  },
}

/** Refused connections: attempts pile up with growing delays until the server is back. */
export const RefusedConnections: Story = {
  args: { initialDelay: 100, maxDelay: 400, jitter: 'none' },
  play: async ({ canvasElement }) => {
    const facts = stateOf(canvasElement)
    await waitUntilOpen(canvasElement)
    await press(canvasElement, 'Refuse connections for 3 s')
    await waitFor(() => expect(Number(factText(facts, 'Attempt'))).toBeGreaterThanOrEqual(2))
    expect(factText(facts, 'Status')).toBe('reconnecting')
    expect(
      within(canvasElement).getAllByRole('cell', { name: 'never opened' }).length,
    ).toBeGreaterThanOrEqual(1)
    await press(canvasElement, 'Heal')
    await waitUntilOpen(canvasElement)
  },
}

/** Flapping: every socket is cut soon after opening; the diagnosis names the pattern. */
export const Flapping: Story = {
  args: { initialDelay: 100, maxDelay: 400, jitter: 'none' },
  play: async ({ canvasElement }) => {
    await waitUntilOpen(canvasElement)
    await press(canvasElement, 'Flap for 5 s')
    const diagnosis = within(canvasElement).getByRole('region', { name: 'Diagnosis' })
    await waitFor(() => expect(diagnosis).toHaveTextContent(/warning: 3 connections in a row closed/), {
      timeout: 5000,
    })
    await press(canvasElement, 'Heal')
    await waitUntilOpen(canvasElement)
  },
}

/**
 * The same playground against a real server: run `npm start` (or `npm run demo-server`) and
 * the buttons drive scripts/demo-server.mjs on 127.0.0.1:8787. Not part of the test run.
 */
export const Live: Story = {
  tags: ['live', '!test'],
  args: { backend: 'live' },
  parameters: { msw: { handlers: [] } },
  play: async ({ canvasElement }) => {
    await waitUntilOpen(canvasElement)
  },
}
