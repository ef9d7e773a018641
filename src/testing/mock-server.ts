import { redactUrl } from '../core/index'
import {
  assertServerCloseCode,
  assertServerData,
  JSON_HEARTBEAT,
  type MockHeartbeat,
  type ServerData,
  toReceived,
} from './messages'
import { Client, type ClientHost, type MockClient } from './mock-client'
import type { PageSocket, ServerSide } from './mock-websocket'
import { addServer, removeServer } from './routing'
import { later } from './schedule'
import { toServerUrl } from './socket-url'

export interface MockServerOptions {
  /**
   * Answers heartbeat pings so components with `heartbeat` stay open [`{"type":"ping"}` →
   * `{"type":"pong"}`, the library's default]. `false` treats pings as ordinary messages.
   * Answered pings are counted in `pings`, not kept in `received`.
   */
  heartbeat?: false | MockHeartbeat
  /** Runs for each socket that opens, e.g. to send a greeting or history. */
  onConnection?(client: MockClient): void
  /** Runs for each message from the page (not while silent), e.g. to reply. */
  onMessage?(message: unknown, client: MockClient): void
}

/** A WebSocket server in memory for tests; see `createMockServer`. */
export interface MockServer {
  /** The URL it answers for (the query string is not part of the match). */
  readonly url: string
  /** The sockets open now. */
  readonly clients: readonly MockClient[]
  /** Every message the pages sent, in order, parsed as JSON where it is JSON (heartbeat pings aside). */
  readonly received: readonly unknown[]
  /** Sockets accepted so far, including those already closed. */
  readonly connections: number
  /** Heartbeat pings received so far, answered or not. */
  readonly pings: number
  /** Sends a frame to every open socket (nothing while silent). */
  send(data: ServerData): void
  sendJson(value: unknown): void
  /** Closes every open socket with a close frame: the page sees `code`, `reason`, `wasClean: true`. */
  close(code?: number, reason?: string): void
  /** Ends every open socket without a close frame, as a lost network does: 1006, `wasClean: false`. */
  drop(): void
  /**
   * Goes quiet without closing anything, like a half-open connection or a hung proxy: no
   * pongs, no replies, nothing sent reaches the pages, and new sockets never finish their
   * handshake. Messages from the pages are still recorded. Heartbeats and `connectTimeout`
   * are what find it.
   */
  goSilent(): void
  /** New connection attempts fail before opening (error, then 1006), all of them or the next `times`. */
  refuse(times?: number): void
  /** Answers and accepts again; handshakes held while silent complete. */
  restore(): void
  /** Resolves with the next message from a page (after this call) that `match` accepts. */
  nextMessage<T = unknown>(match?: (message: unknown) => boolean): Promise<T>
  /** Resolves with the next socket that opens after this call. */
  nextConnection(): Promise<MockClient>
  /**
   * Stops serving the URL: its sockets fall silent and, when no mock server is left,
   * `globalThis.WebSocket` is restored. Any later use throws. Call it in `afterEach`.
   */
  dispose(): void
}

interface MessageWaiter {
  match: ((message: unknown) => boolean) | undefined
  resolve(message: unknown): void
  reject(error: unknown): void
}

class Server implements MockServer, ClientHost {
  readonly url: string
  readonly received: unknown[] = []
  connections = 0
  pings = 0
  silent = false
  private readonly open = new Set<Client>()
  private readonly held = new Set<() => void>()
  private readonly messageWaiters = new Set<MessageWaiter>()
  private readonly connectionWaiters = new Set<(client: MockClient) => void>()
  private readonly heartbeat: MockHeartbeat | null
  private refusals = 0
  private disposed = false

  constructor(
    href: string,
    private readonly key: string,
    private readonly options: MockServerOptions,
  ) {
    this.url = href
    this.heartbeat = options.heartbeat === false ? null : (options.heartbeat ?? JSON_HEARTBEAT)
    addServer(key, this)
  }

  get clients(): readonly MockClient[] {
    return [...this.open]
  }

  /** Called by a page socket as it is constructed. */
  connect(page: PageSocket): ServerSide {
    let client: Client | undefined
    const handshake = () => {
      this.held.delete(handshake)
      if (this.disposed) return
      if (this.refusals > 0) {
        this.refusals -= 1
        return page.end(1006, '', false)
      }
      if (this.silent) return void this.held.add(handshake)
      client = this.accept(page)
    }
    later(handshake)
    return {
      message: (data) => {
        if (client?.open && !this.disposed) this.receive(client, data)
      },
      closedByPage: () => {
        if (!client?.open) return false
        client.markEnded()
        this.forget(client)
        return !this.silent && !this.disposed
      },
      abandoned: () => this.held.delete(handshake),
    }
  }

  send(data: ServerData): void {
    this.assertUsable('send')
    assertServerData(data, 'send')
    for (const client of this.open) client.send(data)
  }

  sendJson(value: unknown): void {
    this.send(JSON.stringify(value))
  }

  close(code = 1000, reason = ''): void {
    this.assertUsable('close')
    assertServerCloseCode(code, reason)
    for (const client of [...this.open]) client.close(code, reason)
  }

  drop(): void {
    this.assertUsable('drop')
    for (const client of [...this.open]) client.drop()
  }

  goSilent(): void {
    this.assertUsable('goSilent')
    this.silent = true
  }

  refuse(times = Number.POSITIVE_INFINITY): void {
    this.assertUsable('refuse')
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0))) {
      throw new RangeError(
        `react-lifeline/testing: refuse(times) takes a whole number above 0 (or nothing, for every attempt), got ${String(times)}.`,
      )
    }
    this.refusals = times
  }

  restore(): void {
    this.assertUsable('restore')
    this.silent = false
    this.refusals = 0
    for (const handshake of [...this.held]) later(handshake)
  }

  nextMessage<T = unknown>(match?: (message: unknown) => boolean): Promise<T> {
    this.assertUsable('nextMessage')
    if (match !== undefined && typeof match !== 'function') {
      throw new TypeError(
        'react-lifeline/testing: nextMessage(match) takes a function (message) => boolean, or nothing.',
      )
    }
    return new Promise<T>((resolve, reject) => {
      this.messageWaiters.add({ match, resolve: resolve as (message: unknown) => void, reject })
    })
  }

  nextConnection(): Promise<MockClient> {
    this.assertUsable('nextConnection')
    return new Promise((resolve) => this.connectionWaiters.add(resolve))
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    removeServer(this.key, this)
    for (const client of this.open) client.markEnded()
    this.open.clear()
    this.held.clear()
    // Waits still pending stay pending: rejecting them would raise unhandled rejections in
    // tests that already failed for another reason.
    this.messageWaiters.clear()
    this.connectionWaiters.clear()
  }

  assertUsable(caller: string): void {
    if (this.disposed) {
      throw new Error(
        `react-lifeline/testing: ${caller}() on the mock server for ${redactUrl(this.url)}, which was disposed; create a new one with createMockServer(url).`,
      )
    }
  }

  forget(client: Client): void {
    this.open.delete(client)
  }

  private accept(page: PageSocket): Client | undefined {
    if (!page.open(page.protocols[0] ?? '')) return undefined
    const client = new Client(page, this)
    this.open.add(client)
    this.connections += 1
    this.options.onConnection?.(client)
    const waiters = [...this.connectionWaiters]
    this.connectionWaiters.clear()
    for (const resolve of waiters) resolve(client)
    return client
  }

  private receive(client: Client, data: unknown): void {
    const message = toReceived(data)
    if (this.heartbeat?.isPing(message)) {
      this.pings += 1
      const { pong } = this.heartbeat
      client.send(typeof pong === 'function' ? pong(message) : pong)
      return
    }
    client.received.push(message)
    this.received.push(message)
    for (const waiter of [...this.messageWaiters]) {
      let matched: boolean
      try {
        matched = waiter.match === undefined || waiter.match(message)
      } catch (error) {
        this.messageWaiters.delete(waiter)
        waiter.reject(error)
        continue
      }
      if (!matched) continue
      this.messageWaiters.delete(waiter)
      waiter.resolve(message)
    }
    if (!this.silent) this.options.onMessage?.(message, client)
  }
}

/**
 * A WebSocket server in memory for tests, at `url`. While any mock server exists,
 * `globalThis.WebSocket` is a stand-in that routes each new socket to the server for its URL,
 * so components and connections created after this call reach it without any option.
 * Events arrive as promise reactions, never on timers: fake timers (Vitest or Jest) only
 * govern the library's own heartbeat, backoff and banner delays.
 *
 * ```ts
 * const server = createMockServer('ws://localhost/live')
 * afterEach(() => server.dispose())
 * ```
 */
export function createMockServer(url: string, options: MockServerOptions = {}): MockServer {
  const { href, key } = toServerUrl(url, 'createMockServer(url)')
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('react-lifeline/testing: createMockServer options must be an object (or left out).')
  }
  const { heartbeat } = options
  if (heartbeat !== undefined && heartbeat !== false && typeof heartbeat?.isPing !== 'function') {
    throw new TypeError(
      'react-lifeline/testing: the heartbeat option is false or { isPing(message) => boolean, pong: string | (message) => string }.',
    )
  }
  return new Server(href, key, options)
}
