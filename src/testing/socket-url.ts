import { redactUrl } from '../core/index'

/**
 * The URL a mock server answers for, and the key two URLs share when they reach the same
 * server: scheme, host, port and path. The query string is not part of the key, so a server
 * for `ws://host/live` serves `ws://host/live?token=…` (the client's `url` keeps the query).
 * A path such as `/live` is taken relative to the page, as the library and browsers do.
 */
export function toServerUrl(url: unknown, caller: string): { href: string; key: string } {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new TypeError(
      `react-lifeline/testing: ${caller} takes a ws:// or wss:// URL string, got ${url === null ? 'null' : typeof url}.`,
    )
  }
  const text = String(url)
  const page = typeof location === 'undefined' ? undefined : location.href
  let parsed: URL
  try {
    parsed = text.startsWith('/') && page ? new URL(text, page) : new URL(text)
  } catch {
    throw new SyntaxError(
      `react-lifeline/testing: ${caller} takes an absolute ws:// or wss:// URL, got "${redactUrl(text)}".`,
    )
  }
  if (text.startsWith('/') && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
    parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:'
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new SyntaxError(
      `react-lifeline/testing: ${caller} takes a ws:// or wss:// URL, not ${parsed.protocol}// ("${redactUrl(text)}").`,
    )
  }
  return { href: parsed.href, key: `${parsed.protocol}//${parsed.host}${parsed.pathname}` }
}
