import type { Meta, StoryObj } from '@storybook/react-vite'
import { type FormEvent, useId, useState, useSyncExternalStore } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import {
  ConnectionBanner,
  type MessageOf,
  type SendResult,
  type Session,
  useMessages,
  useWebSocket,
} from '../src'
import { MockSocketServer } from './support/mock-server'
import { Button, Panel, styles } from './support/ui'
import '../src/react/banner.css'

const CHAT_URL = 'ws://127.0.0.1:8790/chat/general'

interface ChatMessage {
  type: 'chat'
  id: number
  from: string
  text: string
  clientId: string | null
  at: number
}

type ServerMessage = ChatMessage | { type: 'history'; messages: ChatMessage[] } | { type: 'joined' }

/* The mocked chat server: keeps the last messages, replays them to each new socket, relays chat. */

const SEED: readonly Omit<ChatMessage, 'id' | 'at'>[] = [
  { type: 'chat', from: 'Ada', text: 'Morning! The deploy went out at nine.', clientId: null },
  { type: 'chat', from: 'Grace', text: 'Nice, no alerts so far.', clientId: null },
]
let history: ChatMessage[] = []
let nextId = 1

/** What the server received, in order, per socket: the story shows it so the order can be seen. */
const arrivals = {
  lines: [] as readonly string[],
  listeners: new Set<() => void>(),
  add(line: string) {
    arrivals.lines = [...arrivals.lines.slice(-19), line]
    for (const listener of arrivals.listeners) listener()
  },
  subscribe(listener: () => void) {
    arrivals.listeners.add(listener)
    return () => arrivals.listeners.delete(listener)
  },
}

function post(message: Omit<ChatMessage, 'id' | 'at'>, server: MockSocketServer): void {
  const stored: ChatMessage = { ...message, id: nextId++, at: Date.now() }
  history = [...history.slice(-49), stored]
  server.broadcast(JSON.stringify(stored))
}

const chatServer = new MockSocketServer(CHAT_URL, {
  pongDelayMs: 15,
  onMessage(data, client, server) {
    const message = typeof data === 'string' ? JSON.parse(data) : null
    const socket = `socket #${server.getConnectionCount()}`
    if (message?.type === 'join') {
      arrivals.add(`${socket}: join (${message.from})`)
      client.send(JSON.stringify({ type: 'joined' }))
      client.send(JSON.stringify({ type: 'history', messages: history }))
    }
    if (message?.type !== 'chat' || typeof message.text !== 'string') return
    arrivals.add(`${socket}: chat "${message.text}"`)
    post(
      { type: 'chat', from: String(message.from), text: message.text, clientId: message.clientId ?? null },
      server,
    )
  },
})

function resetChat(): void {
  chatServer.reset()
  nextId = 1
  arrivals.lines = []
  history = SEED.map((message) => ({ ...message, id: nextId++, at: Date.now() }))
}

/* The chat room: what an app would write with useWebSocket, handshake, useMessages and ConnectionBanner. */

interface Outgoing {
  clientId: string
  text: string
  result: SendResult
}

/** The room's lines: the history replaces them (sent after every join), chat lines append. */
function roomLines(lines: ChatMessage[], message: MessageOf<unknown>): ChatMessage[] {
  const received = message.json as ServerMessage | undefined
  if (received?.type === 'history') return received.messages
  if (received?.type === 'chat') return [...lines, received]
  return lines
}

const isJoined = (data: unknown) => typeof data === 'string' && data.includes('"joined"')

function ChatRoom({ name }: { name: string }) {
  // Sent by this tab and not yet echoed by the server: shown greyed out, marked "queued".
  const [outgoing, setOutgoing] = useState<Outgoing[]>([])
  const [draft, setDraft] = useState('')
  const inputId = useId()

  const { status, queued, sendJson } = useWebSocket(CHAT_URL, {
    retry: { initialDelay: 200, maxDelay: 1000, jitter: 'none' },
    heartbeat: { interval: 5000, timeout: 2000 },
    // On every open, before anything queued: join the room and wait until the server says so.
    handshake: async (session: Session) => {
      session.sendJson({ type: 'join', from: name })
      await session.receive(isJoined, { timeout: 2000 })
    },
  })
  const messages = useMessages(CHAT_URL, roomLines, [])
  const pending = outgoing.filter((item) => !messages.some((message) => message.clientId === item.clientId))

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const text = draft.trim()
    if (!text) return
    const clientId = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
    // While the socket is down this is 'queued': the connection sends it, in order, on reconnect.
    const result = sendJson({ type: 'chat', from: name, text, clientId })
    if (result !== 'dropped')
      setOutgoing((list) => [...list.filter((item) => pending.includes(item)), { clientId, text, result }])
    setDraft('')
  }

  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <ConnectionBanner target={CHAT_URL} showAfterMs={300} />
      <header style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
        <h1 style={{ fontSize: 18, margin: 0 }}>#general</h1>
        <span style={styles.muted}>
          {name} · {status}
        </span>
      </header>
      <ol aria-label="Messages" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 4 }}>
        {messages.map((message) => (
          <li key={message.id}>
            <strong>{message.from}:</strong> {message.text}
          </li>
        ))}
        {pending.map((item) => (
          <li key={item.clientId} style={styles.muted}>
            <strong>{name}:</strong> {item.text} <em>({item.result === 'queued' ? 'queued' : 'sending'})</em>
          </li>
        ))}
      </ol>
      <form onSubmit={submit} style={styles.row}>
        <label htmlFor={inputId}>Message</label>
        <input
          id={inputId}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          autoComplete="off"
          style={{ ...styles.button, cursor: 'text', flex: 1, minWidth: 160 }}
        />
        <button type="submit" style={styles.button}>
          Send
        </button>
      </form>
      <p aria-live="polite" style={{ margin: 0, ...styles.muted, minHeight: '1.45em' }}>
        {queued > 0 ? `${queued} message${queued === 1 ? '' : 's'} waiting for the connection` : ''}
      </p>
    </div>
  )
}

function ServerLog() {
  const lines = useSyncExternalStore(arrivals.subscribe, () => arrivals.lines)
  return (
    <ol aria-label="Server received" style={{ margin: 0, paddingLeft: 18, fontSize: 13 }}>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log
        <li key={index}>{line}</li>
      ))}
    </ol>
  )
}

function ChatDemo({ name }: { name: string }) {
  return (
    <div
      style={{
        display: 'grid',
        gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 1fr)',
        gap: 16,
        maxWidth: 860,
      }}
    >
      <ChatRoom name={name} />
      <Panel title="Simulate">
        <div style={{ display: 'grid', gap: 8, justifyItems: 'start' }}>
          <Button onClick={() => chatServer.refuse()}>Take the server down</Button>
          <Button onClick={() => chatServer.heal()}>Bring the server back</Button>
          <Button
            onClick={() =>
              post({ type: 'chat', from: 'Grace', text: 'Anyone around?', clientId: null }, chatServer)
            }
          >
            Grace writes
          </Button>
        </div>
        <h2 style={{ fontSize: 14, margin: '12px 0 4px' }}>Server received</h2>
        <ServerLog />
      </Panel>
    </div>
  )
}

const meta = {
  title: 'Examples/Chat room',
  component: ChatDemo,
  args: { name: 'You' },
  beforeEach: resetChat,
  parameters: {
    msw: { handlers: [chatServer.handler] },
    docs: {
      description: {
        component:
          'A chat room built from `useWebSocket`, a `handshake`, `useMessages` and `<ConnectionBanner>`. The handshake ' +
          'joins the room on every open, before anything queued is sent. Take the server down and keep writing: ' +
          '`sendJson` returns `queued`, the messages wait in order, and after the reconnect the server gets the join ' +
          'first, then the queued lines.',
      },
    },
  },
} satisfies Meta<typeof ChatDemo>

export default meta
type Story = StoryObj<typeof meta>

export const QueuedWhileDisconnected: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const list = canvas.getByRole('list', { name: 'Messages' })
    await within(list).findByText('Morning! The deploy went out at nine.')
    await canvas.findByText('You · open')

    const input = canvas.getByLabelText('Message')
    await userEvent.type(input, 'Hello everyone')
    await userEvent.click(canvas.getByRole('button', { name: 'Send' }))
    await waitFor(() =>
      expect(within(list).getByText('Hello everyone').closest('li')).not.toHaveTextContent('sending'),
    )

    await userEvent.click(canvas.getByRole('button', { name: 'Take the server down' }))
    const banner = canvas.getByRole('status')
    await waitFor(() => expect(banner).toHaveTextContent(/Reconnecting/))

    await userEvent.type(input, 'Are you still there?')
    await userEvent.click(canvas.getByRole('button', { name: 'Send' }))
    await canvas.findByText('1 message waiting for the connection')
    expect(within(list).getByText('Are you still there?').closest('li')).toHaveTextContent('(queued)')

    await userEvent.click(canvas.getByRole('button', { name: 'Bring the server back' }))
    await waitFor(() => expect(banner).toHaveTextContent('Reconnected'))
    // Delivered: the server relayed it back, so it is no longer marked queued.
    await waitFor(() =>
      expect(within(list).getByText('Are you still there?').closest('li')).not.toHaveTextContent('queued'),
    )
    expect(canvas.queryByText(/waiting for the connection/)).toBeNull()

    // The server got the join of the new socket before the line queued while it was down.
    const log = within(canvas.getByRole('list', { name: 'Server received' }))
    const lines = log.getAllByRole('listitem').map((item) => item.textContent ?? '')
    const queuedAt = lines.findIndex((line) => line.includes('Are you still there?'))
    const socket = lines[queuedAt]?.split(':')[0]
    expect(lines[queuedAt - 1]).toBe(`${socket}: join (You)`)
  },
}

export const SomeoneElseWrites: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await canvas.findByText('You · open')
    const list = canvas.getByRole('list', { name: 'Messages' })
    const before = within(list).queryAllByRole('listitem').length
    await userEvent.click(canvas.getByRole('button', { name: 'Grace writes' }))
    // Grace's message arrives through the socket: one new line, hers, last, and nothing pending.
    const line = (await within(list).findByText('Anyone around?')).closest('li')
    expect(line).toHaveTextContent('Grace: Anyone around?')
    expect(within(list).getAllByRole('listitem')).toHaveLength(before + 1)
    expect(within(list).getAllByRole('listitem').at(-1)).toBe(line)
    expect(line).not.toHaveTextContent(/queued|sending/)
  },
}
