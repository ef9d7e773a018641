import type { CloseInfo } from '../types'
import { closedTogether, codeList, count, type Detector, duration, unclaimed } from './detector'

// 1001 Going Away is what a server sends as it shuts down; 1012 Service Restart says so outright.
const RESTART_CODES = new Set([1001, 1012])

// A rolling deploy replaces servers one after another over a few minutes: a client that
// reconnects to a server not yet replaced is sent away again, and attempts made while no
// server is up fail without opening. All of that is one burst.
const BURST_GAP_MS = 5 * 60_000

// One restart the client lived through is an event; several closes in one window, or bursts
// that come back, are a deploy routine worth tuning for.
const MIN_SINGLE_BURST = 3
const MIN_REPEATED_BURST = 2

function bursts(history: readonly CloseInfo[]): CloseInfo[][] {
  const found: CloseInfo[][] = []
  let current: CloseInfo[] | null = null
  for (const record of history) {
    const last = current?.[current.length - 1]
    if (last && record.at - last.at > BURST_GAP_MS) current = null
    if (RESTART_CODES.has(record.code)) {
      if (!current) {
        current = []
        found.push(current)
      }
      current.push(record)
    } else if (current && record.openForMs === null) {
      current.push(record)
    }
  }
  return found
}

/** How to drain, for deploys that do not and for those that do it all at once. */
export const DRAINING =
  'drain({ windowMs }) from react-lifeline/server stops taking new sockets and closes the open ones with ' +
  "1012 Service Restart in batches spread over the window (Phoenix's socket drainer does the same; with ws, " +
  'close each socket with 1012 yourself, in batches, before server.close())'

/**
 * How many restart closes of a burst landed in one second, when they are most of it (else 0):
 * the server closed every socket at once (Socket.IO's io.close(), a loop over ws's clients),
 * so every client comes back at once. Only a history merged from many clients shows it.
 */
function closedAtOnce(restarts: readonly CloseInfo[]): number {
  const largest = Math.max(0, ...closedTogether(restarts).map((group) => group.length))
  return largest * 2 >= restarts.length ? largest : 0
}

/** 1001 / 1012 closes in bursts: the server restarts or deploys, and says so before it goes. */
export const deploys: Detector = (history, context) => {
  const all = bursts(unclaimed(history, context))
  const repeated = all.filter((burst) => burst.length >= MIN_REPEATED_BURST)
  const fires = all.some((burst) => burst.length >= MIN_SINGLE_BURST) || repeated.length >= 2
  if (!fires) return null

  const evidence = repeated.flat()
  const isRestart = (record: CloseInfo) => RESTART_CODES.has(record.code)
  const restarts = evidence.filter(isRestart)
  const failed = evidence.length - restarts.length
  const times = restarts.length === 1 ? 'once' : `${restarts.length} times`
  const atOnce = repeated.reduce((sum, burst) => sum + closedAtOnce(burst.filter(isRestart)), 0)
  // The time from the first restart close to the last: how far a drain spread its closes.
  const spanMs =
    repeated.length === 1 && restarts.length > 1 ? restarts[restarts.length - 1]!.at - restarts[0]!.at : 0
  return {
    id: 'deploys',
    severity: atOnce > 0 ? 'warning' : 'info',
    summary:
      `The server sent connections away ${times} (${codeList(restarts, context.closeCodes)}) ` +
      `in ${count(repeated.length, 'burst')}` +
      (atOnce > 0
        ? `, ${atOnce === restarts.length ? 'all' : atOnce} within the same second`
        : spanMs > 0
          ? ` over ${duration(spanMs)}`
          : '') +
      (failed > 0 ? `, and ${count(failed, 'attempt')} failed while it was down` : '') +
      ': the server restarts, most likely for deployments, and ' +
      (atOnce > 0
        ? 'closes every socket at once, so every client comes back at once.'
        : 'drains properly, closing its sockets with a close frame before it goes.'),
    advice:
      atOnce > 0
        ? `Spread the closes over a window: ${DRAINING}. Reconnects are jittered by default, but jitter only ` +
          'spreads them over the first retry delay; keep it on as well.'
        : 'Nothing to fix if these are your deploys: a close frame before each restart is what draining looks like. ' +
          `Keep the closes spread out so clients do not all return in the same instant: ${DRAINING}. ` +
          'Reconnects are jittered by default; keep jitter on.',
    evidence,
  }
}
