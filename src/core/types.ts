/** Public types of `react-lifeline/core`. The shapes here are the contract in API.md. */

import type { Topic, TopicProtocol } from './topic-types'

export type {
  Topic,
  TopicFrame,
  TopicMessageMeta,
  TopicPosition,
  TopicProtocol,
  TopicState,
  TopicStatus,
} from './topic-types'

/** What a connection is doing, in one word. */
export type ConnectionStatus =
  /** Never started, or released and lingered out. */
  | 'idle'
  /** First attempt in progress. */
  | 'connecting'
  | 'open'
  /** Lost; waiting for the next attempt or attempting (attempt >= 1). */
  | 'reconnecting'
  /** The network reports offline; attempts paused until it is back. */
  | 'offline'
  /** `close()` called, or the server's close frame arrived; handshake in progress. */
  | 'closing'
  /** Closed on purpose: `close()`, or a close the retry policy does not retry (such as 1000). */
  | 'closed'
  /** Gave up: a code that must not be retried, `maxAttempts` reached, or a bad URL. */
  | 'failed'

/** Who ended a socket. */
export type CloseInitiator = 'server' | 'client' | 'heartbeat' | 'timeout' | 'network'

/** A close code in words. */
export interface CloseCodeInfo {
  code: number
  /** Short name such as 'Normal Closure' or 'Going Away'. */
  name: string
  /** One plain sentence for people. */
  description: string
  /** Whether the default policy reconnects after it. */
  retry: boolean
  /**
   * Retry at once, without the backoff wait, when this code ends a stable connection (for
   * example a server's "token expired" code: the next attempt fetches a fresh URL). If that
   * attempt ends the same way before `minUptime`, the usual backoff applies. [false]
   */
  retryImmediately?: boolean
}

/** One disconnect, as kept in the history. */
export interface CloseInfo {
  /** The close event's code; 1006 for drops with no close frame. */
  code: number
  reason: string
  wasClean: boolean
  /** Clock time of the close. */
  at: number
  /** How long that socket had been open (null if it never opened). */
  openForMs: number | null
  /** Time since the last inbound frame when it closed (null if it never opened). */
  idleForMs: number | null
  initiator: CloseInitiator
  info: CloseCodeInfo
  /** Whether the network source reported offline when the socket closed. */
  offline?: boolean
  /**
   * The HTTP status of a refused upgrade (401, 404, 503...), where the platform says it:
   * Node's `ws` does; browsers hide it and report a plain 1006.
   */
  httpStatus?: number
}

/** A snapshot of a connection. The same object is returned until a field changes. */
export interface ConnectionState {
  status: ConnectionStatus
  /** Failed attempts since the last stable open. */
  attempt: number
  /** Clock time of the scheduled attempt, null when none is scheduled. */
  nextRetryAt: number | null
  /** The last disconnect, kept after reconnecting. */
  lastClose: CloseInfo | null
  lastOpenAt: number | null
  /** Milliseconds of the last heartbeat round trip. */
  latency: number | null
  /** The last run-time failure: invalid URL, connect timeout, unserialisable JSON, dropped message... */
  error: Error | null
  /** Messages waiting in the send queue. */
  queued: number
}

/** Timers and time, injectable so every timing path can be tested without sleeping. */
export interface Clock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Where online/offline comes from. */
export interface NetworkSource {
  isOnline(): boolean
  /** Calls `callback` whenever online-ness may have changed; returns an unsubscribe. */
  subscribe(callback: () => void): () => void
}

/** Where page visibility comes from (a visible page pings at once when heartbeat is on). */
export interface VisibilitySource {
  isVisible(): boolean
  subscribe(callback: () => void): () => void
}

export interface HeartbeatOptions {
  /** Milliseconds between pings [25000]. */
  interval?: number
  /** Milliseconds to wait for any inbound frame after a ping before the connection is declared dead [10000]. */
  timeout?: number
  /** What to send [`'{"type":"ping"}'`]. */
  message?: string | (() => string)
  /** Which inbound messages are pongs [JSON with `type === 'pong'`]. Pongs are not delivered to listeners. */
  isPong?: (data: unknown) => boolean
}

export interface RetryOptions {
  /** [1000] */
  initialDelay?: number
  /** [30000] */
  maxDelay?: number
  /** [2] */
  factor?: number
  /** ['full'] */
  jitter?: 'full' | 'equal' | 'none'
  /** [Infinity] */
  maxAttempts?: number
  /** Milliseconds a connection must stay open before the attempt counter resets [5000]. */
  minUptime?: number
  /** Whether to reconnect after this close [by close code]. `attempt` is the attempt about to be made (1, 2, ...). */
  shouldRetry?: (close: CloseInfo, attempt: number) => boolean
}

/** The subset of the WebSocket class the connection needs. */
export interface WebSocketLike {
  readonly readyState: number
  binaryType: string
  onopen: ((event: any) => void) | null
  onclose: ((event: any) => void) | null
  onerror: ((event: any) => void) | null
  onmessage: ((event: any) => void) | null
  send(data: any): void
  close(code?: number, reason?: string): void
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike

export interface ConnectionOptions {
  protocols?: string | string[]
  /** ['blob'] */
  binaryType?: 'blob' | 'arraybuffer'
  /** Milliseconds a CONNECTING socket may take before it is abandoned and retried [10000]. */
  connectTimeout?: number
  /** [false]; `true` means every default of `HeartbeatOptions`. */
  heartbeat?: boolean | HeartbeatOptions
  /** `false` never retries. */
  retry?: false | RetryOptions
  /** Bounded send queue while not open [`{ max: 100 }`]; `false` drops sends while not open. */
  queue?: false | { max: number }
  /** Milliseconds the socket stays open after its last holder lets go [1000]. */
  lingerMs?: number
  /** Names and retry policy for application codes 4000-4999 (and overrides of others). */
  closeCodes?: Record<number, Partial<CloseCodeInfo>>
  /** How many `CloseInfo` records `getHistory()` keeps [20]. */
  historySize?: number
  /**
   * Keeps the disconnect history across page loads (redacted, bounded by `historySize`), e.g.
   * `localStorage`, so patterns that need hours or days show up in `diagnose` [false].
   */
  historyStorage?: HistoryStorage | false
  /** The constructor to use [`globalThis.WebSocket`]. */
  WebSocket?: WebSocketConstructor
  clock?: Clock
  network?: NetworkSource
  visibility?: VisibilitySource
  /** Source of randomness for jitter [Math.random]. */
  random?: () => number
  /**
   * Runs on every open before the status becomes 'open' and before queued messages are sent:
   * auth, subscriptions. A throw or rejection closes that socket and counts as a failed attempt.
   */
  handshake?: Handshake
  /**
   * `'origin'`: every tab of this origin using the same key shares one socket ['tab'].
   * Needs `import 'react-lifeline/share'` once in the app; without it the connection stays per tab.
   */
  share?: 'tab' | 'origin'
  /**
   * How this server subscribes to topics, for `connection.topic(name)`: `lifelineTopics()`,
   * `graphqlWsTopics(…)` or an object of your own (docs/topics.md).
   */
  topics?: TopicProtocol
}

/** The `handshake` option: what runs on every open, before anything queued is sent. */
export type Handshake = (session: Session) => void | Promise<void>

/** What a `handshake` gets: one open socket, before the app sees it. */
export interface Session {
  /** Sends at once, before anything queued. */
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void
  sendJson(value: unknown): void
  /**
   * The first inbound message that `match` accepts (any message without one), also one that
   * arrived before the call, parsed as JSON: a value typed `T` is a parsed value, never the raw
   * text. `match(data, json)` gets the raw data and its parse (`undefined` when not JSON). The
   * message is not delivered to message listeners. Rejects when the message it takes is not
   * JSON text (use `receiveMessage` for raw frames), after `timeout` ms, or when the socket is
   * abandoned. `T` is not checked: validate the value if the server may send another shape.
   */
  receive<T = unknown>(
    match?: (data: unknown, json: unknown) => boolean,
    options?: { timeout?: number },
  ): Promise<T>
  /** As `receive`, but resolves with the raw data and its parse, for text or binary protocols. */
  receiveMessage(
    match?: (data: unknown, json: unknown) => boolean,
    options?: { timeout?: number },
  ): Promise<SessionMessage>
  /** Failed attempts since the last stable open: 0 on the first open. */
  readonly attempt: number
  readonly lastClose: CloseInfo | null
  /** Aborted when this socket is abandoned (closed, timed out, replaced). */
  readonly signal: AbortSignal
}

/** A message a handshake took: the raw `MessageEvent.data` and its JSON parse. */
export interface SessionMessage {
  readonly data: unknown
  /** `data` parsed as JSON; `undefined` when it is not JSON text. */
  readonly json: unknown
}

/** Where `historyStorage` keeps the history: `localStorage`, `sessionStorage` or anything alike. */
export interface HistoryStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export type SendResult = 'sent' | 'queued' | 'dropped'

export type UrlSource = string | (() => string | Promise<string>)

export interface Connection {
  readonly url: UrlSource
  getState(): ConnectionState
  /** Listens to state changes; ready for `useSyncExternalStore`. */
  subscribe(listener: () => void): () => void
  /** Every inbound message but pongs. */
  onMessage(listener: (data: unknown, event: MessageEvent) => void): () => void
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): SendResult
  sendJson(value: unknown): SendResult
  /** Start now; while waiting to retry, retry now. */
  connect(): void
  /** Drop the current socket and connect again now. */
  reconnect(): void
  /** Intentional close: status 'closed', no retry. */
  close(code?: number, reason?: string): void
  /** Hold the connection open; the returned release lets go (`lingerMs` applies). */
  retain(): () => void
  getHistory(): readonly CloseInfo[]
  /** Listens to every disconnect as it is recorded in the history; returns the unsubscribe. */
  on(event: 'close', listener: (close: CloseInfo) => void): () => void
  /** Running counters since the connection was created. */
  getStats(): Readonly<ConnectionStats>
  /** The topic of this name (the same object each time); needs the `topics` option. */
  topic<T = unknown>(name: string): Topic<T>
  destroy(): void
}

export interface Diagnosis {
  id: string
  severity: 'info' | 'warning' | 'error'
  summary: string
  advice: string
  evidence: CloseInfo[]
}

/** Running counters of one connection, for reports and devtools. */
export interface ConnectionStats {
  /** Sockets that reached open. */
  opens: number
  /** Disconnects recorded (also those beyond `historySize`). */
  closes: number
  /** Socket attempts started. */
  attempts: number
  /** Every inbound message, the heartbeat's pongs included (pongs are not delivered to listeners). */
  messagesReceived: number
  messagesSent: number
  /** Messages given to `send` that were dropped (queue overflow or queue disabled). */
  messagesDropped: number
  /** Messages that failed a `schema` given to a hook (`useWebSocket`, `useMessages`). */
  messagesInvalid: number
}
