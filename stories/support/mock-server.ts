import { createMockServer, type MockClient, type MockServer } from '../../src/testing/index'

/** The server side of one socket: react-lifeline/testing's client. */
export type Client = MockClient

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
  /** Runs for every message that is not a ping, with the text the page sent. */
  onMessage?: (data: unknown, client: Client, server: MockSocketServer) => void
}

/**
 * A scripted WebSocket server for one story, served in the page by react-lifeline/testing's
 * `createMockServer`, so the stories need no server process and dogfood the kit users get.
 * Its controls mirror `scripts/demo-server.mjs`: close with a code, drop without a close frame,
 * go silent, refuse connections, flap.
 *
 * A story lists it in `parameters.msw.handlers` (the key predates the kit; stories on other
 * branches still use it), and the preview's loader starts it for that story and stops it when
 * another story is shown, so the environment's own WebSocket is back for live stories.
 */
export class MockSocketServer {
  readonly url: string
  private readonly initialOptions: MockServerOptions
  private options: MockServerOptions
  private server: MockServer | undefined
  private readonly listeners = new Set<() => void>()
  private mode: ServerMode = 'up'
  private modeTimer: ReturnType<typeof setTimeout> | undefined
  private flapOpenMs = 300
  private events: readonly ServerEvent[] = []
  private connectionsBefore = 0

  constructor(url: string, options: MockServerOptions = {}) {
    this.url = url
    this.initialOptions = options
    this.options = options
  }

  /** What a story lists in `parameters.msw.handlers`. */
  get handler(): MockSocketServer {
    return this
  }

  /** Serves the URL (the preview's loader calls it before the story renders). */
  start(): void {
    if (this.server) return
    this.server = createMockServer(this.url, {
      // Pongs are answered here, after the story's delay, and not while silent.
      heartbeat: false,
      onConnection: (client) => this.accept(client),
      onMessage: (message, client) => this.receive(client, message),
    })
  }

  /** Stops serving the URL; its sockets fall silent. */
  stop(): void {
    this.connectionsBefore += this.server?.connections ?? 0
    this.server?.dispose()
    this.server = undefined
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
    this.connectionsBefore = -(this.server?.connections ?? 0)
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

  /** Sockets opened since the last reset (refused ones do not count). */
  getConnectionCount(): number {
    return this.connectionsBefore + (this.server?.connections ?? 0)
  }

  getOpenCount(): number {
    return this.server?.clients.length ?? 0
  }

  getEvents(): readonly ServerEvent[] {
    return this.events
  }

  /** For `useSyncExternalStore`: fires when the mode or the log change. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Sends to every open client. */
  broadcast(data: string): void {
    this.server?.send(data)
  }

  /** Closes every open socket with a close frame carrying `code` and `reason`. */
  closeAll(code: number, reason = ''): void {
    this.record(`close ${code}${reason ? ` "${reason}"` : ''}`)
    this.server?.close(code, reason)
  }

  /** Ends every open socket the way a lost network does: an error event, then 1006, no reason. */
  drop(): void {
    this.record('drop (1006, no close frame)')
    this.server?.drop()
  }

  /**
   * Keeps sockets open but stops answering anything, pings included. New connections still
   * open (and get no answers either), as behind a NAT that forgot each flow after its start.
   */
  goSilent(): void {
    this.setMode('silent')
    this.record('silent: no replies, no pongs')
  }

  /** Drops open sockets and refuses new ones (they fail before opening) for `ms`, or until `heal()`. */
  refuse(ms = Number.POSITIVE_INFINITY): void {
    this.setMode('refusing', ms)
    this.record(Number.isFinite(ms) ? `refusing connections for ${ms} ms` : 'refusing connections')
    this.server?.refuse()
    this.server?.drop()
  }

  /** Refuses the next `count` connection attempts, then accepts again: a countable outage. */
  refuseNext(count: number): void {
    this.record(`refusing the next ${count} connection${count === 1 ? '' : 's'}`)
    this.server?.refuse(count)
  }

  /** Accepts connections but cuts each one after `openMs`, for `ms` or until `heal()`. */
  flap(openMs = 300, ms = Number.POSITIVE_INFINITY): void {
    this.flapOpenMs = openMs
    this.setMode('flapping', ms)
    this.record(`flapping: each socket is cut after ${openMs} ms`)
    for (const client of this.server?.clients ?? []) this.scheduleFlap(client)
  }

  /** Healthy again: answers, accepts and keeps connections. */
  heal(): void {
    if (this.mode === 'up') return
    this.setMode('up')
    this.record('healthy')
  }

  private accept(client: Client): void {
    this.record(`connection #${this.getConnectionCount()} opened`)
    if (this.mode === 'flapping') this.scheduleFlap(client)
    this.options.onConnect?.(client, this)
  }

  private receive(client: Client, message: unknown): void {
    if (this.mode === 'silent') return
    if (isPing(message)) {
      const jitter = (this.options.pongJitterMs ?? 0) * Math.random()
      const delay = (this.options.pongDelayMs ?? 0) + jitter
      const pong = () => {
        // The mode may have changed while the pong was "on the wire".
        if (this.mode !== 'silent' && client.open) client.send('{"type":"pong"}')
      }
      if (delay > 0) setTimeout(pong, delay)
      else pong()
      return
    }
    // The stories' scripts read text, as a server does; the kit hands over parsed JSON.
    const data =
      typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message)
    this.options.onMessage?.(data, client, this)
  }

  private scheduleFlap(client: Client): void {
    setTimeout(() => {
      if (this.mode === 'flapping' && client.open) {
        this.record('cut a flapping connection')
        client.drop()
      }
    }, this.flapOpenMs)
  }

  private setMode(mode: ServerMode, forMs = Number.POSITIVE_INFINITY): void {
    clearTimeout(this.modeTimer)
    this.modeTimer = undefined
    if (this.mode === 'refusing' && mode !== 'refusing') this.server?.restore()
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

function isPing(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping'
}

/** Cuts one socket without a close frame, as a lost network or a proxy does: the page sees 1006. */
export function abort(client: Client): void {
  client.drop()
}
