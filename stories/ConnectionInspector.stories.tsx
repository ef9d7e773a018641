import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactElement } from 'react'
import { expect, waitFor, within } from 'storybook/test'
import {
  ConnectionInspector,
  type ConnectionInspectorProps,
  type ConnectionOptions,
  useWebSocket,
} from '../src'
import type { Connection } from '../src/core'
import { useStoryConnection } from './support/environment'
import { MockSocketServer } from './support/mock-server'
import '../src/react/inspector.css'

type InspectorArgs = Omit<ConnectionInspectorProps, 'target'> & {
  target?: ConnectionInspectorProps['target']
}

const urlOf = (name: string) => `ws://127.0.0.1:8790/inspector/${name}`

/** Holds the connection (as an app would) and shows the inspector beside nothing else. */
function Holder({ connection }: { connection: Connection }) {
  useWebSocket(connection)
  return null
}

function stage(url: string, options: ConnectionOptions): (args: InspectorArgs) => ReactElement {
  return function InspectorStage(args) {
    const connection = useStoryConnection(url, options)
    if (!connection) return <p>Starting…</p>
    return (
      <div style={{ maxWidth: 720 }}>
        <Holder connection={connection} />
        <ConnectionInspector {...args} target={connection} />
      </div>
    )
  }
}

const meta = {
  title: 'ConnectionInspector',
  component: ConnectionInspector as (props: InspectorArgs) => ReactElement,
  tags: ['autodocs'],
  args: { title: 'Connection inspector' },
  argTypes: {
    target: { control: false },
    options: { control: false },
  },
  parameters: {
    docs: {
      description: {
        component:
          'A developer panel: status, attempt, next retry, latency, the disconnect history, and what `diagnose()` ' +
          'makes of it, with advice. It observes a connection without holding it open. Unstyled: style ' +
          '`.lifeline-inspector` and its `__` parts as you like.',
      },
    },
  },
} satisfies Meta<InspectorArgs>

export default meta
type Story = StoryObj<typeof meta>

/* A healthy connection: nothing to report. */

const healthyServer = new MockSocketServer(urlOf('healthy'), { pongDelayMs: 25 })

export const Healthy: Story = {
  render: stage(healthyServer.url, { heartbeat: { interval: 300, timeout: 1000 } }),
  beforeEach: () => healthyServer.reset(),
  parameters: { msw: { handlers: [healthyServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const panel = await canvas.findByRole('region', { name: 'Connection inspector' })
    await waitFor(() =>
      expect(within(panel).getByText('Status').nextElementSibling).toHaveTextContent('open'),
    )
    await waitFor(() =>
      expect(within(panel).getByText('Latency').nextElementSibling).toHaveTextContent(/\d+ ms/),
    )
    expect(within(panel).getByText('No pattern in 0 recorded disconnects.')).toBeVisible()
    expect(within(panel).getByText('None yet.')).toBeVisible()
  },
}

/* A server that accepts and then drops every socket within a moment: the inspector names the pattern. */

const flappingServer = new MockSocketServer(urlOf('flapping'))

export const Flapping: Story = {
  args: { title: 'Live prices: connection' },
  render: stage(flappingServer.url, {
    retry: { initialDelay: 50, maxDelay: 200, jitter: 'none', minUptime: 2000 },
  }),
  beforeEach: () => {
    flappingServer.reset()
    flappingServer.flap(120, 2000)
  },
  parameters: { msw: { handlers: [flappingServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const panel = await canvas.findByRole('region', { name: 'Live prices: connection' })
    await waitFor(() => expect(panel).toHaveTextContent(/warning: 3 connections in a row closed less than/))
    expect(within(panel).getAllByText('1006 Abnormal Closure').length).toBeGreaterThanOrEqual(3)
  },
}

/* A token the server keeps refusing: 1008 is final, and the advice says why retrying will not help. */

const refusingServer = new MockSocketServer(urlOf('policy'), {
  onConnect: (client) => setTimeout(() => client.close(1008, 'Token expired'), 10),
})

export const RefusedToken: Story = {
  render: stage(refusingServer.url, { retry: { initialDelay: 50, maxDelay: 200, jitter: 'none' } }),
  beforeEach: () => refusingServer.reset(),
  parameters: { msw: { handlers: [refusingServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const panel = await canvas.findByRole('region', { name: 'Connection inspector' })
    await waitFor(() =>
      expect(within(panel).getByText('Status').nextElementSibling).toHaveTextContent('failed'),
    )
    expect(within(panel).getByText('1008 Policy Violation')).toBeVisible()
    expect(panel).toHaveTextContent('"Token expired"')
  },
}
