import { errorCode } from './errors'
import { redactUrl, toSafeError } from './redact'
import type { UrlSource } from './types'

/**
 * Checks a WebSocket URL and returns it absolute. A path such as `/live` is taken relative to
 * the page (http becomes ws, https becomes wss), as browsers do; anything else must be an
 * absolute ws:// or wss:// URL. Throws a SyntaxError that says what to fix, with secrets redacted.
 */
export function toWebSocketUrl(url: unknown): string {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new SyntaxError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `Invalid WebSocket URL ${describe(url)}: expected a ws:// or wss:// URL string.`
        } catch {}
        return errorCode(19)
      })(),
    )
  }
  const page = typeof location === 'undefined' ? undefined : location.href
  let parsed: URL
  try {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: new URL(url, undefined) is new URL(url), and an absolute url ignores the page.
    parsed = url.startsWith('/') && page ? new URL(url, page) : new URL(url)
  } catch {
    throw new SyntaxError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `Invalid WebSocket URL "${redactUrl(url)}": expected an absolute ws:// or wss:// URL.`
        } catch {}
        return errorCode(20)
      })(),
    )
  }
  // A path takes the page's scheme: http becomes ws, https becomes wss.
  if (url.startsWith('/')) parsed.protocol = parsed.protocol.replace(/^http/, 'ws')
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new SyntaxError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `Invalid WebSocket URL "${redactUrl(url)}": the scheme must be ws:// or wss://, not ${parsed.protocol}//.`
        } catch {}
        return errorCode(21, parsed.protocol)
      })(),
    )
  }
  if (parsed.hash) {
    throw new SyntaxError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `Invalid WebSocket URL "${redactUrl(url)}": a WebSocket URL cannot have a #fragment.`
        } catch {}
        return errorCode(22)
      })(),
    )
  }
  return parsed.href
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  return value === null ? 'null' : typeof value
}

/** Throws at creation for a `url` that is neither a string nor a function. */
export function assertUrlSource(url: unknown): asserts url is UrlSource {
  if (typeof url !== 'string' && typeof url !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: url must be a ws:// or wss:// string, or a function returning one.'
        } catch {}
        return errorCode(18)
      })(),
    )
  }
}

export type ResolvedUrl = { url: string } | { error: Error; fatal: boolean }

/**
 * Produces the URL for one attempt: a string as it is, or what the URL function returns or
 * resolves to, checked. Calls `done` once, synchronously when it can. A fixed string that is
 * invalid will never become valid (fatal); a URL function may do better next time.
 */
export function resolveUrlSource(source: UrlSource, done: (result: ResolvedUrl) => void): void {
  const fatal = typeof source === 'string'
  const check = (url: unknown) => {
    let checked: string
    try {
      checked = toWebSocketUrl(url)
    } catch (error) {
      return done({ error: toSafeError(error), fatal })
    }
    done({ url: checked })
  }
  const failed = (how: string) => (error: unknown) => {
    // The cause is redacted too: trackers serialise `cause`, and it may name the URL.
    const cause = toSafeError(error)
    done({ error: new Error(`The url function ${how}: ${cause.message}`, { cause }), fatal: false })
  }
  if (typeof source === 'string') return check(source)
  let result: string | Promise<string>
  try {
    result = source()
  } catch (error) {
    return failed('threw')(error)
  }
  if (typeof (result as Promise<string> | undefined)?.then === 'function') {
    ;(result as Promise<string>).then(check, failed('rejected'))
  } else {
    check(result)
  }
}
