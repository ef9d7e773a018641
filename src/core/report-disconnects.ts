import { callSafely } from './dev'
import { createDisconnectReport, type DisconnectReport, type ReportableConnection } from './disconnect-report'
import { errorCode } from './errors'
import type { CloseCodeInfo, CloseInfo } from './types'

/** Options of {@link reportDisconnects}. */
export interface ReportDisconnectsOptions {
  /** Share of disconnects sent, from 0 to 1 [1]; the rest are counted in the next report's `skipped`. */
  sampleRate?: number
  /**
   * Milliseconds of connection clock time during which a group is sent once [60000]: a server
   * that drops every client every second yields one event a minute per pattern, not thousands.
   */
  dedupeMs?: number
  /** For `diagnose` [the connection's `retry.minUptime`, else 5000]. */
  minUptime?: number
  /** For `diagnose` [the connection's `closeCodes`]. */
  closeCodes?: Record<number, Partial<CloseCodeInfo>>
  /** Source of randomness for sampling [Math.random]. */
  random?: () => number
}

/** A report as `reportDisconnects` sends it: with the group a tracker should file it under. */
export interface GroupedDisconnectReport extends DisconnectReport {
  /** The id of the diagnosis that explains this close (`flapping`, `idle-timeout` ...), else `close-<code>`. */
  group: string
  /** A fingerprint for trackers that group by one, e.g. Sentry: `['react-lifeline', group]`. */
  fingerprint: string[]
  /** Disconnects of this group left out (deduplicated or sampled) since the last one sent. */
  skipped: number
}

/** A connection `reportDisconnects` can follow: reportable, and it tells about closes. */
export interface ObservableConnection extends ReportableConnection {
  on(event: 'close', listener: (close: CloseInfo) => void): () => void
}

function check(name: string, value: number, max: number, what: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= max)) {
    throw new RangeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: reportDisconnects option ${name} must be ${what}, got ${String(value)}.`
        } catch {}
        return errorCode(32, name)
      })(),
    )
  }
}

/**
 * Sends one report per disconnect of `connection` to `sink` (an error tracker), grouped by
 * the diagnosis that explains it, at most one per group every `dedupeMs`. A sink that throws
 * is reported through `reportError` and gets the next report all the same. Returns the
 * function that stops reporting.
 *
 * @example
 * reportDisconnects(connection, (report) =>
 *   Sentry.captureMessage(report.message, { fingerprint: report.fingerprint, extra: { report } }),
 * )
 */
export function reportDisconnects(
  connection: ObservableConnection,
  sink: (report: GroupedDisconnectReport) => void,
  options: ReportDisconnectsOptions = {},
): () => void {
  const { sampleRate = 1, dedupeMs = 60_000, random = Math.random } = options
  check('sampleRate', sampleRate, 1, 'a number from 0 to 1 (the share of disconnects sent)')
  check('dedupeMs', dedupeMs, Number.POSITIVE_INFINITY, 'a number of milliseconds >= 0')
  if (typeof sink !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: reportDisconnects(connection, sink) takes a sink function, got ${typeof sink}.`
        } catch {}
        return errorCode(33)
      })(),
    )
  }
  if (typeof connection?.on !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: reportDisconnects(connection) takes a connection from createConnection or getConnection.'
        } catch {}
        return errorCode(34)
      })(),
    )
  }
  const settings = (connection as { options?: { retry?: { minUptime: number } | null; closeCodes?: never } })
    .options
  const diagnoseWith = {
    minUptime: options.minUptime ?? settings?.retry?.minUptime,
    closeCodes: options.closeCodes ?? settings?.closeCodes,
  }
  const lastSentAt = new Map<string, number>()
  const skipped = new Map<string, number>()

  return connection.on('close', (close) => {
    const report = createDisconnectReport(connection, close, diagnoseWith)
    const explaining = report.diagnoses.find((diagnosis) => diagnosis.evidence.includes(report.close))
    const group = explaining?.id ?? `close-${close.code}`
    const last = lastSentAt.get(group)
    if ((last !== undefined && close.at - last < dedupeMs) || random() >= sampleRate) {
      skipped.set(group, (skipped.get(group) ?? 0) + 1)
      return
    }
    lastSentAt.set(group, close.at)
    const grouped = {
      ...report,
      group,
      fingerprint: ['react-lifeline', group],
      skipped: skipped.get(group) ?? 0,
    }
    skipped.delete(group)
    callSafely(() => sink(grouped))
  })
}
