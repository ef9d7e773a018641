// Query-string keys whose values are credentials. Matched case-insensitively, also as a
// suffix after -, _ or . (`x-api-key`, `user_token`, so `access_token` and `api_key` too)
// because services name them freely.
const SECRET_KEY =
  /(^|[-_.])(token|auth|authorization|key|apikey|password|passwd|secret|signature|sig|jwt|session|session_?id|credentials?)$/i

/** Whether a query-string key looks like it carries a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key)
}

/**
 * The URL with secret-looking query values and any user:password replaced by `[redacted]`,
 * so it can go into error messages, history and reports. Works on strings that are not
 * valid URLs too (they are redacted textually).
 */
export function redactUrl(url: string): string {
  return (
    url
      .replace(/\/\/[^/@?#\s]*@/, '//[redacted]@')
      // The fragment too: OAuth's implicit flow puts access_token there.
      .replace(/([?&;#])([^=&#;]+)=([^&#;]*)/g, (whole, sep: string, key: string) => {
        let name = key
        try {
          name = decodeURIComponent(key)
        } catch {
          // A malformed escape is still a key; judge it as written.
        }
        return isSecretKey(name) ? `${sep}${key}=[redacted]` : whole
      })
  )
}

/**
 * Redacts every URL-like word inside free text (error messages, reasons): absolute or not,
 * since `/api/ws-token?token=…` in a rejection message leaks the same secret.
 */
export function redactText(text: string): string {
  return text.replace(/[^\s'"`<>]*[?#@][^\s'"`<>]*/g, (url) => redactUrl(url))
}

/** An Error whose message is safe to show: URLs in it have their secrets redacted. */
export function toSafeError(value: unknown): Error {
  const message = value instanceof Error ? value.message : String(value)
  const safe = redactText(message)
  if (value instanceof Error && safe === message) return value
  return value instanceof Error && value.name === 'SyntaxError' ? new SyntaxError(safe) : new Error(safe)
}
