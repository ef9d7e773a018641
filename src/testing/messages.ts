/** What a mock server can send: what a WebSocket frame can carry. */
export type ServerData = string | ArrayBuffer | ArrayBufferView

/** Whether a message the page sent is a heartbeat ping, and what to answer. */
export interface MockHeartbeat {
  /** Gets the message as `received` holds it (parsed JSON where it is JSON). */
  isPing(message: unknown): boolean
  pong: string | ((message: unknown) => string)
}

/** The library's default heartbeat: `{"type":"ping"}` answered by `{"type":"pong"}`. */
export const JSON_HEARTBEAT: MockHeartbeat = {
  isPing: (message) =>
    typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping',
  pong: '{"type":"pong"}',
}

/**
 * A message from the page as tests want to compare it: JSON text parsed, other text as it is,
 * binary data as a Uint8Array copy (the page may reuse its buffer), a Blob as it is.
 */
export function toReceived(data: unknown): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data)
    } catch {
      return data
    }
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0))
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
  return data
}

/** Checks what a test hands to `send`, so a mistake names itself instead of arriving as "[object Object]". */
export function assertServerData(data: unknown, caller: string): asserts data is ServerData {
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return
  throw new TypeError(
    `react-lifeline/testing: ${caller} takes a string, ArrayBuffer or typed array, got ${data === null ? 'null' : typeof data}; use sendJson for other values.`,
  )
}

/** What the page's socket hands to its `message` listeners for `data`, per its `binaryType`. */
export function toPageData(data: ServerData, binaryType: string): unknown {
  if (typeof data === 'string') return data
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
    : new Uint8Array(data.slice(0))
  return binaryType === 'arraybuffer' || typeof Blob === 'undefined' ? bytes.buffer : new Blob([bytes])
}

/** A close frame carries 1000-4999 except the codes reserved for "no frame was seen". */
export function assertServerCloseCode(code: number, reason: string): void {
  if (!Number.isInteger(code) || code < 1000 || code > 4999 || [1004, 1005, 1006, 1015].includes(code)) {
    throw new RangeError(
      `react-lifeline/testing: close(code) takes 1000-4999 except 1004, 1005, 1006 and 1015, got ${String(code)}; use drop() for a connection that ends without a close frame (1006).`,
    )
  }
  if (new TextEncoder().encode(reason).length > 123) {
    throw new RangeError('react-lifeline/testing: a close reason is at most 123 bytes of UTF-8.')
  }
}
