/**
 * What a production build throws instead of the sentence: the same error type, its code and
 * the page that explains every code and what to fix (docs/errors.md). Development builds keep
 * the sentence. Each throw spells the check out,
 * `typeof process !== 'undefined' && process.env.NODE_ENV !== 'production' ? sentence : errorCode(n)`,
 * because bundlers fold only that literal form: a shared constant or a helper that took the
 * sentence would keep every sentence in production bundles (measured with esbuild). Without a
 * bundler in a browser there is no `process`, so plain ESM gets the codes too.
 */
export function errorCode(code: number, detail?: string): string {
  return `react-lifeline error ${code}${detail ? ` (${detail})` : ''}; see https://unpkg.com/react-lifeline/docs/errors.md#error-${code}`
}
