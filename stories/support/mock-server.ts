import { type WebSocketHandler, type WebSocketHandlerConnection, ws } from 'msw'

type Client = WebSocketHandlerConnection['client']

/** What the mocked server does with new and open connections. */
export type ServerMode = 'up' | 'silent' | 'refusing' | 'flapping'

/** One line of the server's own log, shown beside some stories. */
export interface ServerEvent {
  at: number
  text: string
}

export interface MockServerOptions {
  /** Answer `{"type":"ping"}` with `{"type":"pong"}` after this many ms, plus up to `pongJitterMs` [0]. */
  pongDelayMs?: number
  pongJitterMs?: number
  /** Runs for every socket that opens (greetings, history). */
  onConnect?: (client: Client, server: MockSocketServer) => void
  /** Runs for every message that is not a ping. */
  onMessage?: (data: unknown, client: Client, server: MockSocketServer) => void
}

const PING = /"type"\s*:\s*"ping"/

/**
 * A scripted WebSocket server for one story, served in the page by msw's `ws.link`, so the
 * stories need no server process. Its controls mirror `scripts/demo-server.mjs`: close with a
 * code, drop without a close frame, go silent, refuse connections, flap.
 *
 * Story URLs point at 127.0.0.1: a socket that outlives its story's handlers (msw passes
 * unmatched sockets through to the network) never leaves the machine.
 */
export class MockSocketServer {
  readonly url: string
  readonly handler: WebSocketHandler
  private readonly initialOptions: MockServerOptions
  private options: MockServerOptions
  private readonly clients = new Set<Client>()
  private readonly listeners = new Set<() => void>()
  private mode: ServerMode = 'up'
  private modeTimer: ReturnType<typeof setTimeout> | undefined
  private flapOpenMs = 300
  private events: readonly ServerEvent[] = []
  private connections = 0
  private refusals = 0

  constructor(url: string, options: MockServerOptions = {}) {
    this.url = url
    this.initialOptions = options
    this.options = options
    this.handler = ws.link(url).addEventListener('connection', ({ client }) => this.accept(client))
  }

  /**
   * Back to a healthy server with fresh counters and an empty log; call it before each story.
   * Open sockets stay open and served: a story rendered again within its connection's linger
   * rightly reuses the socket it had.
   */
  reset(): void {
    this.options = this.initialOptions
    this.setMode('up')
    this.events = []
    this.connections = 0
    this.refusals = 0
    this.notify()
  }

  /** Changes options on the fly, e.g. a slower pong. */
  configure(options: Partial<MockServerOptions>): void {
    this.options = { ...this.options, ...options }
    this.notify()
  }

  getOptions(): Readonly<MockServerOptions> {
    return this.options
  }

  getMode(): ServerMode {
    return this.mode
  }

  /** Sockets opened so far (refused ones do not count). */
  getConnectionCount(): number {
    return this.connections
  }

  getOpenCount(): number {
    return this.clients.size
  }

  getEvents(): readonly ServerEvent[] {
    return this.events
  }

  /** For `useSyncExternalStore`: fires when the mode, the clients or the log change. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Sends to every open client. */
  broadcast(data: string): void {
    for (const client of this.clients) client.send(data)
  }

  /** Closes every open socket with a close frame carrying `code` and `reason`. */
  closeAll(code: number, reason = ''): void {
    this.record(`close ${code}${reason ? ` "${reason}"` : ''}`)
    for (const client of [...this.clients]) client.close(code, reason)
  }

  /**
   * Ends every open socket the way a lost network does: an error event, then a close with
   * 1006 and no reason. msw's `client.close` accepts the reserved 1006 for exactly this.
   */
  drop(): void {
    this.record('drop (1006, no close frame)')
    for (const client of [...this.clients]) abort(client)
  }

  /** Keeps sockets open but stops answering anything, pings included. */
  goSilent(): void {
    this.setMode('silent')
    this.record('silent: no replies, no pongs')
  }

  /** Drops open sockets and refuses new ones (they fail before opening) for `ms`, or until `heal()`. */
  refuse(ms = Number.POSITIVE_INFINITY): void {
    this.setMode('refusing', ms)
    this.record(Number.isFinite(ms) ? `refusing connections for ${ms} ms` : 'refusing connections')
    for (const client of [...this.clients]) abort(client)
  }

  /** Refuses the next `count` connection attempts, then accepts again: a countable outage. */
  refuseNext(count: number): void {
    this.refusals = count
    this.record(`refusing the next ${count} connection${count === 1 ? '' : 's'}`)
  }

  /** Accepts connections but cuts each one after `openMs`, for `ms` or until `heal()`. */
  flap(openMs = 300, ms = Number.POSITIVE_INFINITY): void {
    this.flapOpenMs = openMs
    this.setMode('flapping', ms)
    this.record(`flapping: each socket is cut after ${openMs} ms`)
    for (const client of [...this.clients]) this.scheduleFlap(client)
  }

  /** Healthy again: answers, accepts and keeps connections. */
  heal(): void {
    if (this.mode === 'up') return
    this.setMode('up')
    this.record('healthy')
  }

  private accept(client: Client): void {
    const refuse = this.mode === 'refusing' || this.refusals > 0
    if (this.mode !== 'refusing' && this.refusals > 0) this.refusals -= 1
    if (refuse) {
      this.record('refused a connection')
      abort(client)
      return
    }
    this.clients.add(client)
    this.connections += 1
    this.record(`connection #${this.connections} opened`)
    client.addEventListener('close', () => {
      if (this.clients.delete(client)) this.notify()
    })
    client.addEventListener('message', (event) => this.receive(client, event.data))
    if (this.mode === 'flapping') this.scheduleFlap(client)
    this.options.onConnect?.(client, this)
  }

  private receive(client: Client, data: unknown): void {
    if (this.mode === 'silent') return
    if (typeof data === 'string' && PING.test(data)) {
      const jitter = (this.options.pongJitterMs ?? 0) * Math.random()
      const delay = (this.options.pongDelayMs ?? 0) + jitter
      const pong = () => {
        // The mode may have changed while the pong was "on the wire".
        if (this.mode !== 'silent' && this.clients.has(client)) client.send('{"type":"pong"}')
      }
      if (delay > 0) setTimeout(pong, delay)
      else pong()
      return
    }
    this.options.onMessage?.(data, client, this)
  }

  private scheduleFlap(client: Client): void {
    setTimeout(() => {
      if (this.mode === 'flapping' && this.clients.has(client)) {
        this.record('cut a flapping connection')
        abort(client)
      }
    }, this.flapOpenMs)
  }

  private setMode(mode: ServerMode, forMs = Number.POSITIVE_INFINITY): void {
    clearTimeout(this.modeTimer)
    this.modeTimer = undefined
    this.mode = mode
    if (mode !== 'up' && Number.isFinite(forMs)) this.modeTimer = setTimeout(() => this.heal(), forMs)
    this.notify()
  }

  private record(text: string): void {
    this.events = [...this.events.slice(-49), { at: Date.now(), text }]
    this.notify()
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }
}

/** Cuts one socket without a close frame, as a lost network or a proxy does: the page sees 1006. */
export function abort(client: Client): void {
  // The protocol type hides it, but msw's client exposes the page's socket: browsers fire
  // `error` before a 1006 close, and so does this.
  ;(client as { socket?: EventTarget }).socket?.dispatchEvent(new Event('error'))
  client.close(1006, '')
}
