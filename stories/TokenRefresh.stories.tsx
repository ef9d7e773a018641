import type { Meta, StoryObj } from '@storybook/react-vite'
import { useSyncExternalStore } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import {
  ConnectionBanner,
  createConnection,
  type MessageOf,
  useMessages,
  useWebSocket,
  type WebSocketConstructor,
} from '../src'
import { MockSocketServer } from './support/mock-server'
import { Button, Panel, styles } from './support/ui'
import '../src/react/banner.css'

const FEED_URL = 'ws://127.0.0.1:8791/feed'

/* The token service and the server: tokens are t1, t2, ...; only the newest is accepted. */

const auth = {
  current: 1,
  issued: 0,
  listeners: new Set<() => void>(),
  /** What an app's token endpoint would do: a short wait, then the current token. */
  async fetchToken(): Promise<string> {
    auth.issued += 1
    auth.notify()
    await new Promise((resolve) => setTimeout(resolve, 30))
    return `t${auth.current}`
  },
  subscribe(listener: () => void) {
    auth.listeners.add(listener)
    return () => auth.listeners.delete(listener)
  },
  notify() {
    for (const listener of auth.listeners) listener()
  },
}

const server = new MockSocketServer(FEED_URL, {
  onConnect(client) {
    const token = new URL(client.url).searchParams.get('token')
    // The app's own code for "your token is stale": the client fetches a new one and returns.
    if (token !== `t${auth.current}`) return client.close(4401, 'token expired')
    client.send(JSON.stringify({ type: 'hello', token }))
  },
})

function expireToken(): void {
  auth.current += 1
  auth.notify()
  server.closeAll(4401, 'token expired')
}

/*
 * Created once, outside any component: the URL function runs before every attempt, so each
 * reconnect carries a fresh token. 4401 retries at once instead of after the backoff.
 */
const feed = createConnection(async () => `${FEED_URL}?token=${await auth.fetchToken()}`, {
  closeCodes: { 4401: { name: 'Token Expired', retry: true, retryImmediately: true } },
  retry: { initialDelay: 500, maxDelay: 2000, jitter: 'none' },
  // Story only: msw replaces the global WebSocket after this module loads, and a connection
  // takes its constructor when it is created, so this one looks the global up per attempt.
  WebSocket: function StoryWebSocket(url: string, protocols?: string | string[]) {
    return new globalThis.WebSocket(url, protocols)
  } as unknown as WebSocketConstructor,
})

function lastToken(token: string | null, message: MessageOf<unknown>): string | null {
  const hello = message.json as { type?: string; token?: string } | undefined
  return hello?.type === 'hello' ? (hello.token ?? null) : token
}

function TokenFeed() {
  const { status, lastClose, error } = useWebSocket(feed)
  const token = useMessages(feed, lastToken, null)
  const issued = useSyncExternalStore(auth.subscribe, () => auth.issued)
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 720 }}>
      <ConnectionBanner target={feed} showAfterMs={400} />
      <Panel title="Live feed">
        <p style={{ margin: 0 }}>
          Status: <strong>{status}</strong>
        </p>
        <p style={{ margin: 0 }}>{token ? `Signed in with token ${token}` : 'Not signed in yet'}</p>
        <p style={{ margin: 0, ...styles.muted }}>Tokens fetched: {issued}</p>
        <p style={{ margin: 0, ...styles.muted }}>
          Last close: {lastClose ? `${lastClose.code} ${lastClose.info.name}` : 'none'}
          {error ? ` (${error.message})` : ''}
        </p>
      </Panel>
      <Panel title="Simulate">
        <div style={styles.row}>
          <Button onClick={expireToken}>Expire the token</Button>
          <Button onClick={() => server.refuseNext(2)}>Refuse the next 2 upgrades (HTTP 401)</Button>
        </div>
      </Panel>
    </div>
  )
}

const meta = {
  title: 'Examples/Token refresh',
  component: TokenFeed,
  beforeEach: () => {
    server.reset()
    // The connection outlives a story; a fresh socket greets the newly mounted story.
    if (feed.getState().status !== 'idle') feed.reconnect()
  },
  parameters: {
    msw: { handlers: [server.handler] },
    docs: {
      description: {
        component:
          'Auth that survives token expiry. The connection is created once with `createConnection(async () => url)`, ' +
          'so every attempt fetches a fresh token. When the server closes with 4401 (stale token), ' +
          '`closeCodes: { 4401: { retry: true, retryImmediately: true } }` reconnects at once, so the banner ' +
          'never shows. An upgrade refused with HTTP 401 reaches a browser as a plain 1006: the usual backoff ' +
          'applies, and each attempt asks for a fresh token.',
      },
    },
  },
} satisfies Meta<typeof TokenFeed>

export default meta
type Story = StoryObj<typeof meta>

/** Records whether the banner ever showed text while `run` ran. */
async function bannerTexts(canvasElement: HTMLElement, run: () => Promise<void>): Promise<string[]> {
  const banner = within(canvasElement).getByRole('status')
  const seen: string[] = []
  const observer = new MutationObserver(() => {
    const text = banner.textContent?.trim()
    if (text) seen.push(text)
  })
  observer.observe(banner, { subtree: true, childList: true, characterData: true })
  try {
    await run()
  } finally {
    observer.disconnect()
  }
  return seen
}

export const TokenExpires: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const first = await canvas.findByText(/Signed in with token t\d+/)
    const before = Number(first.textContent?.match(/t(\d+)/)?.[1])
    const shown = await bannerTexts(canvasElement, async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Expire the token' }))
      await canvas.findByText(`Signed in with token t${before + 1}`, {}, { timeout: 3000 })
      // Past the banner's showAfterMs: a drop it was going to show would be on screen by now.
      await new Promise((resolve) => setTimeout(resolve, 600))
    })
    expect(shown).toEqual([])
    expect(canvas.getByText('Status:').textContent).toBe('Status: open')
  },
}

export const UpgradeRefusedWith401: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await canvas.findByText(/Signed in with token t\d+/)
    const fetched = () => Number(canvas.getByText(/Tokens fetched/).textContent?.match(/\d+/)?.[0])
    const before = fetched()
    await userEvent.click(canvas.getByRole('button', { name: 'Refuse the next 2 upgrades (HTTP 401)' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Expire the token' }))
    // The immediate retry is refused, so the backoff takes over and the banner says so.
    const banner = canvas.getByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent(/Reconnecting/), { timeout: 3000 })
    await waitFor(() => expect(banner).toHaveTextContent('Reconnected'), { timeout: 5000 })
    // One fresh token per attempt: the refused immediate retry, the refused backoff retry, the one that worked.
    expect(fetched() - before).toBe(3)
  },
}
