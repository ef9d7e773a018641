import { count, type Detector, unclaimed } from './detector'

/**
 * Attempts that fail before the socket opens (1006, never open, while online): the server is
 * down or it (or a proxy) refuses the upgrade. Node's ws reports an HTTP status; browsers hide
 * it on purpose, so the advice says where to look.
 */
export const refusedHandshake: Detector = (history, context) => {
  const refused = unclaimed(history, context).filter(
    (record) => record.code === 1006 && record.openForMs === null && record.initiator === 'server',
  )
  if (refused.length < 3) return null
  const statuses = [...new Set(refused.map((record) => record.httpStatus).filter(Boolean))]
  return {
    id: 'refused-handshake',
    severity: 'warning',
    summary:
      // "Connection attempts", not "handshakes": the app's `handshake` option runs only after an open.
      `${count(refused.length, 'connection attempt')} refused before the socket opened` +
      (statuses.length > 0
        ? ` (HTTP ${statuses.join(', ')}).`
        : ': the server is down or refuses the WebSocket upgrade; the HTTP status is not known.'),
    advice:
      'Browsers hide why an upgrade was refused and report a plain 1006: look for the request in the Network tab ' +
      "of the browser's devtools or in the server's and proxy's logs. 401/403 means credentials (a function " +
      'url can fetch a fresh token for every attempt), 404 a wrong path or a proxy that does not forward ' +
      'the upgrade, 5xx a server or proxy in trouble.',
    evidence: refused,
  }
}
