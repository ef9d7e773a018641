import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { ConnectionInspector, useWebSocket } from '../src'
import { type GroupedDisconnectReport, reportDisconnects } from '../src/core'
import '../src/react/inspector.css'
import { DiagnosisStage, expectDiagnosis, ScenarioNote } from './support/diagnosis-stage'
import { useStoryConnection } from './support/environment'
import { createFastClock } from './support/fast-clock'
import { MockSocketServer } from './support/mock-server'
import { Panel } from './support/ui'

// Patterns that need hours: the scheduled job, on a stepping clock like the idle-timeout story's,
// and the Sentry recipe with a mock sink in place of the SDK (test/integration/sentry-recipe.test.ts
// runs the real SDK against a local collector).

interface Args {
  title: string
}

const urlOf = (name: string) => `ws://127.0.0.1:8790/over-time/${name}`

const meta = {
  title: 'Diagnosis/Over time',
  args: { title: 'Connection inspector' },
} satisfies Meta<Args>

export default meta
type Story = StoryObj<Args>

/* scheduled ------------------------------------------------------------------------------------- */

// Hours in a second or two: 50 s of clock time every 5 ms (10,000x). The clock steps, so the
// job fires at exactly :00 of clock time however busy the browser is (support/fast-clock.ts).
const hourClock = createFastClock(10_000, 5)
const JOB_RUNS = 4

/** Clock time of the next full hour (local, as cron counts). */
function nextHour(now: number): number {
  const next = new Date(now)
  next.setMinutes(60, 0, 0)
  return next.getTime()
}

let jobRuns = 0

const cronServer = new MockSocketServer(urlOf('scheduled'), {
  onConnect: (client) => {
    client.send(JSON.stringify({ type: 'snapshot', orders: 12 }))
    // After four runs the job is fixed, so the page settles and can be read.
    if (jobRuns >= JOB_RUNS) return
    // The hourly report job saturates the database; the server sheds its sockets with 1013.
    hourClock.setTimeout(() => {
      jobRuns += 1
      client.close(1013, 'Overloaded')
    }, nextHour(hourClock.now()) - hourClock.now())
  },
})

export const Scheduled: Story = {
  name: 'scheduled',
  render: ({ title }) => (
    <DiagnosisStage
      title={title}
      url={cronServer.url}
      options={{
        clock: hourClock,
        // A connect that takes the browser a few real milliseconds is minutes of clock time here.
        connectTimeout: 30 * 60_000,
        retry: { initialDelay: 1_000, maxDelay: 5_000, jitter: 'none' },
        heartbeat: false,
      }}
      scenario={
        'An order dashboard stays connected all day. At the top of every hour a report job saturates the ' +
        'database and the server sheds its sockets with 1013 Try Again Later; the page reconnects at once. ' +
        'Time runs 10,000× faster in this story, so four hours pass in about a second and a half.'
      }
    />
  ),
  beforeEach: () => {
    cronServer.reset()
    jobRuns = 0
    return hourClock.run()
  },
  parameters: { msw: { handlers: [cronServer.handler] } },
  play: async ({ canvasElement, args }) => {
    const item = await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'scheduled',
      // The job runs at :00 of clock time; the close reaches the page a few real ms (a minute or so of
      // clock time) later, as a real close arrives after the job starts.
      summary:
        /^info: 4 disconnects came at about :0[0-2] past the hour in 4 different hours \(1013 Try Again Later ×4\): something runs on a schedule\.$/,
      timeout: 15_000,
    })
    expect(item).toHaveTextContent(
      /Look for what starts at :0[0-2] \(client local time\) every hour: cron jobs/,
    )

    // The timeline shows the four drops; focusing one shows its close record.
    const panel = within(canvasElement).getByRole('region', { name: args.title })
    const marks = within(panel).getAllByRole('button', { name: /1013 Try Again Later/ })
    expect(marks).toHaveLength(4)
    expect(panel).toHaveTextContent(/Last 6 h: 4 disconnects/)
    marks[0]!.focus()
    await userEvent.keyboard('{ArrowRight}')
    expect(marks[1]).toHaveFocus()
    expect(marks[1]).toHaveAttribute('aria-pressed', 'true')
    expect(panel.querySelector('.lifeline-inspector__record')).toHaveTextContent(
      /1013 Try Again Later "Overloaded" \(by server, open for \d+ min/,
    )
  },
}

/* The inspector, styled, in the dark -------------------------------------------------------------- */

const flappingServer = new MockSocketServer(urlOf('flapping-dark'))

/** The inspector alone on a dark page: inspector.css follows data-theme="dark" on an ancestor. */
function DarkStage({ title }: { title: string }) {
  const connection = useStoryConnection(flappingServer.url, {
    retry: { initialDelay: 50, maxDelay: 200, jitter: 'none', minUptime: 2000 },
  })
  useWebSocket(connection)
  return (
    <div data-theme="dark" style={{ background: '#010409', padding: 16, maxWidth: 800 }}>
      {connection ? <ConnectionInspector target={connection} title={title} /> : null}
    </div>
  )
}

export const InspectorDark: Story = {
  name: 'inspector (dark)',
  args: { title: 'Live prices: connection' },
  render: ({ title }) => <DarkStage title={title} />,
  beforeEach: () => {
    flappingServer.reset()
    flappingServer.flap(120, 2000)
  },
  parameters: { msw: { handlers: [flappingServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'flapping',
      summary: /connections in a row/,
    })
    const panel = within(canvasElement).getByRole('region', { name: args.title })
    // inspector.css's dark panel, not the light one.
    expect(getComputedStyle(panel).backgroundColor).toBe('rgb(13, 17, 23)')
    await waitFor(() =>
      expect(within(panel).getByText('Status').nextElementSibling).toHaveTextContent('open'),
    )
  },
}

/* The Sentry recipe, with a mock sink ------------------------------------------------------------ */

const sentryServer = new MockSocketServer(urlOf('sentry'))

function TrackerStage() {
  const connection = useStoryConnection(sentryServer.url, {
    retry: { initialDelay: 50, maxDelay: 200, jitter: 'none', minUptime: 2000 },
  })
  const [sent, setSent] = useState<GroupedDisconnectReport[]>([])
  const [closes, setCloses] = useState(0)
  useEffect(() => {
    if (!connection) return
    const stopCount = connection.on('close', () => setCloses((n) => n + 1))
    // In an app: (report) => Sentry.captureMessage(report.message, { fingerprint: report.fingerprint, ... })
    const stop = reportDisconnects(connection, (report) => setSent((list) => [...list, report]), {
      dedupeMs: 60_000,
    })
    connection.connect()
    return () => {
      stop()
      stopCount()
    }
  }, [connection])
  return (
    <div style={{ maxWidth: 760 }}>
      <ScenarioNote>
        The server flaps for two seconds. Every close is a breadcrumb; reportDisconnects sends one event per
        diagnosis group and minute (dedupeMs), so the tracker gets a handful of events, not one per close.
      </ScenarioNote>
      <Panel title="Sent to the error tracker">
        <p>
          {closes} closes (breadcrumbs), {sent.length} events
        </p>
        <ol aria-label="Events">
          {sent.map((report) => (
            <li key={`${report.group}-${report.close.at}`}>
              <code>{report.fingerprint.join(' / ')}</code>: {report.message}
            </li>
          ))}
        </ol>
      </Panel>
    </div>
  )
}

export const SentryRecipe: Story = {
  name: 'Sentry recipe (mock sink)',
  render: () => <TrackerStage />,
  beforeEach: () => {
    sentryServer.reset()
    sentryServer.flap(120, 2000)
  },
  parameters: { msw: { handlers: [sentryServer.handler] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const events = await canvas.findByRole('list', { name: 'Events' })
    await waitFor(() => expect(events).toHaveTextContent('react-lifeline / flapping'), { timeout: 5000 })
    await waitFor(() => expect(canvas.getByText(/^\d+ closes/)).toHaveTextContent(/^([6-9]|\d\d+) closes/), {
      timeout: 5000,
    })
    const items = within(events).getAllByRole('listitem')
    expect(items.map((item) => item.textContent?.split(':')[0])).toEqual([
      'react-lifeline / close-1006',
      'react-lifeline / flapping',
    ])
  },
}
