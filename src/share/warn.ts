import type { LifelineConnection } from '../core/index'

const warned = new Set<string>()

/** A development warning, once per text; bundlers drop it from production builds. */
export function warnOnce(message: string): void {
  if (!isDevelopment() || warned.has(message)) return
  warned.add(message)
  console.warn(`react-lifeline: ${message}`)
}

// Spelled out so bundlers replace it; without a bundler `process` is missing and warnings stay on.
function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== 'production'
  } catch {
    return true
  }
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
