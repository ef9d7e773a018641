import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import {
  type Connection,
  ConnectionBanner,
  lifelineTopics,
  type MessageOf,
  type TopicState,
  useMessages,
  useTopic,
} from '../src'
import { useStoryConnection } from './support/environment'
import { LineControls } from './support/line-controls'
import { type TopicBackend, type TopicBackendKind, topicBackend } from './support/topic-backend'
import { MockTopicServer } from './support/topic-server'
import { Button, Panel, styles } from './support/ui'
import '../src/react/banner.css'

const TOPIC = 'incidents'
/** The updates the mocked server keeps; the demo server keeps 200. */
const HISTORY = 5
const LIVE_HISTORY = 200

const server = new MockTopicServer('ws://127.0.0.1:8790/topics/incidents', { historySize: HISTORY })
let updates = 0

interface Update {
  n: number
}

function publishUpdates(backend: TopicBackend, count: number): void {
  backend.publish(TOPIC, { n: updates + 1 } satisfies Update, count)
  updates += count
}

const textOf = (update: unknown) => `Update ${(update as Update | null)?.n ?? '?'}`

function append(lines: string[], message: MessageOf<unknown>): string[] {
  return [...lines, textOf(message.json)]
}

/**
 * What a user sees when the server's history ran out while they were away: the feed goes on
 * from the server's newest message, and a notice says that something is missing and offers a
 * reload. `gaps` counts such losses; the notice shows while there are more than the user has
 * reloaded for. `onGap` could log or refetch by itself; here it only records the moment.
 */
function IncidentFeed({
  connection,
  backend,
  history,
}: {
  connection: Connection | null
  backend: TopicBackend
  history: number
}) {
  // A reload starts the list again from everything the server has (a page would fetch it).
  // `base`: how many live lines the reload already covers.
  const [reload, setReload] = useState<{ gaps: number; lines: string[]; base: number } | null>(null)
  const [noticedAt, setNoticedAt] = useState<string | null>(null)
  const { status, gaps } = useTopic(connection, TOPIC, {
    onGap: (_state: TopicState) => setNoticedAt(new Date().toLocaleTimeString('en-GB', { hour12: false })),
  })
  const live = useMessages(connection, append, [], { topic: TOPIC })
  // What arrived after the reload, minus anything the reload already had (it may race the socket).
  const lines = reload
    ? [...reload.lines, ...live.slice(reload.base).filter((line) => !reload.lines.includes(line))]
    : live
  const missed = gaps > (reload?.gaps ?? 0)

  return (
    <Panel title="Incident updates">
      <p style={{ margin: '0 0 8px', ...styles.muted }}>
        <span data-field="status">{status}</span> · history kept by the server: last {history} updates
      </p>
      {/* Always in the page, so screen readers announce the notice when it appears. */}
      {/* biome-ignore lint/a11y/useSemanticElements: <output> takes phrasing content only, and the notice holds a block with a button */}
      <div role="status" aria-live="polite" aria-label="Missed updates">
        {missed ? (
          <div
            style={{
              border: '2px solid #9a6700',
              borderRadius: 6,
              padding: '8px 10px',
              margin: '0 0 8px',
              display: 'flex',
              gap: 12,
              alignItems: 'center',
              flexWrap: 'wrap',
            }}
          >
            <span>
              <strong>You missed updates while you were offline.</strong> Some are not shown below
              {noticedAt ? ` (noticed at ${noticedAt})` : ''}.
            </span>
            <Button
              onClick={() =>
                // The demo server has no "everything" to fetch: there the reload only acknowledges.
                setReload({
                  gaps,
                  lines: backend.everything?.(TOPIC).map((entry) => textOf(entry.data)) ?? [],
                  base: backend.everything ? live.length : 0,
                })
              }
            >
              Reload the feed
            </Button>
          </div>
        ) : null}
      </div>
      <ol aria-label="Updates" style={{ margin: 0, paddingLeft: 22 }}>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ol>
    </Panel>
  )
}

interface GapArgs {
  /** `mock`: a lifeline-protocol server in the page. `live`: scripts/demo-server.mjs (`npm start`). */
  backend: TopicBackendKind
}

function GapDemo({ backend: kind }: GapArgs) {
  const backend = topicBackend(kind, server, '/topics/incidents')
  const history = kind === 'live' ? LIVE_HISTORY : HISTORY
  const connection = useStoryConnection(
    backend.url,
    { topics: lifelineTopics(), retry: { initialDelay: 200, maxDelay: 1000, jitter: 'none' } },
    [backend.url],
  )
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 860 }}>
      {connection ? <ConnectionBanner target={connection} showAfterMs={300} /> : null}
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)', gap: 12 }}>
        <IncidentFeed connection={connection} backend={backend} history={history} />
        <LineControls controls={backend.controls}>
          <Button onClick={() => publishUpdates(backend, 1)}>Publish one update</Button>
          <Button
            onClick={() => publishUpdates(backend, history * 2)}
          >{`Publish ${history * 2} updates`}</Button>
        </LineControls>
      </div>
    </div>
  )
}

const meta = {
  title: 'Topics/Missed messages',
  component: GapDemo,
  args: { backend: 'mock' },
  argTypes: { backend: { control: false } },
  beforeEach: () => {
    server.reset()
    updates = 0
  },
  parameters: {
    msw: { handlers: [server.handler] },
    docs: {
      description: {
        component:
          `The server keeps the last ${HISTORY} updates of the topic. Cut the line and publish more than that: when ` +
          'the page comes back, the server cannot replay from where it stopped (`recovered: false`), the topic ' +
          'counts a gap (`gaps`, `onGap`), and the page says so with a notice and a reload, instead of showing a ' +
          'feed with a silent hole. An outage shorter than the history is replayed with no notice.',
      },
    },
  },
} satisfies Meta<typeof GapDemo>

export default meta
type Story = StoryObj<typeof meta>

const updatesList = (canvasElement: HTMLElement) =>
  within(within(canvasElement).getByRole('list', { name: 'Updates' }))
    .queryAllByRole('listitem')
    .map((item) => item.textContent)

async function live(canvasElement: HTMLElement) {
  await waitFor(() =>
    expect(within(canvasElement).getByText('live', { selector: '[data-field="status"]' })).toBeVisible(),
  )
}

/** History ran out during the outage: a notice says so, and the reload brings every update. */
export const HistoryRanOut: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await live(canvasElement)
    await userEvent.click(canvas.getByRole('button', { name: 'Publish one update' }))
    await waitFor(() => expect(updatesList(canvasElement)).toEqual(['Update 1']))
    const notice = canvas.getByRole('status', { name: 'Missed updates' })
    expect(notice).toBeEmptyDOMElement()

    await userEvent.click(canvas.getByRole('button', { name: 'Cut the line' }))
    await userEvent.click(canvas.getByRole('button', { name: `Publish ${HISTORY * 2} updates` }))
    await userEvent.click(canvas.getByRole('button', { name: 'Restore the line' }))
    await waitFor(() => expect(notice).toHaveTextContent('You missed updates while you were offline.'))
    await live(canvasElement)
    // The feed shows no made-up continuity: update 1, then nothing until new ones arrive.
    expect(updatesList(canvasElement)).toEqual(['Update 1'])
    await userEvent.click(canvas.getByRole('button', { name: 'Publish one update' }))
    await waitFor(() => expect(updatesList(canvasElement)).toEqual(['Update 1', 'Update 12']))

    // The reload button works from the keyboard.
    within(notice).getByRole('button', { name: 'Reload the feed' }).focus()
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(notice).toBeEmptyDOMElement())
    expect(updatesList(canvasElement)).toEqual(Array.from({ length: 12 }, (_, i) => `Update ${i + 1}`))
    await userEvent.click(canvas.getByRole('button', { name: 'Publish one update' }))
    await waitFor(() => expect(updatesList(canvasElement)).toHaveLength(13))
    expect(updatesList(canvasElement).at(-1)).toBe('Update 13')
  },
}

/** A short outage the history covers: replayed in full, no notice. */
export const ShortOutageNoNotice: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await live(canvasElement)
    await userEvent.click(canvas.getByRole('button', { name: 'Publish one update' }))
    await waitFor(() => expect(updatesList(canvasElement)).toEqual(['Update 1']))
    await userEvent.click(canvas.getByRole('button', { name: 'Cut the line' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Publish one update' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Publish one update' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Restore the line' }))
    await waitFor(() => expect(updatesList(canvasElement)).toEqual(['Update 1', 'Update 2', 'Update 3']))
    expect(canvas.getByRole('status', { name: 'Missed updates' })).toBeEmptyDOMElement()
  },
}

/**
 * The same feed on scripts/demo-server.mjs (run `npm start`), whose history keeps 200 updates:
 * cut the line, publish 400, restore. Not part of the test run.
 */
export const Live: Story = {
  tags: ['live', '!test'],
  args: { backend: 'live' },
  parameters: { msw: { handlers: [] } },
  play: async ({ canvasElement }) => {
    await live(canvasElement)
  },
}
