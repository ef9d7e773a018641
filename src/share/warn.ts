import type { LifelineConnection } from '../core/index'

const warned = new Set<string>()

/**
 * Logs a development warning once per text. Callers wrap the call in
 * `try { if (process.env.NODE_ENV !== 'production') warnOnce(…) } catch {}`, spelled out so
 * bundlers drop the text from production builds (as src/core/dev.ts explains); a test in
 * test/core/error-codes.test.ts holds production bundles free of every such sentence.
 */
export function warnOnce(message: string): void {
  if (warned.has(message)) return
  warned.add(message)
  console.warn(`react-lifeline: ${message}`)
}

/**
 * The options that change what the shared socket does, as text, so tabs can tell whether they
 * asked for the same thing. Functions count by presence only: tabs cannot compare them.
 */
export function optionsSignature(options: LifelineConnection['options']): string {
  const {
    protocols,
    binaryType,
    connectTimeout,
    heartbeat,
    retry,
    queueMax,
    lingerMs,
    closeCodes,
    historySize,
  } = options
  return JSON.stringify(
    { protocols, binaryType, connectTimeout, heartbeat, retry, queueMax, lingerMs, closeCodes, historySize },
    (_key, value) => (typeof value === 'function' ? 'fn' : value),
  )
}
