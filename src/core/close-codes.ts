import { errorCode } from './errors'
import type { CloseCodeInfo } from './types'

type Entry = [name: string, description: string, retry: boolean]

// Retry policy per API.md: codes that say "this request will never work" (protocol errors,
// policy, size limits, TLS) are final; codes that say "the server or the path went away"
// are worth another attempt. The codes 1000 to 1015 in order: `code`'s entry is at `code - 1000`.
const STANDARD_CODES: Entry[] = [
  ['Normal Closure', 'The connection was closed on purpose.', false],
  ['Going Away', 'The server is shutting down, or the page is leaving.', true],
  ['Protocol Error', 'One side broke the WebSocket protocol.', false],
  ['Unsupported Data', 'The server got a kind of data it cannot accept.', false],
  ['Reserved', 'A reserved code that should never be sent.', true],
  ['No Status Received', 'The connection was closed without a status code.', true],
  [
    'Abnormal Closure',
    'The connection dropped without a close frame: the network, a proxy or the server went away.',
    true,
  ],
  ['Invalid Frame Payload Data', 'A message held invalid data, such as text that is not UTF-8.', false],
  ['Policy Violation', 'The server refused the connection by policy, often failed authentication.', false],
  ['Message Too Big', 'A message was too big for the other side.', false],
  ['Mandatory Extension', 'The server did not agree to an extension the client requires.', false],
  ['Internal Error', 'The server hit an unexpected error.', true],
  ['Service Restart', 'The server is restarting; reconnecting shortly should work.', true],
  ['Try Again Later', 'The server is overloaded or rate limiting and asks clients to wait.', true],
  ['Bad Gateway', 'A gateway or proxy got a bad response from the server.', true],
  ['TLS Handshake Failed', 'The secure (TLS) handshake failed.', false],
]

/** Close codes a client may pass to `close()`: 1000 and the registered/application ranges. */
export function isClientCloseCode(code: number): boolean {
  return code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999)
}

/**
 * Throws a RangeError with advice when `code` cannot be sent by a client; the browser would
 * throw an opaque DOMException instead, after the caller's state was already changed.
 */
export function assertClientCloseCode(code: number): void {
  if (!isClientCloseCode(code)) {
    throw new RangeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return (
              `close(${String(code)}): a client may only send 1000 or a code from 3000 to 4999. ` +
              'Codes such as 1001 or 1006 are reserved for servers or for the browser itself; use 1000, or pick an application code in 4000-4999.'
            )
        } catch {}
        return errorCode(24, String(code))
      })(),
    )
  }
}

/**
 * Describes a close code in words, with the default retry policy for it.
 * `overrides` (the `closeCodes` option) names and classifies application codes.
 */
export function describeCloseCode(
  code: number,
  overrides?: Record<number, Partial<CloseCodeInfo>>,
): CloseCodeInfo {
  const base = baseInfo(code)
  const override = overrides?.[code]
  return override ? { ...base, ...override, code } : base
}

type Range = [first: number, last: number, name: string, description: string]

/** The codes outside the table, by range. */
const RANGES: Range[] = [
  [1016, 2999, 'Reserved', 'A code reserved for future WebSocket versions.'],
  [3000, 3999, 'Registered Code', 'A code registered by a library or framework.'],
  [4000, 4999, 'Application Code', 'A code chosen by the application; name it with the closeCodes option.'],
]

const UNKNOWN: Range = [0, 0, 'Unknown Code', 'A code the WebSocket protocol does not define.']

function baseInfo(code: number): CloseCodeInfo {
  const entry = STANDARD_CODES[code - 1000]
  if (entry) return { code, name: entry[0], description: entry[1], retry: entry[2] }
  const [, , name, description] = RANGES.find(([first, last]) => code >= first && code <= last) ?? UNKNOWN
  // Every code outside the table is worth another attempt unless closeCodes says otherwise.
  return { code, name, description, retry: true }
}

// RFC 6455 limits a close reason to 123 bytes of UTF-8.
const MAX_REASON_BYTES = 123

/** The reason cut to the 123 bytes of UTF-8 a close frame allows, without splitting a character. */
export function toCloseReason(reason: unknown): string {
  if (typeof reason !== 'string')
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: close(code, reason): reason must be a string.'
        } catch {}
        return errorCode(25)
      })(),
    )
  // At most 123 characters are looked at, however long the reason.
  const encoder = new TextEncoder()
  let result = ''
  let bytes = 0
  for (const char of reason) {
    const size = encoder.encode(char).length
    if (bytes + size > MAX_REASON_BYTES) break
    result += char
    bytes += size
  }
  return result
}
