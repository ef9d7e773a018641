import { errorCode } from './errors'

const warned = new Set<string>()

/**
 * Logs a development warning once per distinct message. Callers wrap the call in
 * `try { if (process.env.NODE_ENV !== 'production') warnOnce(…) } catch {}`, spelled out so
 * bundlers drop the text from production builds; without a bundler there is no `process`, and
 * a page then behaves like a production build (no warnings, error codes; see errors.ts).
 */
export function warnOnce(message: string): void {
  reportOnce(`react-lifeline: ${message}`)
}

/** Logs `text` as it is, once: for reports that production builds keep as a short code. */
export function reportOnce(text: string): void {
  if (warned.has(text)) return
  warned.add(text)
  console.warn(text)
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
