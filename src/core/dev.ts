import { errorCode } from './errors'

// Bundlers replace process.env.NODE_ENV; without one (plain ESM in a browser) warnings stay on.
export function isDevelopment(): boolean {
  // Spelled out so bundlers replace it with "production" and drop dev-only work; without a
  // bundler (plain ESM in a browser) `process` is missing, the read throws and warnings stay on.
  try {
    return process.env.NODE_ENV !== 'production'
  } catch {
    return true
  }
}

const warned = new Set<string>()

/** Logs a development warning once per distinct message. */
export function warnOnce(message: string): void {
  if (!isDevelopment() || warned.has(message)) return
  warned.add(message)
  console.warn(`react-lifeline: ${message}`)
}

/** Hands an exception thrown by user code to the host's error reporting without breaking the caller. */
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError
  if (typeof report === 'function') report(error)
  else console.error(error)
}

/** Runs user code so that a throw is reported but never stops the caller's loop. */
export function callSafely(callback: () => void): void {
  try {
    callback()
  } catch (error) {
    reportListenerError(error)
  }
}

/** Throws a TypeError when a listener is not a function, instead of failing at the next event. */
export function assertFunction(method: string, listener: unknown): void {
  if (typeof listener !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: ${method}(listener) takes a function, got ${typeof listener}.`
        } catch {}
        return errorCode(26, method)
      })(),
    )
  }
}
