/**
 * `data` parsed as JSON, or `undefined` when it is not JSON text (binary, or a string that
 * does not parse). `undefined`, not `null`: a frame `null` is JSON and parses to `null`.
 */
export function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return undefined
  try {
    return JSON.parse(data)
  } catch {
    return undefined
  }
}
