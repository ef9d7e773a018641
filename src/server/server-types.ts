import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { ServerClock, TopicPosition, TopicStore } from './types'

// The public shape of createLifelineServer: its options and what it returns.

/** A frame the lifeline protocol does not use, handed to `onMessage`. */
export interface UnhandledFrame {
  /** The frame's text; null for binary frames. */
  text: string | null
  data: Buffer
  isBinary: boolean
  /** The parsed JSON when the text was JSON, else undefined. */
  json: unknown
}

export interface LifelineServerOptions {
  /** An HTTP server to attach to: upgrades on `path` are handled, others left alone. */
  server?: Server
  /** Listen on this port with a server of our own (0: any free port; see `ready()`). */
  port?: number
  /** With `port`: the interface to listen on [every interface, as `http.Server#listen`]. */
  host?: string
  /** The path upgrades are accepted on, with `server` or `port` ['/']. */
  path?: string
  /** History and fan-out [memoryStore()]. */
  store?: TopicStore
  /** May this connection subscribe to this topic? A throw or rejection refuses too (`unavailable`). */
  authorize?(request: IncomingMessage, topic: string): boolean | Promise<boolean>
  /** Largest frame a client may send, in bytes; a larger one closes the socket with 1009 [65536]. */
  maxPayload?: number
  /** Topics one socket may hold at once [100]. */
  maxTopicsPerSocket?: number
  /**
   * Subscribes per second a socket may make after a burst of twice `maxTopicsPerSocket` (a
   * reconnect resubscribes every topic at once) [10]; beyond it: `rate-limited`.
   */
  subscribesPerSecond?: number
  /** The server's own protocol pings: a socket that has not answered the last one is ended [30000; 0 = off]. */
  pingIntervalMs?: number
  /** How long a socket asked to close may take before it is terminated [5000]. */
  closeTimeoutMs?: number
  /**
   * Bytes queued for one socket (a client that reads slower than its topics publish) beyond
   * which it is closed with 1013 Try Again Later instead of growing without bound; it
   * reconnects and resumes from its position [4 MiB].
   */
  maxBufferedBytes?: number
  /** Each accepted socket, after the handshake. */
  onConnection?(socket: WebSocket, request: IncomingMessage): void
  /**
   * Frames the lifeline protocol does not use (other types, binary, not JSON). Without it the
   * server answers them with an `error` frame; with it they are yours.
   */
  onMessage?(socket: WebSocket, frame: UnhandledFrame, request: IncomingMessage): void
  /** Unexpected failures (a throwing `authorize`, a store that cannot be reached) [console.error]. */
  onError?(error: unknown): void
  /** Timers and time, for tests [the system clock]. */
  clock?: ServerClock
}

export interface DrainOptions {
  /** The window the closes are spread over, in ms [30000]. */
  windowMs?: number
  /** Close code [1012 Service Restart]. */
  code?: number
  /** Close reason, at most 123 bytes ['server restart']. */
  reason?: string
}

export interface LifelineServer {
  /** Appends to the topic's history and sends it to its subscribers on every process. */
  publish(topic: string, data: unknown): Promise<TopicPosition>
  /**
   * Stops accepting (new upgrades get HTTP 503), closes the sockets in batches spread over
   * `windowMs` with 1012, terminates those that do not finish closing within `closeTimeoutMs`,
   * and resolves when no socket is left.
   */
  drain(options?: DrainOptions): Promise<void>
  /** `drain({ windowMs: 0 })`. */
  close(): Promise<void>
  /** Open sockets. */
  readonly clients: number
  /** True from the first `drain()` or `close()` on. */
  readonly draining: boolean
  /** With `port`: resolves with the port once listening (rejects when it cannot listen). */
  ready(): Promise<number>
  /**
   * Takes over an upgrade request that your own `upgrade` handler chose to accept (when neither
   * `server` nor `port` is given); the path is not checked.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
}
