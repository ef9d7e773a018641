// The last text parsed and its parse: a connection with topics reads every frame's JSON to route
// it, and a message that is not a topic frame is read again by the message stores of the hooks.
// Remembering one parse makes that one JSON.parse per message, whoever asks first.
let lastText: string | undefined
let lastJson: unknown

/**
 * `data` parsed as JSON, or `undefined` when it is not JSON text (binary, or a string that
 * does not parse). `undefined`, not `null`: a frame `null` is JSON and parses to `null`.
 */
export function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return undefined
  if (data !== lastText) {
    lastText = data
    try {
      lastJson = JSON.parse(data)
    } catch {
      lastJson = undefined
    }
  }
  return lastJson
}
