import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactElement, ReactNode } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import {
  type BannerMessages,
  type Connection,
  ConnectionBanner,
  type ConnectionBannerProps,
  type ConnectionOptions,
} from '../src'
import { DemoStage, sendQuote } from './support/DemoApp'
import { createManualNetwork, StalledWebSocket } from './support/environment'
import { MockSocketServer } from './support/mock-server'
import { Button } from './support/ui'
import '../src/react/banner.css'
import './support/custom-banner.css'

// Each story builds its own connection and passes it as `target`; the other props are the controls.
type BannerArgs = Omit<ConnectionBannerProps, 'target'> & { target?: ConnectionBannerProps['target'] }

const urlOf = (name: string) => `ws://127.0.0.1:8790/banner/${name}`

// Short, unjittered delays keep every scenario inside a second or two and its texts exact.
const FAST_RETRY = { initialDelay: 100, maxDelay: 400, jitter: 'none' } as const
// A delay long enough to read the countdown (and to screenshot it).
const SLOW_RETRY = { initialDelay: 5000, maxDelay: 30_000, jitter: 'none' } as const

/** Renders the demo app with the banner on top; `args` are the banner's props (the controls). */
function stage(
  url: string,
  options: ConnectionOptions,
  aside?: (connection: Connection) => ReactNode,
): (args: BannerArgs) => ReactElement {
  return function BannerStage(args) {
    return (
      <DemoStage
        url={url}
        options={options}
        banner={(connection) => <ConnectionBanner {...args} target={connection} />}
        aside={aside}
      />
    )
  }
}

const meta = {
  title: 'ConnectionBanner',
  component: ConnectionBanner as (props: BannerArgs) => ReactNode,
  tags: ['autodocs'],
  args: { showAfterMs: 200, reconnectedMs: 2000 },
  argTypes: {
    target: { control: false },
    children: { control: false },
    clock: { control: false },
    options: { control: false },
    messages: { control: false },
    className: { control: 'text' },
  },
  parameters: {
    a11y: { test: 'error' },
    docs: {
      description: {
        component:
          'Says in words what the connection is doing. Every story here runs against a server mocked in the page ' +
          '(react-lifeline/testing), with retry delays shortened so the states arrive in a second or two. The styles are the optional ' +
          "`import 'react-lifeline/banner.css'` (light and dark); without it the banner is plain markup to style.",
      },
    },
  },
} satisfies Meta<BannerArgs>

export default meta
type Story = StoryObj<typeof meta>

/* Connecting: the first handshake is taking long. */

export const Connecting: Story = {
  render: stage(urlOf('connecting'), { WebSocket: StalledWebSocket, connectTimeout: 60_000 }),
  parameters: { msw: { handlers: [] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent('Connecting…'))
    // Nothing failed yet, so there is nothing to retry.
    expect(within(banner).queryByRole('button')).toBeNull()
  },
}

/* Open: all is well and the banner shows nothing (its empty live region stays, for screen readers). */

const openServer = new MockSocketServer(urlOf('open'), { onConnect: (client) => sendQuote(client) })

export const Open: Story = {
  render: stage(openServer.url, { retry: FAST_RETRY }),
  beforeEach: () => openServer.reset(),
  parameters: { msw: { handlers: [openServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await canvas.findByText('Socket: open')
    await canvas.findByText('101.25')
    expect(canvas.getByRole('status')).toBeEmptyDOMElement()
  },
}

/* Reconnecting: the server is down; the banner counts down to the next attempt. */

const downServer = new MockSocketServer(urlOf('reconnecting'))

export const Reconnecting: Story = {
  render: stage(downServer.url, { retry: SLOW_RETRY }),
  beforeEach: () => {
    downServer.reset()
    downServer.refuse()
  },
  parameters: { msw: { handlers: [downServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent('Reconnecting in 5s, attempt 1'))
    expect(banner).toHaveTextContent('Code 1006')
    expect(within(banner).getByRole('button', { name: 'Retry now' })).toBeVisible()
    // The countdown counts.
    await waitFor(() => expect(banner).toHaveTextContent('Reconnecting in 4s, attempt 1'), { timeout: 2000 })
  },
}

/* "Retry now" while waiting: an attempt at once; the server still refuses, so the next wait doubles. */

const stillDownServer = new MockSocketServer(urlOf('retry-while-waiting'))

export const RetryWhileWaiting: Story = {
  render: stage(stillDownServer.url, { retry: SLOW_RETRY }),
  beforeEach: () => {
    stillDownServer.reset()
    stillDownServer.refuse()
  },
  parameters: { msw: { handlers: [stillDownServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent('Reconnecting in 5s, attempt 1'))
    await userEvent.click(within(banner).getByRole('button', { name: 'Retry now' }))
    await waitFor(() => expect(banner).toHaveTextContent('Reconnecting in 10s, attempt 2'))
  },
}

/* Offline: the network source reports offline, so attempts wait for it. */

const offlineServer = new MockSocketServer(urlOf('offline'), { onConnect: (client) => sendQuote(client) })
const offlineNetwork = createManualNetwork(false)

export const Offline: Story = {
  render: stage(offlineServer.url, { retry: FAST_RETRY, network: offlineNetwork }),
  beforeEach: () => {
    offlineServer.reset()
    offlineNetwork.setOnline(false)
  },
  parameters: { msw: { handlers: [offlineServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent('Offline'))
    // Nothing is attempted while the network says offline.
    await canvas.findByText('Socket: offline')
    expect(offlineServer.getConnectionCount()).toBe(0)
  },
}

/* Back online: the network source reports online again and the connection resumes at once. */

const resumeServer = new MockSocketServer(urlOf('back-online'), { onConnect: (client) => sendQuote(client) })
const resumeNetwork = createManualNetwork(false)

export const BackOnline: Story = {
  render: stage(resumeServer.url, { retry: FAST_RETRY, network: resumeNetwork }, () => (
    <Button onClick={() => resumeNetwork.setOnline(true)}>Simulate: the network comes back</Button>
  )),
  beforeEach: () => {
    resumeServer.reset()
    resumeNetwork.setOnline(false)
  },
  parameters: { msw: { handlers: [resumeServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent('Offline'))
    await userEvent.click(canvas.getByRole('button', { name: 'Simulate: the network comes back' }))
    await waitFor(() => expect(banner).toHaveTextContent('Reconnected'))
    await canvas.findByText('Socket: open')
  },
}

/* Failed: the server refuses with 1008 Policy Violation, which no retry can fix. */

const authServer = new MockSocketServer(urlOf('failed'), {
  // The socket opens and is then refused, as a server that checks a token after the handshake.
  onConnect: (client) => setTimeout(() => client.close(1008, 'Token expired'), 20),
})

export const Failed: Story = {
  render: stage(authServer.url, { retry: FAST_RETRY }),
  beforeEach: () => authServer.reset(),
  parameters: { msw: { handlers: [authServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const alert = await canvas.findByRole('alert')
    await waitFor(() => expect(alert).toHaveTextContent('Failed: Policy Violation'))
    expect(alert).toHaveTextContent('Code 1008: Token expired')
    expect(within(alert).getByRole('button', { name: 'Retry now' })).toBeVisible()
    await canvas.findByText('Socket: failed')
  },
}

/* "Retry now" after a failure: here the second attempt gets through (as if the app had refreshed its token). */

const reauthServer = new MockSocketServer(urlOf('retry-after-failure'), {
  onConnect(client, server) {
    if (server.getConnectionCount() === 1) setTimeout(() => client.close(1008, 'Token expired'), 20)
    else sendQuote(client)
  },
})

export const RetryAfterFailure: Story = {
  render: stage(reauthServer.url, { retry: FAST_RETRY }),
  beforeEach: () => reauthServer.reset(),
  parameters: { msw: { handlers: [reauthServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const alert = await canvas.findByRole('alert')
    await waitFor(() => expect(alert).toHaveTextContent('Failed: Policy Violation'))
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry now' }))
    const status = await canvas.findByRole('status')
    await waitFor(() => expect(status).toHaveTextContent('Reconnected'))
    await canvas.findByText('Socket: open')
  },
}

/* Closed by the server with 1000: a normal closure is not retried, but the person is told. */

const closingServer = new MockSocketServer(urlOf('closed'), {
  onConnect: (client) => setTimeout(() => client.close(1000, 'Maintenance window'), 20),
})

export const ClosedByServer: Story = {
  render: stage(closingServer.url, { retry: FAST_RETRY }),
  beforeEach: () => closingServer.reset(),
  parameters: { msw: { handlers: [closingServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent('Disconnected'))
    expect(banner).toHaveTextContent('Code 1000: Maintenance window')
    expect(within(banner).getByRole('button', { name: 'Retry now' })).toBeVisible()
    await canvas.findByText('Socket: closed')
  },
}

/* Reconnected: a drop, three refused attempts, then back, and the banner says so. */

const blipServer = new MockSocketServer(urlOf('reconnected'), {
  onConnect(client, server) {
    sendQuote(client, 100 + server.getConnectionCount())
    if (server.getConnectionCount() === 1) {
      setTimeout(() => {
        server.refuseNext(3)
        server.drop()
      }, 50)
    }
  },
})

export const Reconnected: Story = {
  args: { reconnectedMs: 60_000 },
  render: stage(blipServer.url, { retry: FAST_RETRY }),
  beforeEach: () => blipServer.reset(),
  parameters: { msw: { handlers: [blipServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent(/Reconnecting/))
    await waitFor(() => expect(banner).toHaveTextContent('Reconnected'))
    await canvas.findByText('102.00')
    // The drop is history now: no retry button while all is well.
    expect(within(banner).queryByRole('button')).toBeNull()
  },
}

/* Custom messages: every text can be replaced, here with German. */

const GERMAN_CODE_NAMES: Record<number, string> = {
  1000: 'Normal beendet',
  1001: 'Server wird neu gestartet',
  1006: 'Verbindung abgebrochen',
  1008: 'Zugriff verweigert',
  1011: 'Serverfehler',
  1013: 'Server überlastet',
}

const GERMAN: BannerMessages = {
  connecting: 'Verbinde …',
  reconnecting: ({ secondsUntilRetry, attempt }) =>
    secondsUntilRetry
      ? `Verbindung unterbrochen – neuer Versuch in ${secondsUntilRetry} s (Versuch ${attempt})`
      : `Verbindung unterbrochen – Versuch ${attempt} läuft …`,
  offline: 'Keine Internetverbindung',
  failed: ({ lastClose }) =>
    `Verbindung fehlgeschlagen${lastClose ? `: ${GERMAN_CODE_NAMES[lastClose.code] ?? lastClose.info.name}` : ''}`,
  closed: 'Verbindung vom Server beendet',
  reconnected: 'Wieder verbunden',
  // Screen readers hear this instead of every tick of the countdown.
  reconnectingAnnouncement: ({ attempt }) => `Verbindung unterbrochen. Neuer Verbindungsversuch ${attempt}.`,
  detail: ({ lastClose }) =>
    lastClose
      ? `Code ${lastClose.code} (${GERMAN_CODE_NAMES[lastClose.code] ?? lastClose.info.name})${lastClose.reason ? `: ${lastClose.reason}` : ''}`
      : '',
  retry: 'Jetzt neu verbinden',
}

const germanServer = new MockSocketServer(urlOf('german'))

export const GermanMessages: Story = {
  args: { messages: GERMAN },
  render: stage(germanServer.url, { retry: SLOW_RETRY }),
  beforeEach: () => {
    germanServer.reset()
    germanServer.refuse()
  },
  parameters: { msw: { handlers: [germanServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() =>
      expect(banner).toHaveTextContent(/Verbindung unterbrochen – neuer Versuch in \d s \(Versuch 1\)/),
    )
    expect(banner).toHaveTextContent('Code 1006 (Verbindung abgebrochen)')
    expect(within(banner).getByRole('button', { name: 'Jetzt neu verbinden' })).toBeVisible()
  },
}

/* Custom render function: `children(state, actions)` replaces the default content. */

const customServer = new MockSocketServer(urlOf('custom'), { onConnect: (client) => sendQuote(client) })

function renderPill(
  state: Parameters<NonNullable<ConnectionBannerProps['children']>>[0],
  actions: { reconnect(): void },
) {
  const words =
    state.phase === 'reconnected'
      ? 'Live updates are back'
      : state.phase === 'reconnecting'
        ? `Live updates paused · retrying in ${state.secondsUntilRetry ?? 0}s`
        : `Live updates: ${state.phase}`
  return (
    <div
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        gap: 8,
        padding: '4px 12px',
        borderRadius: 999,
        border: '1px solid var(--sb-border)',
      }}
    >
      <span
        aria-hidden="true"
        style={{
          width: 8,
          height: 8,
          borderRadius: '50%',
          background: state.phase === 'reconnected' ? '#1a7f37' : '#bf8700',
        }}
      />
      <span>{words}</span>
      {state.phase === 'reconnected' ? null : (
        <button
          type="button"
          onClick={actions.reconnect}
          style={{
            font: 'inherit',
            background: 'none',
            border: 'none',
            color: 'inherit',
            textDecoration: 'underline',
            cursor: 'pointer',
            padding: 0,
          }}
        >
          Reconnect
        </button>
      )}
    </div>
  )
}

export const CustomRender: Story = {
  args: { children: renderPill, className: 'lifeline-banner--bare' },
  render: stage(customServer.url, { retry: SLOW_RETRY }),
  beforeEach: () => {
    customServer.reset()
    customServer.refuseNext(1)
  },
  parameters: { msw: { handlers: [customServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent(/Live updates paused · retrying in \ds/))
    expect(within(banner).getByRole('button', { name: 'Reconnect' })).toBeVisible()
  },
}

/* The render function gets the actions too: its own button reconnects. */

const customActionServer = new MockSocketServer(urlOf('custom-actions'), {
  onConnect: (client) => sendQuote(client),
})

export const CustomRenderActions: Story = {
  args: { children: renderPill, className: 'lifeline-banner--bare' },
  render: stage(customActionServer.url, { retry: SLOW_RETRY }),
  beforeEach: () => {
    customActionServer.reset()
    customActionServer.refuseNext(1)
  },
  parameters: { msw: { handlers: [customActionServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent(/Live updates paused/))
    await userEvent.click(within(banner).getByRole('button', { name: 'Reconnect' }))
    await waitFor(() => expect(banner).toHaveTextContent('Live updates are back'))
  },
}

/* Light and dark: banner.css follows `data-theme="dark"` on an ancestor (here the toolbar's Theme switch) or prefers-color-scheme. */

const darkServer = new MockSocketServer(urlOf('dark'))

export const Dark: Story = {
  render: stage(darkServer.url, { retry: SLOW_RETRY }),
  beforeEach: () => {
    darkServer.reset()
    darkServer.refuse()
  },
  parameters: { theme: 'dark', msw: { handlers: [darkServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const banner = await canvas.findByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent(/Reconnecting in \ds, attempt 1/))
    expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull()
    // banner.css's dark amber, not the light one.
    expect(getComputedStyle(banner).backgroundColor).toBe('rgb(47, 39, 0)')
  },
}

const darkFailServer = new MockSocketServer(urlOf('dark-failed'), {
  onConnect: (client) => setTimeout(() => client.close(1008, 'Token expired'), 20),
})

export const DarkFailed: Story = {
  render: stage(darkFailServer.url, { retry: FAST_RETRY }),
  beforeEach: () => darkFailServer.reset(),
  parameters: { theme: 'dark', msw: { handlers: [darkFailServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const alert = await canvas.findByRole('alert')
    await waitFor(() => expect(alert).toHaveTextContent('Failed: Policy Violation'))
  },
}
