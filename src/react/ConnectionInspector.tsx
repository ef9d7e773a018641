import { type ReactElement, useId, useMemo } from 'react'
import { diagnose } from '../core/diagnose'
import type { Connection, ConnectionOptions, ConnectionState } from '../core/types'
import { CopyReport } from './inspector/CopyReport'
import { DiagnosisList } from './inspector/DiagnosisList'
import { Figures } from './inspector/Figures'
import { HistoryList } from './inspector/HistoryList'
import { inspectorReport } from './inspector/report'
import { Timeline } from './inspector/Timeline'
import { useLiveFigures } from './inspector/use-live-figures'
import { type ConnectionTarget, useTargetConnection } from './use-target-connection'
import { useConnectionState } from './useConnectionState'

/** Props of `<ConnectionInspector>`. */
export interface ConnectionInspectorProps {
  /** A URL (the shared connection) or a connection. The inspector observes; it does not hold it open. */
  target: string | Connection
  /** Heading of the panel ['Connection inspector']. */
  title?: string
  /** Added to `lifeline-inspector`. */
  className?: string
  /** With a URL target: options merged into the shared connection's while mounted (see the banner's). */
  options?: ConnectionOptions
  /** Milliseconds the timeline shows [the smallest of 1 min, 5 min, 15 min, 1 h, 6 h, 24 h, 7 days that fits the history]. */
  timelineMs?: number
}

type Settings = { retry?: { minUptime: number } | null; closeCodes?: ConnectionOptions['closeCodes'] }

/**
 * A developer panel to keep open beside an app: live status and figures, a timeline of open
 * periods and drops, what `diagnose()` makes of the history with advice, the history itself
 * and a "Copy report" button. Styles come from the optional `react-lifeline/inspector.css`.
 * A separate export: apps that do not render it do not ship it.
 */
export function ConnectionInspector({
  target,
  title = 'Connection inspector',
  className,
  options,
  timelineMs,
}: ConnectionInspectorProps): ReactElement {
  const connection = useTargetConnection(target as ConnectionTarget, options)
  const state = useConnectionState(connection, selectAll)
  const live = useLiveFigures(connection)
  // The history grows exactly when lastClose changes, so state drives the re-read.
  // biome-ignore lint/correctness/useExhaustiveDependencies: lastClose marks a new history record
  const history = useMemo(() => connection?.getHistory() ?? [], [connection, state.lastClose])
  const settings = (connection as { options?: Settings } | null)?.options
  const diagnoseWith = useMemo(
    () => ({ minUptime: settings?.retry?.minUptime, closeCodes: settings?.closeCodes }),
    [settings],
  )
  const diagnoses = useMemo(() => diagnose(history, diagnoseWith), [history, diagnoseWith])
  const headingId = useId()
  const historyId = useId()
  // Before the first reading, "now" is the newest thing the inspector knows of.
  const now = Math.max(live.now, state.lastOpenAt ?? 0, history[history.length - 1]?.at ?? 0)

  return (
    <section
      className={className ? `lifeline-inspector ${className}` : 'lifeline-inspector'}
      aria-labelledby={headingId}
      data-status={state.status}
    >
      <header className="lifeline-inspector__header">
        <h2 id={headingId} className="lifeline-inspector__title">
          {title}
        </h2>
        <span className="lifeline-inspector__status" data-status={state.status} aria-hidden="true">
          {state.status}
        </span>
        {connection ? <CopyReport report={() => inspectorReport(connection, diagnoseWith)} /> : null}
      </header>
      <Figures state={state} live={{ ...live, now }} />
      <h3 className="lifeline-inspector__heading">Timeline</h3>
      <Timeline
        history={history}
        openSince={state.status === 'open' ? state.lastOpenAt : null}
        now={now}
        windowMs={timelineMs}
      />
      <h3 className="lifeline-inspector__heading">Diagnosis</h3>
      <DiagnosisList diagnoses={diagnoses} recorded={history.length} />
      <h3 id={historyId} className="lifeline-inspector__heading">
        Disconnects (newest first)
      </h3>
      {/* A long history scrolls inside the panel; focusable so the keyboard can scroll it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll by keyboard */}
      <section className="lifeline-inspector__scroll" aria-labelledby={historyId} tabIndex={0}>
        <HistoryList history={history} />
      </section>
    </section>
  )
}

function selectAll(state: ConnectionState): ConnectionState {
  return state
}
