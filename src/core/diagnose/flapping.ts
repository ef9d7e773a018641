import type { CloseInfo } from '../types'
import { count, type Detector, seconds } from './detector'

// Three short-lived connections in a row is a loop, not bad luck.
const MIN_RUN = 3

/** Runs of connections that open and drop within `minUptime`. */
function runs(
  history: readonly CloseInfo[],
  minUptime: number,
  claimed: ReadonlySet<CloseInfo>,
): CloseInfo[][] {
  const found: CloseInfo[][] = []
  let current: CloseInfo[] = []
  for (const record of history) {
    // Attempts that never opened are the retries between flaps: they neither count nor break a run.
    if (record.openForMs === null) continue
    if (record.openForMs >= minUptime) {
      current = []
      continue
    }
    // Short-lived but explained elsewhere (a refusal, a deploy): not a flap, and not a stable connection either.
    if (claimed.has(record)) continue
    if (current.length === 0) found.push(current)
    current.push(record)
  }
  return found
}

/** Connections that open and drop in less than `minUptime`, again and again. */
export const flapping: Detector = (history, context) => {
  const loops = runs(history, context.minUptime, context.claimed).filter((run) => run.length >= MIN_RUN)
  if (loops.length === 0) return null

  const evidence = loops.flat()
  const uptimes = evidence.map((record) => record.openForMs ?? 0)
  return {
    id: 'flapping',
    severity: 'warning',
    summary:
      `${count(evidence.length, 'connection')} ${loops.length === 1 ? 'in a row' : `in ${loops.length} runs`} ` +
      `closed less than ${seconds(context.minUptime)} after ` +
      `opening (open for ${seconds(Math.min(...uptimes))} to ${seconds(Math.max(...uptimes))}): ` +
      'the server accepts the socket and then drops it.',
    advice:
      'Reconnecting will not fix this: check what the server does right after the handshake (a crash, an auth ' +
      'check after connect, a first message it rejects). The retry counter resets only after a connection stays ' +
      `open for ${seconds(context.minUptime)} (minUptime), so backoff keeps growing instead of hammering the server.`,
    evidence,
  }
}
