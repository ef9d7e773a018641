import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useState, useSyncExternalStore } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { type Connection, createConnection, useWebSocket } from '../src'
import { shareInfoOf } from '../src/share'
import { MockSocketServer } from './support/mock-server'
import { Button, Facts, factText, Panel, styles } from './support/ui'

const URL = 'ws://127.0.0.1:8791/shared/feed'

// The server echoes every message to every socket it has, so what one tab sends all tabs see.
const server = new MockSocketServer(URL, {
  pongDelayMs: 10,
  onMessage(data, _client, self) {
    if (typeof data === 'string') self.broadcast(data)
  },
})

/**
 * One tab of the app. Each panel makes its own connection object, as each browser tab would:
 * the panels elect a holder with the Web Locks API and talk over a BroadcastChannel, the same
 * path real tabs take (test/integration/share-tabs.test.ts runs it in separate Chromium tabs).
 */
function Tab({ name, onClose }: { name: string; onClose: () => void }) {
  const [connection, setConnection] = useState<Connection | null>(null)
  useEffect(() => {
    const made = createConnection(URL, { share: 'origin', heartbeat: true })
    setConnection(made)
    return () => made.destroy()
  }, [])
  const socket = useWebSocket(connection)
  const role = connection ? (shareInfoOf(connection)?.role ?? 'not shared') : 'starting'
  return (
    <Panel title={name}>
      <Facts
        label={`${name} connection`}
        items={[
          ['Status', socket.status],
          [
            'Role',
            role === 'holder' ? 'holds the socket' : role === 'follower' ? 'uses the holder’s socket' : role,
          ],
          ['Queued', socket.queued],
          ['Last message', String(socket.lastMessage ?? '—')],
        ]}
      />
      <div style={{ ...styles.row, marginTop: 8 }}>
        <Button onClick={() => socket.send(`hello from ${name}`)}>Send hello</Button>
        <Button onClick={onClose}>Close {name}</Button>
      </div>
    </Panel>
  )
}

function ServerPanel() {
  const open = useSyncExternalStore(server.subscribe, () => server.getOpenCount())
  const total = useSyncExternalStore(server.subscribe, () => server.getConnectionCount())
  return (
    <Panel title="Server">
      <Facts
        label="Server connections"
        items={[
          ['Sockets open now', open],
          ['Sockets accepted in all', total],
        ]}
      />
    </Panel>
  )
}

function SharedTabs({ tabs }: { tabs: string[] }) {
  const [open, setOpen] = useState(tabs)
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <ServerPanel />
      <div style={{ display: 'grid', gap: 12, gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))' }}>
        {open.map((name) => (
          <Tab key={name} name={name} onClose={() => setOpen((list) => list.filter((tab) => tab !== name))} />
        ))}
      </div>
    </div>
  )
}

const meta = {
  title: 'Examples/One socket for every tab',
  component: SharedTabs,
  args: { tabs: ['Tab A', 'Tab B', 'Tab C'] },
  beforeEach: () => server.reset(),
  parameters: {
    msw: { handlers: [server.handler] },
    docs: {
      description: {
        component:
          "`share: 'origin'` (after `import 'react-lifeline/share'` once): the tabs of one origin that use the same " +
          'URL share one socket. One tab holds it; the others show its state and messages and send through it. ' +
          'Close the tab that holds the socket and another takes over: the server still sees one socket.',
      },
    },
  },
} satisfies Meta<typeof SharedTabs>

export default meta
type Story = StoryObj<typeof meta>

const fact = (panel: HTMLElement, term: string) => factText(panel.querySelector('dl')!, term)

export const ThreeTabsOneSocket: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const tab = (name: string) => canvas.getByRole('region', { name })
    const serverPanel = canvas.getByRole('region', { name: 'Server' })
    const names = ['Tab A', 'Tab B', 'Tab C']
    await waitFor(() => {
      for (const name of names) expect(fact(tab(name), 'Status')).toBe('open')
    })
    expect(fact(serverPanel, 'Sockets open now')).toBe('1')
    const holder = names.find((name) => fact(tab(name), 'Role') === 'holds the socket')!
    const follower = names.find((name) => name !== holder)!

    // A follower sends; the one socket carries it; every tab sees the echo.
    await userEvent.click(within(tab(follower)).getByRole('button', { name: 'Send hello' }))
    await waitFor(() => {
      for (const name of names) expect(fact(tab(name), 'Last message')).toBe(`hello from ${follower}`)
    })

    // The holding tab closes: another takes over, and the server still has one socket.
    await userEvent.click(within(tab(holder)).getByRole('button', { name: `Close ${holder}` }))
    const left = names.filter((name) => name !== holder)
    await waitFor(() => {
      expect(left.map((name) => fact(tab(name), 'Role')).sort()).toEqual([
        'holds the socket',
        'uses the holder’s socket',
      ])
      for (const name of left) expect(fact(tab(name), 'Status')).toBe('open')
      expect(fact(serverPanel, 'Sockets open now')).toBe('1')
    })
    expect(fact(serverPanel, 'Sockets accepted in all')).toBe('2')
  },
}
