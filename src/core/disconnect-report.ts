import { diagnose } from './diagnose'
import { redactText, redactUrl } from './redact'
import type {
  CloseCodeInfo,
  CloseInfo,
  ConnectionState,
  ConnectionStats,
  ConnectionStatus,
  Diagnosis,
} from './types'

/** What a report reads from a connection; a `Connection` has all of it. */
export interface ReportableConnection {
  readonly url: string | (() => unknown)
  getHistory(): readonly CloseInfo[]
  getState(): ConnectionState
  getStats?(): ConnectionStats
}

/** The connection state in a report: plain data, the error reduced to name and redacted message. */
export interface DisconnectReportState {
  status: ConnectionStatus
  attempt: number
  nextRetryAt: number | null
  lastOpenAt: number | null
  latency: number | null
  queued: number
  error: { name: string; message: string } | null
}

/** A disconnect, explained and ready to send to an error tracker: plain JSON, secrets redacted. */
export interface DisconnectReport {
  /** One line for the tracker's title, e.g. `WebSocket closed: 1006 Abnormal Closure (idle-timeout)`. */
  message: string
  /** The connection's URL with secret query values redacted; `'[function]'` for a function url. */
  url: string
  /** The close being reported. */
  close: CloseInfo
  /** What `diagnose` finds in the history, this close included. */
  diagnoses: Diagnosis[]
  /** The connection's counters, or null when it has no `getStats`. */
  stats: ConnectionStats | null
  state: DisconnectReportState
  /** The disconnect history, oldest first, this close included. */
  history: CloseInfo[]
}

/** Options of {@link createDisconnectReport}, passed on to `diagnose`. */
export interface DisconnectReportOptions {
  minUptime?: number
  closeCodes?: Record<number, Partial<CloseCodeInfo>>
}

/**
 * Builds a report of `close` for an error tracker: the diagnoses of the connection's history,
 * its state and counters, with secrets in the URL, close reasons and the error message redacted.
 *
 * @example
 * connection.on('close', (info) => {
 *   const report = createDisconnectReport(connection, info)
 *   Sentry.captureMessage(report.message, { extra: { report } })
 * })
 */
export function createDisconnectReport(
  connection: ReportableConnection,
  close: CloseInfo,
  options: DisconnectReportOptions = {},
): DisconnectReport {
  const history = withClose(connection.getHistory(), close)
  const copies = new Map<CloseInfo, CloseInfo>()
  const copy = (record: CloseInfo): CloseInfo => {
    let copied = copies.get(record)
    if (!copied) {
      copied = plainClose(record)
      copies.set(record, copied)
    }
    return copied
  }

  const diagnoses = diagnose(history, options).map((diagnosis) => ({
    id: diagnosis.id,
    severity: diagnosis.severity,
    summary: diagnosis.summary,
    advice: diagnosis.advice,
    evidence: diagnosis.evidence.map(copy),
  }))
  const stats = connection.getStats?.()

  return {
    // Codes, names and diagnosis ids only: no times or counts, so a tracker groups alike disconnects together.
    message:
      `WebSocket closed: ${close.code} ${close.info.name}` +
      (diagnoses.length > 0 ? ` (${diagnoses.map((diagnosis) => diagnosis.id).join(', ')})` : ''),
    url: typeof connection.url === 'string' ? redactUrl(connection.url) : '[function]',
    close: copy(close),
    diagnoses,
    stats: stats ? { ...stats } : null,
    state: plainState(connection.getState()),
    history: history.map(copy),
  }
}

// The report may be built before or after the connection records the close in its history.
function withClose(history: readonly CloseInfo[], close: CloseInfo): readonly CloseInfo[] {
  const last = history[history.length - 1]
  const recorded = history.includes(close) || (last?.at === close.at && last.code === close.code)
  return recorded ? history : [...history, close]
}

// Fresh objects with known fields only, so whatever else a record carries cannot leak or break JSON.
function plainClose(record: CloseInfo): CloseInfo {
  const copied: CloseInfo = {
    code: record.code,
    reason: redactText(record.reason),
    wasClean: record.wasClean,
    at: record.at,
    openForMs: record.openForMs,
    idleForMs: record.idleForMs,
    initiator: record.initiator,
    info: {
      code: record.info.code,
      name: record.info.name,
      description: record.info.description,
      retry: record.info.retry,
    },
  }
  if (record.offline !== undefined) copied.offline = record.offline
  return copied
}

function plainState(state: ConnectionState): DisconnectReportState {
  const { error } = state
  return {
    status: state.status,
    attempt: state.attempt,
    nextRetryAt: state.nextRetryAt,
    lastOpenAt: state.lastOpenAt,
    latency: state.latency,
    queued: state.queued,
    error: error ? { name: error.name || 'Error', message: redactText(String(error.message)) } : null,
  }
}
