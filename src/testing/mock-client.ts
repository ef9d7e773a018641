import { assertServerCloseCode, assertServerData, type ServerData, toPageData } from './messages'
import type { PageSocket } from './mock-websocket'
import { later } from './schedule'

/** One page socket, seen from the mock server. */
export interface MockClient {
  /** The URL the page connected to, query string included. */
  readonly url: string
  /** The subprotocols the page asked for; the first one is accepted. */
  readonly protocols: readonly string[]
  /** Every message this socket sent (heartbeat pings aside), parsed as JSON where it is JSON. */
  readonly received: readonly unknown[]
  /** False once either side ended the connection. */
  readonly open: boolean
  /** Sends a frame to this socket. Does nothing once the connection ended or while the server is silent. */
  send(data: ServerData): void
  sendJson(value: unknown): void
  /** Closes this socket with a close frame: the page sees `code`, `reason` and `wasClean: true`. */
  close(code?: number, reason?: string): void
  /** Ends this socket without a close frame: the page sees `error`, then 1006 with `wasClean: false`. */
  drop(): void
}

/** What a client needs from its server. */
export interface ClientHost {
  /** Throws the "disposed" error when the server is gone. */
  assertUsable(caller: string): void
  readonly silent: boolean
  forget(client: Client): void
}

export class Client implements MockClient {
  readonly received: unknown[] = []
  private ended = false

  constructor(
    private readonly page: PageSocket,
    private readonly host: ClientHost,
  ) {}

  get url(): string {
    return this.page.url
  }

  get protocols(): readonly string[] {
    return this.page.protocols
  }

  get open(): boolean {
    return !this.ended
  }

  send(data: ServerData): void {
    this.host.assertUsable('send')
    assertServerData(data, 'send')
    if (this.ended || this.host.silent) return
    const frame = toFrame(data)
    // Converted on delivery: the page may set binaryType after it connected.
    later(() => this.page.deliver(toPageData(frame, this.page.binaryType)))
  }

  sendJson(value: unknown): void {
    this.send(JSON.stringify(value))
  }

  close(code = 1000, reason = ''): void {
    this.host.assertUsable('close')
    assertServerCloseCode(code, reason)
    this.end(code, reason, true)
  }

  drop(): void {
    this.host.assertUsable('drop')
    this.end(1006, '', false)
  }

  /** The page closed it, or the server was disposed: nothing more goes either way. */
  markEnded(): void {
    this.ended = true
  }

  private end(code: number, reason: string, wasClean: boolean): void {
    if (this.ended) return
    this.ended = true
    this.host.forget(this)
    later(() => this.page.end(code, reason, wasClean))
  }
}

// A copy taken when the test sends, so a buffer it reuses afterwards cannot change the frame.
function toFrame(data: ServerData): ServerData {
  if (typeof data === 'string') return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
  return data.slice(0)
}
