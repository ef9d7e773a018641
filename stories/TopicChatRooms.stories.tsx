import type { Meta, StoryObj } from '@storybook/react-vite'
import { type FormEvent, useId, useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import {
  type Connection,
  ConnectionBanner,
  lifelineTopics,
  type MessageOf,
  useMessages,
  useTopic,
} from '../src'
import { useStoryConnection } from './support/environment'
import { LineControls } from './support/line-controls'
import { type TopicBackendKind, topicBackend } from './support/topic-backend'
import { MockTopicServer } from './support/topic-server'
import { Button, styles } from './support/ui'
import '../src/react/banner.css'

const ROOMS = ['general', 'random', 'deploys'] as const

interface Post {
  from: string
  text: string
}

interface Line extends Post {
  offset: number
  /** Sent again after a reconnect: it was published while the page was away. */
  replayed: boolean
}

const server = new MockTopicServer('ws://127.0.0.1:8790/topics/chat', {
  // A post from the page becomes a message of its room, as a chat server would relay it.
  onPost: (_topic, data) => data,
})

/** Every line of the room, each once, in order: replayed ones included. */
function appendLine(lines: Line[], message: MessageOf<Post>): Line[] {
  const post = message.json
  if (!post || !message.meta?.position) return lines
  return [...lines, { ...post, offset: message.meta.position.offset, replayed: message.meta.replayed }]
}

function Room({ connection, room }: { connection: Connection | null; room: string }) {
  const topic = `room:${room}`
  const lines = useMessages(connection, appendLine, [], { topic })
  const { status, recovered } = useTopic(connection, topic)
  const [draft, setDraft] = useState('')
  const inputId = useId()
  const caughtUp = lines.filter((line) => line.replayed).length

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const text = draft.trim()
    if (!text || !connection) return
    // While the line is cut this is queued; it goes out after the room is subscribed again.
    connection.sendJson({ type: 'post', topic, data: { from: 'You', text } satisfies Post })
    setDraft('')
  }

  return (
    <section
      aria-label={`#${room}`}
      style={{ ...styles.panel, display: 'grid', gap: 8, alignContent: 'start' }}
    >
      <header style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: 8 }}>
        <h2 style={{ fontSize: 16, margin: 0 }}>#{room}</h2>
        <span data-field="status" style={styles.muted}>
          {status}
          {recovered ? ' · caught up' : ''}
        </span>
      </header>
      <ol
        aria-label={`Messages in #${room}`}
        style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 4 }}
      >
        {lines.map((line) => (
          <li key={line.offset}>
            <strong>{line.from}:</strong> {line.text}
            {line.replayed ? <em style={styles.muted}> (while you were away)</em> : null}
          </li>
        ))}
      </ol>
      {lines.length === 0 ? <p style={{ margin: 0, ...styles.muted }}>No messages yet.</p> : null}
      <p aria-live="polite" style={{ margin: 0, fontSize: 13, ...styles.muted, minHeight: '1.45em' }}>
        {caughtUp > 0 ? `${caughtUp} caught up after the reconnect` : ''}
      </p>
      <form onSubmit={submit} style={styles.row}>
        <label htmlFor={inputId}>Message #{room}</label>
        <input
          id={inputId}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          autoComplete="off"
          style={{ ...styles.button, cursor: 'text', flex: 1, minWidth: 100 }}
        />
        <button type="submit" style={styles.button}>
          Send
        </button>
      </form>
    </section>
  )
}

interface ChatArgs {
  /** `mock`: a lifeline-protocol server in the page. `live`: scripts/demo-server.mjs (`npm start`). */
  backend: TopicBackendKind
}

function ChatRooms({ backend: kind }: ChatArgs) {
  const backend = topicBackend(kind, server, '/topics/chat')
  const connection = useStoryConnection(
    backend.url,
    { topics: lifelineTopics(), retry: { initialDelay: 200, maxDelay: 1000, jitter: 'none' } },
    [backend.url],
  )
  const write = (room: string, from: string) =>
    backend.publish(`room:${room}`, { from, text: `${from} at ${new Date().toLocaleTimeString('en-GB')}` })
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 1100 }}>
      {connection ? <ConnectionBanner target={connection} showAfterMs={300} /> : null}
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))', gap: 12 }}>
        {ROOMS.map((room) => (
          <Room key={room} connection={connection} room={room} />
        ))}
      </div>
      <LineControls controls={backend.controls}>
        <Button onClick={() => write('general', 'Grace')}>Grace writes in #general</Button>
        <Button onClick={() => write('random', 'Ada')}>Ada writes in #random</Button>
      </LineControls>
    </div>
  )
}

const meta = {
  title: 'Topics/Chat rooms',
  component: ChatRooms,
  args: { backend: 'mock' },
  argTypes: { backend: { control: false } },
  beforeEach: () => server.reset(),
  parameters: {
    msw: { handlers: [server.handler] },
    docs: {
      description: {
        component:
          'Three rooms, each a topic on one socket, each a `useMessages(connection, reducer, [], { topic })`. Cut the ' +
          'line, let others write, restore it: every room resubscribes from its last message and the server replays ' +
          'what was missed, in order and once, marked "while you were away". A line you send while cut off is queued ' +
          'and goes out after the rooms are subscribed again.',
      },
    },
  },
} satisfies Meta<typeof ChatRooms>

export default meta
type Story = StoryObj<typeof meta>

const room = (canvasElement: HTMLElement, name: string) =>
  within(within(canvasElement).getByRole('region', { name: `#${name}` }))
const texts = (canvasElement: HTMLElement, name: string) =>
  room(canvasElement, name)
    .queryAllByRole('listitem')
    .map((item) => item.textContent ?? '')

async function allLive(canvasElement: HTMLElement) {
  for (const name of ROOMS)
    await waitFor(() =>
      expect(
        room(canvasElement, name).getByText(/^live/, { selector: '[data-field="status"]' }),
      ).toBeVisible(),
    )
}

/** Cut off, others write, the line comes back: each room shows what it missed, once, in order. */
export const CatchUpAfterACut: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await allLive(canvasElement)
    server.publish('room:general', { from: 'Grace', text: 'Before the cut' })
    await waitFor(() => expect(texts(canvasElement, 'general')).toEqual(['Grace: Before the cut']))

    await userEvent.click(canvas.getByRole('button', { name: 'Cut the line' }))
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(/Reconnecting/))
    server.publish('room:general', { from: 'Grace', text: 'Anyone there?' })
    server.publish('room:general', { from: 'Grace', text: 'Deploy is done.' })
    server.publish('room:random', { from: 'Ada', text: 'Lunch?' })
    const input = room(canvasElement, 'deploys').getByLabelText('Message #deploys')
    await userEvent.type(input, 'Queued while cut off{Enter}')
    // Nothing of it is visible yet: the page is cut off.
    expect(texts(canvasElement, 'general')).toEqual(['Grace: Before the cut'])

    await userEvent.click(canvas.getByRole('button', { name: 'Restore the line' }))
    await waitFor(() =>
      expect(texts(canvasElement, 'general')).toEqual([
        'Grace: Before the cut',
        'Grace: Anyone there? (while you were away)',
        'Grace: Deploy is done. (while you were away)',
      ]),
    )
    await waitFor(() => expect(texts(canvasElement, 'random')).toEqual(['Ada: Lunch? (while you were away)']))
    // Sent after the resubscribe, so the room hears its own line live.
    await waitFor(() => expect(texts(canvasElement, 'deploys')).toEqual(['You: Queued while cut off']))
    await allLive(canvasElement)
    expect(room(canvasElement, 'general').getByText('2 caught up after the reconnect')).toBeVisible()
    expect(room(canvasElement, 'general').getByText('live · caught up')).toBeVisible()
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('Reconnected'))
  },
}

/** Rooms only hear their own topic: a line in #general is not in #random. */
export const RoomsStayApart: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await allLive(canvasElement)
    await userEvent.click(canvas.getByRole('button', { name: 'Grace writes in #general' }))
    await waitFor(() => expect(texts(canvasElement, 'general')).toHaveLength(1))
    const input = room(canvasElement, 'random').getByLabelText('Message #random')
    await userEvent.type(input, 'Hello random{Enter}')
    await waitFor(() => expect(texts(canvasElement, 'random')).toEqual(['You: Hello random']))
    expect(texts(canvasElement, 'general')).toHaveLength(1)
    expect(texts(canvasElement, 'deploys')).toEqual([])
  },
}

/** The same rooms on scripts/demo-server.mjs (run `npm start`). Not part of the test run. */
export const Live: Story = {
  tags: ['live', '!test'],
  args: { backend: 'live' },
  parameters: { msw: { handlers: [] } },
  play: async ({ canvasElement }) => {
    await allLive(canvasElement)
  },
}
