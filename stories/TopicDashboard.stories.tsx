import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { type Connection, ConnectionBanner, lifelineTopics, useTopic } from '../src'
import { useStoryConnection } from './support/environment'
import { LineControls } from './support/line-controls'
import { SYMBOLS } from './support/tickers.mjs'
import { type TopicBackend, type TopicBackendKind, topicBackend } from './support/topic-backend'
import { MockTopicServer } from './support/topic-server'
import { Button, Panel, styles } from './support/ui'
import '../src/react/banner.css'

interface Quote {
  price: number
}

const server = new MockTopicServer('ws://127.0.0.1:8790/topics/dashboard')
const prices = new Map<string, number>()

function publishQuote(
  symbol: string,
  price?: number,
  backend: TopicBackend = topicBackend('mock', server, ''),
): void {
  const last = prices.get(symbol) ?? 100
  const next = price ?? Math.max(1, Math.round((last + (Math.random() - 0.5) * 4) * 100) / 100)
  prices.set(symbol, next)
  backend.publish(`ticker:${symbol}`, { price: next } satisfies Quote)
}

/**
 * One ticker: it reads `status` and `lastMessage` of its own topic, so it renders when its
 * topic changes and for nothing else. The count is of commits, written after each one, so
 * counting does not itself render.
 */
function TickerCard({ connection, symbol }: { connection: Connection | null; symbol: string }) {
  const { status, lastMessage } = useTopic<Quote>(connection, `ticker:${symbol}`)
  const commits = useRef(0)
  const shown = useRef<HTMLElement>(null)
  useLayoutEffect(() => {
    commits.current += 1
    if (shown.current) shown.current.textContent = String(commits.current)
  })
  return (
    <article aria-label={symbol} style={{ ...styles.panel, display: 'grid', gap: 2 }}>
      <h3 style={{ margin: 0, fontSize: 14 }}>{symbol}</h3>
      <p data-field="price" style={{ margin: 0, fontSize: 22, fontVariantNumeric: 'tabular-nums' }}>
        {lastMessage ? lastMessage.price.toFixed(2) : '–'}
      </p>
      <p style={{ margin: 0, fontSize: 13, ...styles.muted }}>
        <span data-field="status">{status}</span> · renders <strong data-field="renders" ref={shown} />
      </p>
    </article>
  )
}

/** The page publishes quotes on the server's side, as a market feed would. */
function useFeed(running: boolean, perSecond: number): void {
  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => {
      const symbol = SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)]!
      publishQuote(symbol)
    }, 1000 / perSecond)
    return () => clearInterval(timer)
  }, [running, perSecond])
}

function SocketCount({ backend }: { backend: TopicBackend }) {
  if (backend.kind === 'live') return <p style={{ margin: 0 }}>{SYMBOLS.length} topics over one socket</p>
  return <MockSocketCount />
}

function MockSocketCount() {
  const opened = useSyncExternalStore(server.socket.subscribe, () => server.socket.getConnectionCount())
  const open = useSyncExternalStore(server.socket.subscribe, () => server.socket.getOpenCount())
  return (
    <p style={{ margin: 0 }}>
      {SYMBOLS.length} topics over <strong>{open}</strong> open socket{open === 1 ? '' : 's'} ({opened} opened
      so far)
    </p>
  )
}

interface DashboardArgs {
  /** `mock`: a lifeline-protocol server in the page. `live`: scripts/demo-server.mjs (`npm start`), which publishes the quotes itself. */
  backend: TopicBackendKind
  /** Quotes a second from the page's feed (mock only). */
  perSecond: number
}

function Dashboard({ backend: kind, perSecond }: DashboardArgs) {
  const backend = topicBackend(kind, server, '/topics/dashboard')
  const connection = useStoryConnection(
    backend.url,
    { topics: lifelineTopics(), retry: { initialDelay: 200 } },
    [backend.url],
  )
  const [running, setRunning] = useState(true)
  useFeed(kind === 'mock' && running, perSecond)
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 980 }}>
      {connection ? <ConnectionBanner target={connection} showAfterMs={300} /> : null}
      <section
        aria-label="Tickers"
        style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))', gap: 8 }}
      >
        {SYMBOLS.map((symbol) => (
          <TickerCard key={symbol} connection={connection} symbol={symbol} />
        ))}
      </section>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(300px, 1fr))', gap: 12 }}>
        <Panel title="Feed">
          <SocketCount backend={backend} />
          <div style={{ ...styles.row, marginTop: 8 }}>
            {kind === 'mock' ? (
              <button
                type="button"
                aria-pressed={!running}
                onClick={() => setRunning((value) => !value)}
                style={styles.button}
              >
                Pause feed
              </button>
            ) : null}
            <Button onClick={() => publishQuote('ACME', undefined, backend)}>Publish one ACME quote</Button>
          </div>
        </Panel>
        <LineControls controls={backend.controls} />
      </div>
    </div>
  )
}

const meta = {
  title: 'Topics/Live dashboard',
  component: Dashboard,
  args: { backend: 'mock', perSecond: 20 },
  argTypes: {
    backend: { control: false },
    perSecond: { control: { type: 'range', min: 1, max: 200, step: 1 } },
  },
  beforeEach: () => {
    server.reset()
    prices.clear()
  },
  parameters: {
    msw: { handlers: [server.handler] },
    docs: {
      description: {
        component:
          'Twelve tickers, each a topic on one shared socket: every card calls `useTopic(connection, ' +
          '`ticker:<symbol>`)` and shows how many times it rendered. A quote re-renders its own card and no other. ' +
          'Cut the line and restore it: every topic resubscribes from where it stopped on the new socket.',
      },
    },
  },
} satisfies Meta<typeof Dashboard>

export default meta
type Story = StoryObj<typeof meta>

const card = (canvasElement: HTMLElement, symbol: string) =>
  within(within(canvasElement).getByRole('region', { name: 'Tickers' })).getByRole('article', {
    name: symbol,
  })
const field = (element: HTMLElement, name: string) =>
  element.querySelector(`[data-field="${name}"]`)?.textContent ?? ''

/** Every card is live on one socket; a quote for ACME re-renders ACME's card only. */
export const RendersOnlyItsTopic: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    for (const symbol of SYMBOLS)
      await waitFor(() => expect(field(card(canvasElement, symbol), 'status')).toBe('live'))
    await userEvent.click(canvas.getByRole('button', { name: 'Pause feed' }))
    expect(canvas.getByRole('button', { name: 'Pause feed' })).toHaveAttribute('aria-pressed', 'true')
    // One socket carries the twelve topics.
    expect(canvas.getByText(/12 topics over/)).toHaveTextContent('12 topics over 1 open socket')

    // Messages arrive in order on the one socket: once this one shows, every earlier quote has.
    publishQuote('ACME', 500)
    await waitFor(() => expect(field(card(canvasElement, 'ACME'), 'price')).toBe('500.00'))
    const before = new Map(
      SYMBOLS.map((symbol) => [symbol, Number(field(card(canvasElement, symbol), 'renders'))]),
    )

    await userEvent.click(canvas.getByRole('button', { name: 'Publish one ACME quote' }))
    await waitFor(() => expect(field(card(canvasElement, 'ACME'), 'price')).not.toBe('500.00'))
    expect(Number(field(card(canvasElement, 'ACME'), 'renders'))).toBe(before.get('ACME')! + 1)
    for (const symbol of SYMBOLS.filter((name) => name !== 'ACME'))
      expect(Number(field(card(canvasElement, symbol), 'renders'))).toBe(before.get(symbol))
  },
}

/** The line is cut and restored: every card comes back live on a new socket and quotes flow again. */
export const ResubscribesAfterACut: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    for (const symbol of SYMBOLS)
      await waitFor(() => expect(field(card(canvasElement, symbol), 'status')).toBe('live'))
    await userEvent.click(canvas.getByRole('button', { name: 'Pause feed' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Cut the line' }))
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(/Reconnecting/))
    await waitFor(() => expect(field(card(canvasElement, 'WAYNE'), 'status')).toBe('subscribing'))
    // Published while the page is cut off: the resubscribe from the last position brings it.
    publishQuote('WAYNE', 42)
    await userEvent.click(canvas.getByRole('button', { name: 'Restore the line' }))
    await waitFor(() => expect(field(card(canvasElement, 'WAYNE'), 'price')).toBe('42.00'))
    for (const symbol of SYMBOLS)
      await waitFor(() => expect(field(card(canvasElement, symbol), 'status')).toBe('live'))
    expect(canvas.getByText(/12 topics over/)).toHaveTextContent('12 topics over 1 open socket')
  },
}

/**
 * The same dashboard against scripts/demo-server.mjs (run `npm start`): the server publishes a
 * quote on one of the twelve tickers every 100 ms. Not part of the test run.
 */
export const Live: Story = {
  tags: ['live', '!test'],
  args: { backend: 'live' },
  parameters: { msw: { handlers: [] } },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(field(card(canvasElement, 'ACME'), 'status')).toBe('live'))
  },
}
