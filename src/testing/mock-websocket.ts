import { redactUrl } from '../core/index'
import { later } from './schedule'
import { toServerUrl } from './socket-url'

/** What a mock server can do to the page's end of one socket. Each call fires its events at once. */
export interface PageSocket {
  readonly url: string
  readonly protocols: readonly string[]
  readonly binaryType: string
  /** False when the page gave up on it meanwhile. */
  open(protocol: string): boolean
  deliver(data: unknown): void
  /** Ends the socket; an unclean end fires `error` first, as browsers do for 1006. */
  end(code: number, reason: string, wasClean: boolean): void
}

/** What the page's socket tells its server. Calls arrive in order, after the page's code ran. */
export interface ServerSide {
  message(data: unknown): void
  /** The page closed an open socket; true when the server answers the close frame. */
  closedByPage(code: number, reason: string): boolean
  /** The page gave up on a socket that never opened. */
  abandoned(): void
}

/** Where the mock sockets find their server; undefined when no mock server has that URL. */
export type FindServer = (key: string) => { connect(page: PageSocket): ServerSide } | undefined

/** What the stand-in is to its users: a constructor with the browser WebSocket's shape. */
export type MockWebSocketClass = new (url: string | URL, protocols?: string | string[]) => WebSocket

const HANDLERS = ['open', 'message', 'error', 'close'] as const

/**
 * The `WebSocket` class the kit puts on `globalThis` while a mock server exists. It behaves
 * like the browser's (ready states, `on…` properties and listeners, the close-code rules of
 * `close()`, `send` throwing while connecting), but its other end is a mock server in memory.
 * Made per global, because its base class and events must come from the environment's own
 * DOM (jsdom's in jsdom, the page's in a browser).
 */
export function createMockWebSocketClass(find: FindServer, servedUrls: () => string[]): MockWebSocketClass {
  return class MockWebSocket extends EventTarget {
    static readonly CONNECTING = 0
    static readonly OPEN = 1
    static readonly CLOSING = 2
    static readonly CLOSED = 3
    readonly CONNECTING = 0
    readonly OPEN = 1
    readonly CLOSING = 2
    readonly CLOSED = 3
    readonly url: string
    readonly extensions = ''
    protocol = ''
    binaryType: BinaryType = 'blob'
    bufferedAmount = 0
    readyState = 0
    onopen: ((event: Event) => void) | null = null
    onmessage: ((event: MessageEvent) => void) | null = null
    onerror: ((event: Event) => void) | null = null
    onclose: ((event: CloseEvent) => void) | null = null
    private readonly server: ServerSide

    constructor(url: string | URL, protocols?: string | string[]) {
      super()
      const { href, key } = toServerUrl(url, 'new WebSocket(url)')
      this.url = href
      const endpoint = find(key)
      if (!endpoint) {
        const served = servedUrls().map(redactUrl).join(', ') || 'none'
        throw new Error(
          `react-lifeline/testing: no mock server for ${redactUrl(href)} (mock servers: ${served}). Call createMockServer(url) with this URL before the code under test connects.`,
        )
      }
      for (const type of HANDLERS) {
        this.addEventListener(type, (event) =>
          (this[`on${type}`] as ((e: Event) => void) | null)?.call(this, event),
        )
      }
      const requested =
        protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols]
      this.server = endpoint.connect(this.page(requested))
    }

    send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (this.readyState === 0) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError')
      // Browsers discard data sent on a closing or closed socket without an error.
      if (this.readyState !== 1) return
      const copy = ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
        : data instanceof ArrayBuffer
          ? data.slice(0)
          : data
      later(() => this.server.message(copy))
    }

    close(code?: number, reason = ''): void {
      if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
        throw new DOMException(`The close code must be 1000 or 3000-4999, got ${code}.`, 'InvalidAccessError')
      }
      if (new TextEncoder().encode(reason).length > 123) {
        throw new DOMException('The close reason must be at most 123 bytes.', 'SyntaxError')
      }
      if (this.readyState >= 2) return
      const wasOpen = this.readyState === 1
      this.readyState = 2
      later(() => {
        if (!wasOpen) {
          this.server.abandoned()
          return this.finish(1006, '', false)
        }
        const answered = this.server.closedByPage(code ?? 1005, reason)
        // No answer to the close frame (a silent server): browsers give up with 1006.
        this.finish(answered ? (code ?? 1005) : 1006, answered ? reason : '', answered)
      })
    }

    private page(protocols: string[]): PageSocket {
      const socket = this
      return {
        url: this.url,
        protocols,
        get binaryType() {
          return socket.binaryType
        },
        open: (protocol) => {
          if (this.readyState !== 0) return false
          this.readyState = 1
          this.protocol = protocol
          this.dispatchEvent(new Event('open'))
          return true
        },
        deliver: (data) => {
          if (this.readyState === 1) this.dispatchEvent(messageEvent(data))
        },
        end: (code, reason, wasClean) => this.finish(code, reason, wasClean),
      }
    }

    private finish(code: number, reason: string, wasClean: boolean): void {
      if (this.readyState === 3) return
      this.readyState = 3
      if (!wasClean) this.dispatchEvent(new Event('error'))
      this.dispatchEvent(closeEvent(code, reason, wasClean))
    }
  }
}

function messageEvent(data: unknown): Event {
  if (typeof MessageEvent === 'function') return new MessageEvent('message', { data })
  return Object.assign(new Event('message'), { data })
}

// Node 20 has no CloseEvent; an Event with the same fields serves every listener.
function closeEvent(code: number, reason: string, wasClean: boolean): Event {
  if (typeof CloseEvent === 'function') return new CloseEvent('close', { code, reason, wasClean })
  const event = new Event('close')
  Object.defineProperties(event, {
    code: { value: code },
    reason: { value: reason },
    wasClean: { value: wasClean },
  })
  return event
}
