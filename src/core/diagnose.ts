import { detectors } from './diagnose/index'
import { errorCode } from './errors'
import type { CloseCodeInfo, CloseInfo, Diagnosis } from './types'

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** Milliseconds a connection must stay open to count as stable [5000], as `RetryOptions.minUptime`. */
  minUptime?: number
  /** The connection's `closeCodes`: application codes with auth-like names count as refusals. */
  closeCodes?: Record<number, Partial<CloseCodeInfo>>
}

const DEFAULT_MIN_UPTIME = 5_000

/**
 * Finds patterns in a disconnect history (oldest first, as `getHistory()` returns it) and
 * explains them: idle timeouts of proxies, lifetime caps of gateways, deployments (drained or
 * not), network loss, refused credentials, flapping, half-open connections, server errors.
 * Each diagnosis carries the records backing it. A single ordinary drop is not a pattern, so a
 * short or quiet history yields `[]`. The histories of many clients (from `reportDisconnects`)
 * may be concatenated into one: a crash or a drain then shows as many closes at once.
 *
 * @example
 * for (const d of diagnose(connection.getHistory())) console.warn(d.summary, d.advice)
 */
export function diagnose(history: readonly CloseInfo[], options: DiagnoseOptions = {}): Diagnosis[] {
  if (!Array.isArray(history)) {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: diagnose(history) takes an array of CloseInfo, such as connection.getHistory().'
        } catch {}
        return errorCode(31)
      })(),
    )
  }
  // Closes the app asked for say nothing about the server or the path to it. Histories of many
  // clients may come concatenated: in time order (stable, so each client's order holds) they
  // read as one timeline, where a deploy or a crash shows as closes of many clients together.
  const relevant = history.filter((record) => record.initiator !== 'client').sort((a, b) => a.at - b.at)
  const claimed = new Set<CloseInfo>()
  const context = {
    minUptime: options.minUptime ?? DEFAULT_MIN_UPTIME,
    closeCodes: options.closeCodes ?? {},
    claimed,
  }
  const found: Diagnosis[] = []
  for (const detect of detectors) {
    const diagnosis = detect(relevant, context)
    if (!diagnosis) continue
    found.push(diagnosis)
    for (const record of diagnosis.evidence) claimed.add(record)
  }
  return found
}
