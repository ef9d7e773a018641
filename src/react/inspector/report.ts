import { createDisconnectReport } from '../../core/disconnect-report'
import { redactText, redactUrl } from '../../core/redact'
import type { CloseCodeInfo, Connection } from '../../core/types'

interface DiagnoseSettings {
  minUptime?: number
  closeCodes?: Record<number, Partial<CloseCodeInfo>>
}

/**
 * The inspector's "Copy report": the disconnect report of the last close (redacted, as sent
 * to error trackers), or the state and counters alone while nothing has closed yet.
 */
export function inspectorReport(connection: Connection, settings: DiagnoseSettings): string {
  const history = connection.getHistory()
  const last = history[history.length - 1]
  if (last) return JSON.stringify(createDisconnectReport(connection, last, settings), null, 2)
  const state = connection.getState()
  return JSON.stringify(
    {
      message: 'No disconnect recorded',
      url: typeof connection.url === 'string' ? redactUrl(connection.url) : '[function]',
      state: {
        status: state.status,
        attempt: state.attempt,
        latency: state.latency,
        queued: state.queued,
        error: state.error ? redactText(state.error.message) : null,
      },
      stats: connection.getStats(),
      history: [],
      diagnoses: [],
    },
    null,
    2,
  )
}
