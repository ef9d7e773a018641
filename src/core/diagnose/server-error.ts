import { count, type Detector, unclaimed } from './detector'

/** Repeated 1011 Internal Error: the server fails while serving this connection. */
export const serverError: Detector = (history, context) => {
  const errors = unclaimed(history, context).filter((record) => record.code === 1011)
  if (errors.length < 2) return null

  return {
    id: 'server-error',
    severity: 'error',
    summary: `The server hit an internal error (1011) ${count(errors.length, 'time')} while serving this connection.`,
    advice:
      "Look at the server's logs around these times: 1011 means an unhandled error in its connection handler. " +
      'Reconnects back off, but if a message or some state triggers the bug, every new connection will fail the same way.',
    evidence: errors,
  }
}
