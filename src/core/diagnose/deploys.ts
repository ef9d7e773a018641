import type { CloseInfo } from '../types'
import { codeList, count, type Detector, unclaimed } from './detector'

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

/** 1001 / 1012 closes in bursts: the server restarts or deploys. */
export const deploys: Detector = (history, context) => {
  const all = bursts(unclaimed(history, context))
  const repeated = all.filter((burst) => burst.length >= MIN_REPEATED_BURST)
  const fires = all.some((burst) => burst.length >= MIN_SINGLE_BURST) || repeated.length >= 2
  if (!fires) return null

  const evidence = repeated.flat()
  const restarts = evidence.filter((record) => RESTART_CODES.has(record.code))
  const failed = evidence.length - restarts.length
  const times = restarts.length === 1 ? 'once' : `${restarts.length} times`
  return {
    id: 'deploys',
    severity: 'info',
    summary:
      `The server sent this client away ${times} (${codeList(restarts, context.closeCodes)}) ` +
      `in ${count(repeated.length, 'burst')}` +
      (failed > 0 ? `, and ${count(failed, 'attempt')} failed while it was down` : '') +
      ': the server restarts, most likely for deployments.',
    advice:
      'Drain connections when deploying: stop taking new sockets, close the open ones with 1012 Service Restart ' +
      'spread over a few seconds, then stop the old server. Reconnects are jittered by default, so clients do not ' +
      'all return in the same instant; keep jitter on.',
    evidence,
  }
}
