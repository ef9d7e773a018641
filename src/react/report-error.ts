/**
 * Hands an exception from an app callback (onMessage, filter) to the host's error reporting,
 * so one throwing component cannot stop the message reaching the others.
 */
export function reportError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError
  if (typeof report === 'function') report(error)
  else console.error(error)
}
