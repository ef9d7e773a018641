import { type ReactElement, useId, useMemo } from 'react'
import { diagnose } from '../core/diagnose'
import type { CloseInfo, Connection, ConnectionOptions, ConnectionState, Diagnosis } from '../core/types'
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
  /** Options used only if the inspector is the first to ask for the shared connection of `target`. */
  options?: ConnectionOptions
}

/**
 * A developer panel: status, attempt, next retry, latency, the disconnect history as a
 * timeline, and what `diagnose()` makes of it, with advice. Meant for development builds and
 * support pages; it is a separate export, so apps that do not render it do not ship it.
 */
export function ConnectionInspector({
  target,
  title = 'Connection inspector',
  className,
  options,
}: ConnectionInspectorProps): ReactElement {
  const connection = useTargetConnection(target as ConnectionTarget, options)
  const state = useConnectionState(connection, selectAll)
  // The history grows exactly when lastClose changes, so state drives the re-read.
  // biome-ignore lint/correctness/useExhaustiveDependencies: lastClose marks a new history record
  const history = useMemo(() => connection?.getHistory() ?? [], [connection, state.lastClose])
  const settings = (
    connection as { options?: { retry?: { minUptime: number } | null; closeCodes?: never } } | null
  )?.options
  const diagnoses = useMemo(
    () => diagnose(history, { minUptime: settings?.retry?.minUptime, closeCodes: settings?.closeCodes }),
    [history, settings],
  )
  const headingId = useId()

  return (
    <section
      className={className ? `lifeline-inspector ${className}` : 'lifeline-inspector'}
      aria-labelledby={headingId}
      data-status={state.status}
    >
      <h2 id={headingId} className="lifeline-inspector__title">
        {title}
      </h2>
      <Summary state={state} now={clockOf(connection).now()} />
      <h3 className="lifeline-inspector__heading">Diagnosis</h3>
      {diagnoses.length === 0 ? (
        <p className="lifeline-inspector__empty">No pattern in {history.length} recorded disconnects.</p>
      ) : (
        <ul className="lifeline-inspector__diagnoses">
          {diagnoses.map((diagnosis) => (
            <DiagnosisItem key={diagnosis.id} diagnosis={diagnosis} />
          ))}
        </ul>
      )}
      <h3 className="lifeline-inspector__heading">Disconnects (newest first)</h3>
      {history.length === 0 ? (
        <p className="lifeline-inspector__empty">None yet.</p>
      ) : (
        <ol className="lifeline-inspector__history" reversed>
          {history
            .map((close, index) => (
              // Rows hold no state, and two closes can share a clock time, so position is the key.
              // biome-ignore lint/suspicious/noArrayIndexKey: stateless rows
              <HistoryItem key={index} close={close} />
            ))
            .reverse()}
        </ol>
      )}
    </section>
  )
}

function Summary({ state, now }: { state: ConnectionState; now: number }): ReactElement {
  const rows: [string, string][] = [
    ['Status', state.status],
    ['Attempt', String(state.attempt)],
    ['Next retry', state.nextRetryAt === null ? '—' : `in ${seconds(state.nextRetryAt - now)}`],
    ['Latency', state.latency === null ? '—' : `${Math.round(state.latency)} ms`],
    ['Queued', String(state.queued)],
  ]
  if (state.error) rows.push(['Error', state.error.message])
  return (
    <dl className="lifeline-inspector__summary">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function DiagnosisItem({ diagnosis }: { diagnosis: Diagnosis }): ReactElement {
  return (
    <li className="lifeline-inspector__diagnosis" data-severity={diagnosis.severity} data-id={diagnosis.id}>
      <strong>
        {diagnosis.severity}: {diagnosis.summary}
      </strong>
      <p>{diagnosis.advice}</p>
      <small>
        {diagnosis.id}, from {diagnosis.evidence.length} disconnect
        {diagnosis.evidence.length === 1 ? '' : 's'}
      </small>
    </li>
  )
}

function HistoryItem({ close }: { close: CloseInfo }): ReactElement {
  const parts = [
    `by ${close.initiator}`,
    close.openForMs === null ? 'never opened' : `open for ${seconds(close.openForMs)}`,
    close.idleForMs === null ? null : `idle for ${seconds(close.idleForMs)}`,
  ].filter(Boolean)
  return (
    <li className="lifeline-inspector__close" data-code={close.code}>
      <time dateTime={new Date(close.at).toISOString()}>{new Date(close.at).toLocaleTimeString()}</time>{' '}
      <strong>
        {close.code} {close.info.name}
      </strong>
      {close.reason ? ` "${close.reason}"` : ''} ({parts.join(', ')})
    </li>
  )
}

// nextRetryAt is in the connection's clock time.
function clockOf(connection: Connection | null): { now(): number } {
  return (connection as { options?: { clock?: { now(): number } } } | null)?.options?.clock ?? Date
}

function seconds(ms: number): string {
  const value = Math.max(0, ms) / 1000
  return value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`
}

function selectAll(state: ConnectionState): ConnectionState {
  return state
}
