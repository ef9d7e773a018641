import { warnOnce } from './dev'
import { errorCode } from './errors'
import { redactUrl, toSafeError } from './redact'
import type { Outgoing } from './send-queue'
import type { WebSocketLike } from './types'

/** `send` takes what `WebSocket.send` takes, and nothing a socket would turn into "[object Object]". */
export function assertOutgoing(data: unknown): asserts data is Outgoing {
  if (!isOutgoing(data)) {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: send takes a string, ArrayBuffer, typed array or Blob, got ${data === null ? 'null' : typeof data}; use sendJson for other values.`
        } catch {}
        return errorCode(28)
      })(),
    )
  }
}

// WebSocket.OPEN, spelled out: the constant is not on every implementation's instances.
export function isOpen(socket: WebSocketLike): boolean {
  return socket.readyState === 1
}

function isOutgoing(data: unknown): data is Outgoing {
  return (
    typeof data === 'string' ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    // Stryker disable next-line ConditionalExpression,StringLiteral: the guard matters only where Blob is missing, and Node and browsers have it.
    (typeof Blob !== 'undefined' && data instanceof Blob) ||
    (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer)
  )
}

/** Warns (once, in development) when an https page opens an unencrypted socket. */
export function warnIfInsecure(url: string): void {
  // Written out, the test inside the guard, so that production bundles drop it all (see warnOnce).
  try {
    if (
      process.env.NODE_ENV !== 'production' &&
      url.startsWith('ws:') &&
      typeof location !== 'undefined' &&
      location.protocol === 'https:'
    )
      warnOnce(
        `connecting to ${redactUrl(url)} with ws:// from a page served over https: the traffic is unencrypted and browsers block it as mixed content. Use wss://.`,
      )
  } catch {}
}

/**
 * Closes a socket. `keep`: its events still matter (a close on purpose waits for the close
 * event). `detach`: nothing it says matters any more, and if it opens late it is closed.
 * `dead`: the path is gone, so drop it without a close handshake where the implementation can.
 */
export function closeSocket(
  socket: WebSocketLike,
  code: number,
  reason: string,
  mode: 'keep' | 'detach' | 'dead',
): void {
  // Node's `ws` would hold a dead socket for 30 s awaiting the close frame; terminate() frees
  // it now. Browsers have no such call and drop the socket on their own.
  const terminate = (socket as { terminate?: () => void }).terminate
  if (mode !== 'keep') {
    socket.onopen = () => closeQuietly(socket)
    socket.onmessage = null
    socket.onclose = null
  }
  try {
    if (mode === 'dead' && typeof terminate === 'function') terminate.call(socket)
    else socket.close(code, reason)
  } catch {
    // Closing a socket that is already closing or closed throws in some implementations.
  }
}

export function closeQuietly(socket: WebSocketLike): void {
  try {
    socket.close(1000, '')
  } catch {
    // Already closed.
  }
}

/** What an error event says about why a socket failed, for `state.error` and the retry policy. */
export interface SocketFailure {
  error: Error
  httpStatus?: number
  /** 401/403 on a fixed URL: the same credentials will be refused again. */
  fatal: boolean
}

/**
 * Reads ws's error (browsers give an Event with no message: nothing to keep). A URL function
 * may bring a fresh token next time, so only a fixed URL gives up on 401/403.
 */
export function failureOf(
  event: unknown,
  protocols: string | string[] | undefined,
  fixedUrl: boolean,
): SocketFailure | undefined {
  const { error, message } = (event ?? {}) as { error?: unknown; message?: unknown }
  const text = error instanceof Error ? error.message : typeof message === 'string' ? message : ''
  if (!text) return undefined
  const httpStatus = Number(/server response: (\d{3})/.exec(text)?.[1]) || undefined
  // "Server sent no subprotocol" says nothing of which one was asked for.
  const asked = protocols && /subprotocol/i.test(text) ? ` (asked for ${String(protocols)})` : ''
  return {
    error: toSafeError(asked ? `${text}${asked}` : (error ?? text)),
    httpStatus,
    fatal: fixedUrl && (httpStatus === 401 || httpStatus === 403),
  }
}
