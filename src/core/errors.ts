/**
 * What a production build throws instead of the sentence: the same error type, its code and
 * the page that explains every code and what to fix (docs/errors.md). Development builds keep
 * the sentence. Each throw spells the choice out as
 * `(() => { try { if (process.env.NODE_ENV !== 'production') return sentence } catch {} return errorCode(n) })()`
 * because that is the form bundlers fold: with NODE_ENV "production" the sentence is dead code
 * and the whole expression becomes the code's string; with "development" (Vite's dev server,
 * webpack, Next.js) it is the sentence. A shared constant or a helper that took the sentence
 * would keep every sentence in production bundles, and a `typeof process` guard would show
 * codes in browser development builds, where bundlers replace `process.env.NODE_ENV` but leave
 * no `process` behind. Without a bundler in a browser, reading `process` throws, so plain ESM
 * gets the codes.
 */
export function errorCode(code: number, detail?: string): string {
  return `react-lifeline error ${code}${detail ? ` (${detail})` : ''}; see https://unpkg.com/react-lifeline/docs/errors.md#error-${code}`
}
