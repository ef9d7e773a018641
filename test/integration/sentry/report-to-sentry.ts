// The Sentry recipe of docs/error-trackers.md, word for word but for the import path; the
// integration test runs it in Chromium with the real SDK.
import * as Sentry from '@sentry/browser'
import { type Connection, type ReportDisconnectsOptions, reportDisconnects } from '../../../src/core/index'

/** Breadcrumbs for every close, and one Sentry event per diagnosis group and dedupe window. */
export function reportToSentry(connection: Connection, options: ReportDisconnectsOptions = {}): () => void {
  // Every close leaves a breadcrumb, so the next event shows the run of closes that led to it.
  const stopBreadcrumbs = connection.on('close', (close) => {
    Sentry.addBreadcrumb({
      category: 'websocket',
      level: close.info.retry ? 'warning' : 'error',
      message: `closed ${close.code} ${close.info.name}`,
      // The reason is redacted by the connection; the URL is left out.
      data: {
        code: close.code,
        reason: close.reason,
        initiator: close.initiator,
        openForMs: close.openForMs,
        idleForMs: close.idleForMs,
      },
    })
  })
  const stopReports = reportDisconnects(
    connection,
    (report) => {
      Sentry.captureMessage(report.message, {
        level: 'warning',
        // One issue per pattern (flapping, idle-timeout ...), however many disconnects it has.
        fingerprint: report.fingerprint,
        tags: { 'websocket.group': report.group, 'websocket.close_code': String(report.close.code) },
        contexts: {
          websocket: {
            url: report.url,
            skipped: report.skipped,
            diagnoses: report.diagnoses.map((diagnosis) => `${diagnosis.id}: ${diagnosis.summary}`),
            advice: report.diagnoses.map((diagnosis) => diagnosis.advice),
          },
        },
        extra: { history: report.history, stats: report.stats, state: report.state },
      })
    },
    options,
  )
  return () => {
    stopBreadcrumbs()
    stopReports()
  }
}
