import { assertClientCloseCode, toCloseReason } from './close-codes'
import { assertFunction, callSafely } from './dev'
import { watchEnvironment } from './environment'
import { errorCode } from './errors'
import { isPongSafely, pingMessage } from './heartbeat'
import { keepHistory } from './history-storage'
import { initialState, transition } from './machine'
import type { Effect, MachineContext, MachineEvent, MachineState, TimerName } from './machine-types'
import { Notifier } from './notifier'
import { machineContextOf, type ResolvedOptions, resolveOptions } from './options'
import { redactText, toSafeError } from './redact'
import { type Outgoing, SendQueue } from './send-queue'
import { type HandshakeRun, openSession } from './session'
import { attachShare, type ShareDriver } from './share-driver'
import {
  assertOutgoing,
  closeQuietly,
  closeSocket,
  failureOf,
  isOpen,
  type SocketFailure,
  warnIfInsecure,
} from './socket'
import { Timers } from './timers'
import { topicEngineOf } from './topic-engine'
import type { TopicRegistry } from './topics'
import type {
  CloseInfo,
  Connection,
  ConnectionOptions,
  ConnectionState,
  ConnectionStats,
  SendResult,
  Topic,
  UrlSource,
  WebSocketConstructor,
  WebSocketLike,
} from './types'
import { assertUrlSource, resolveUrlSource } from './url'

/**
 * A reconnecting WebSocket. The state machine decides; this class owns the socket, the
 * timers and the listeners and carries out what the machine asks for.
 */
export class LifelineConnection implements Connection {
  /** Set by `import 'react-lifeline/share'`: makes `share: 'origin'` share across tabs. */
  declare static shareDriver?: ShareDriver
  readonly url: UrlSource
  #resolved: ResolvedOptions
  #state: MachineState
  #context: MachineContext
  #socket: WebSocketLike | null = null
  readonly #timers = new Timers<TimerName>(() => this.#resolved.clock)
  #queue: SendQueue | null
  #history: readonly CloseInfo[]
  readonly #stats: ConnectionStats = {
    opens: 0,
    closes: 0,
    attempts: 0,
    messagesReceived: 0,
    messagesSent: 0,
    messagesDropped: 0,
    messagesInvalid: 0,
  }
  readonly #stateListeners = new Set<() => void>()
  readonly #notifier: Notifier<ConnectionState>
  readonly #messageListeners = new Set<(data: unknown, event: MessageEvent) => void>()
  readonly #closeListeners = new Set<(close: CloseInfo) => void>()
  // Stryker disable next-line ArrayDeclaration: an event of no known type changes nothing in transition().
  readonly #pending: MachineEvent[] = []
  #dispatching = false
  #unwatch: (() => void) | null = null
  #handshakeRun: HandshakeRun | null = null
  /**
   * The `topics` option's registry, made on first use. The connection tells it three moments of
   * its socket (`opened` before the queue flushes, `lost`, and each inbound frame to `receive`)
   * and knows nothing else of topics.
   */
  #topics?: TopicRegistry

  constructor(url: UrlSource, options?: ConnectionOptions) {
    assertUrlSource(url)
    this.url = url
    this.#resolved = resolveOptions(options)
    this.#context = machineContextOf(this.#resolved)
    this.#queue = SendQueue.of(this.#resolved.queueMax)
    this.#state = initialState(this.#resolved.network.isOnline())
    this.#history = keepHistory(url, this.#resolved)
    this.#notifier = new Notifier(this.getState, this.#stateListeners)
    attachShare(this, options)
  }

  /** The options in force, every default filled in. */
  get options(): ResolvedOptions {
    return this.#resolved
  }

  /**
   * Replaces the options. Before the connection has started, all of them (the shared registry
   * uses this when the first caller for a URL only watched). Once started, without disturbing
   * the socket: each new value applies where it is next read (a heartbeat interval at the next
   * ping, `connectTimeout` at the next attempt, `handshake` at the next open); a heartbeat
   * turned on while open schedules its first ping; `clock`, `network`, `visibility` and `share`
   * stay as they were. Returns whether the connection had not started.
   */
  configure(options: ConnectionOptions): boolean {
    const resolved = resolveOptions(options)
    const before = this.#resolved
    const fresh =
      this.#stats.attempts === 0 && this.#state.holders === 0 && this.#state.view.status === 'idle'
    if (!fresh) {
      resolved.clock = before.clock
      resolved.network = before.network
      resolved.visibility = before.visibility
    }
    this.#resolved = resolved
    this.#context = machineContextOf(resolved)
    if (resolved.queueMax !== before.queueMax) {
      const queued = this.#queue?.drainAll() ?? []
      this.#queue = SendQueue.of(resolved.queueMax)
      for (const message of queued) this.send(message)
    }
    if (this.#history.length === 0) this.#history = keepHistory(this.url, resolved)
    if (resolved.heartbeat && !before.heartbeat) this.#dispatch({ type: 'heartbeat-on' })
    return fresh
  }

  getState = (): ConnectionState => this.#state.view

  subscribe = (listener: () => void): (() => void) => {
    assertFunction('subscribe', listener)
    this.#stateListeners.add(listener)
    return () => this.#stateListeners.delete(listener)
  }

  onMessage(listener: (data: unknown, event: MessageEvent) => void): () => void {
    assertFunction('onMessage', listener)
    this.#messageListeners.add(listener)
    return () => this.#messageListeners.delete(listener)
  }

  /** Listens to every disconnect as it is recorded in the history. */
  on(event: 'close', listener: (close: CloseInfo) => void): () => void {
    if (event !== 'close')
      throw new TypeError(
        (() => {
          try {
            if (process.env.NODE_ENV !== 'production')
              return `react-lifeline: unknown event "${String(event)}"; only 'close' exists.`
          } catch {}
          return errorCode(27)
        })(),
      )
    assertFunction('on', listener)
    this.#closeListeners.add(listener)
    return () => this.#closeListeners.delete(listener)
  }

  send(data: Outgoing): SendResult {
    assertOutgoing(data)
    if (this.#trySend(data)) return 'sent'
    if (!this.#queue || this.#queue.max === 0 || this.#state.destroyed) {
      this.#stats.messagesDropped += 1
      this.#sendFailed(new Error('Message dropped: the connection is not open and queueing is off.'))
      return 'dropped'
    }
    const dropped = this.#queue.push(data)
    this.#stats.messagesDropped += dropped
    const full = `Send queue full (max ${this.#queue.max}): dropped the oldest queued message.`
    const error = dropped > 0 && this.#isNewError(full) ? new Error(full) : undefined
    this.#dispatch({ type: 'queue-changed', queued: this.#queue.size, error }, true)
    return 'queued'
  }

  sendJson(value: unknown): SendResult {
    let text: string | undefined
    let threw = false
    let cause: unknown
    try {
      text = JSON.stringify(value)
    } catch (error) {
      threw = true
      cause = error
    }
    if (text !== undefined) return this.send(text)
    const why = (() => {
      try {
        if (process.env.NODE_ENV !== 'production')
          return `sendJson: nothing was sent because ${threw ? `it cannot be serialised (${(cause as Error)?.message})` : `JSON has no representation for ${typeof value}`}.`
      } catch {}
      return errorCode(43)
    })()
    this.#sendFailed(new TypeError(why, { cause }))
    return 'dropped'
  }

  connect(): void {
    this.#syncNetwork()
    this.#dispatch({ type: 'connect' })
  }

  reconnect(): void {
    this.#syncNetwork()
    this.#dispatch({ type: 'reconnect' })
  }

  close(code = 1000, reason = ''): void {
    assertClientCloseCode(code)
    this.#dispatch({ type: 'close', code, reason: toCloseReason(reason) })
  }

  retain(): () => void {
    this.#syncNetwork()
    this.#dispatch({ type: 'retain' })
    let released = false
    return () => {
      if (released) return
      released = true
      this.#dispatch({ type: 'release' })
    }
  }

  /** Whether `destroy()` was called; a destroyed connection does nothing more. */
  get destroyed(): boolean {
    return this.#state.destroyed
  }

  getHistory(): readonly CloseInfo[] {
    return this.#history
  }

  /** Running counters since the connection was created. */
  getStats(): Readonly<ConnectionStats> {
    return { ...this.#stats }
  }

  /** Counts a message that failed a hook's `schema`, for `getStats().messagesInvalid`. */
  countInvalidMessage(): void {
    this.#stats.messagesInvalid += 1
  }

  topic<T = unknown>(name: string): Topic<T> {
    return this.#topicRegistry().get(name) as Topic<T>
  }

  /**
   * Made on first use: by topic(), which throws without the `topics` option, or by the first
   * frame of a connection with `topics`, which the registry may route before any topic() call.
   * The engine comes with the protocol (lifelineTopics(), topicProtocol()), not from an import
   * here: connections without topics do not bundle it. Made while a socket is already open
   * (the last argument): that socket takes subscribes at once.
   */
  #topicRegistry(): TopicRegistry {
    const protocol = this.#resolved.topics
    this.#topics ??= new (topicEngineOf(protocol))(
      protocol!,
      this,
      (data) => this.#trySend(data),
      (error) => this.#sendFailed(error),
      this.#state.phase === 'open',
    )
    return this.#topics
  }

  destroy(): void {
    this.#dispatch({ type: 'destroy' })
    this.#stats.messagesDropped += this.#queue?.clear() ?? 0
    this.#stateListeners.clear()
    this.#messageListeners.clear()
    this.#closeListeners.clear()
  }

  /**
   * Reports a failed send in `state.error`, announced with the batch of its tick. The same
   * failure again keeps the same error, so a send loop while down changes the state once.
   */
  #sendFailed(error: Error): void {
    if (this.#isNewError(error.message)) this.#dispatch({ type: 'error', error }, true)
  }

  #isNewError(message: string): boolean {
    return this.#state.view.error?.message !== message
  }

  /** `early`: also during the handshake (its own sends and pings go ahead of the queue). */
  #trySend(data: Outgoing, early = false): boolean {
    const socket = this.#socket
    const phase = this.#state.phase
    if ((phase !== 'open' && !(early && phase === 'handshake')) || !socket) return false
    if (!isOpen(socket)) {
      // The server's close frame is in; its close event may be 30 s away (ws): say so now.
      // Batched, so no listener runs inside send() and sends from one cannot jump the queue.
      if (socket.readyState === 2)
        this.#dispatch({ type: 'socket-closing', socket: this.#state.socket }, true)
      return false
    }
    try {
      socket.send(data)
    } catch {
      return false
    }
    this.#stats.messagesSent += 1
    return true
  }

  /**
   * Runs events one at a time, also those raised while effects run, then notifies once;
   * `batched`: in a microtask, with the other changes of this tick (sends).
   */
  #dispatch(event: MachineEvent, batched = false): void {
    this.#pending.push(event)
    if (this.#dispatching) return
    this.#dispatching = true
    try {
      for (let next = this.#pending.shift(); next; next = this.#pending.shift()) {
        this.#context.now = this.#resolved.clock.now()
        const { state, effects } = transition(this.#state, next, this.#context)
        this.#state = state
        for (const effect of effects) this.#run(effect)
      }
    } finally {
      this.#dispatching = false
    }
    if (this.#state.phase !== 'open') this.#topics?.lost()
    this.#watchEnvironment()
    if (batched) this.#notifier.later()
    else this.#notifier.now()
  }

  #run(effect: Effect): void {
    switch (effect.type) {
      case 'resolve-url':
        return this.#resolveUrl(effect.socket)
      case 'open-socket':
        return this.#openSocket(effect.socket, effect.url)
      case 'close-socket':
        return this.#closeSocket(effect.code, effect.reason, effect.detach, effect.dead === true)
      case 'start-timer':
        return this.#timers.start(effect.name, effect.ms, () =>
          this.#dispatch({ type: 'timer', name: effect.name }),
        )
      case 'cancel-timer':
        return this.#timers.cancel(effect.name)
      case 'send-ping':
        // A throwing custom message must not stop the heartbeat: the pong timer still runs, so
        // a silent socket is still found dead.
        return callSafely(() => this.#trySend(pingMessage(this.#resolved.heartbeat!), true))
      case 'flush-queue':
        // Subscribes go first, on the socket itself: never queued, never replayed into a later socket.
        this.#topics?.opened()
        // Stryker disable next-line ConditionalExpression: an empty queue flushed reports queued 0 again, which changes no state.
        if (!this.#queue || this.#queue.size === 0) return
        this.#queue.drain((message) => this.#trySend(message))
        this.#dispatch({ type: 'queue-changed', queued: this.#queue.size })
        return
      case 'run-handshake':
        return this.#runHandshake(effect.socket)
      case 'record-close': {
        this.#stats.closes += 1
        const size = this.#resolved.historySize
        this.#history = size === 0 ? [] : [...this.#history, effect.close].slice(-size)
        keepHistory(this.url, this.#resolved, this.#history)
        for (const listener of [...this.#closeListeners]) callSafely(() => listener(effect.close))
        return
      }
    }
  }

  #resolveUrl(socket: number): void {
    resolveUrlSource(this.url, (result) =>
      this.#dispatch(
        'url' in result
          ? { type: 'url-resolved', socket, url: result.url }
          : { type: 'attempt-failed', socket, error: result.error, fatal: result.fatal },
      ),
    )
  }

  #openSocket(id: number, url: string): void {
    const { protocols, binaryType } = this.options
    // The global is read per attempt, so one installed later (a test's mock server, a polyfill)
    // is used by connections created before it.
    const Socket = this.options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined)
    if (!Socket) {
      const error = new Error(
        (() => {
          try {
            if (process.env.NODE_ENV !== 'production')
              return 'No WebSocket implementation: this environment has no global WebSocket; pass one with the WebSocket option (for example from the "ws" package).'
          } catch {}
          return errorCode(42)
        })(),
      )
      return this.#dispatch({ type: 'attempt-failed', socket: id, error, fatal: true })
    }
    warnIfInsecure(url)
    let socket: WebSocketLike
    this.#stats.attempts += 1
    try {
      // Stryker disable next-line ConditionalExpression: WebIDL and ws both read an undefined protocols argument as absent.
      socket = protocols === undefined ? new Socket(url) : new Socket(url, protocols)
      socket.binaryType = binaryType
    } catch (error) {
      return this.#dispatch({
        type: 'attempt-failed',
        socket: id,
        error: toSafeError(error),
        // Only a malformed URL stays malformed; any other throw may not happen next time.
        fatal: typeof this.url === 'string' && (error as Error)?.name === 'SyntaxError',
      })
    }
    this.#socket = socket
    socket.onopen = () => {
      // Stryker disable next-line ConditionalExpression: a left socket is detached first (closeSocket replaces this handler).
      if (this.#socket !== socket) return closeQuietly(socket)
      this.#stats.opens += 1
      this.#dispatch({ type: 'socket-open', socket: id })
    }
    socket.onmessage = (event: MessageEvent) => {
      // After close() the same read may still hold messages: the app asked for no more.
      // Stryker disable next-line ConditionalExpression: a left socket is detached first (closeSocket clears this handler).
      if (this.#socket !== socket || this.#state.phase === 'closing') return
      this.#stats.messagesReceived += 1
      const heartbeat = this.#resolved.heartbeat
      const pong = heartbeat !== null && isPongSafely(heartbeat.isPong, event.data)
      this.#dispatch({ type: 'socket-message', socket: id, pong })
      if (pong) return
      if (this.#handshakeRun) return this.#handshakeRun.offer(event.data, event)
      this.#deliver(event.data, event)
    }
    let failure: SocketFailure | undefined
    socket.onclose = (event: CloseEvent) => {
      // Stryker disable next-line ConditionalExpression: a left socket is detached first (closeSocket clears this handler).
      if (this.#socket !== socket) return
      this.#dispatch({
        type: 'socket-close',
        socket: id,
        code: typeof event.code === 'number' ? event.code : 1006,
        // Servers sometimes echo the request URL, token included, in the reason.
        reason: typeof event.reason === 'string' ? redactText(event.reason) : '',
        wasClean: Boolean(event.wasClean),
        ...failure,
      })
    }
    // Node implementations throw on unhandled 'error' events; ws also says why (an HTTP
    // status, a missing subprotocol), which the close event that follows does not.
    socket.onerror = (event: unknown) => {
      failure ??= failureOf(event, protocols, typeof this.url === 'string')
    }
  }

  #deliver(data: unknown, event: MessageEvent): void {
    if ((this.#topics ?? this.#resolved.topics) && this.#topicRegistry().receive(data)) return
    for (const listener of [...this.#messageListeners]) callSafely(() => listener(data, event))
  }

  #runHandshake(socket: number): void {
    const { attempt, lastClose } = this.#state.view
    const send = (data: Outgoing) => {
      if (!this.#trySend(data, true)) throw new Error('Handshake send failed: the socket is not open.')
    }
    const run = openSession({ send, clock: this.#resolved.clock, attempt, lastClose })
    this.#handshakeRun = run
    run.start(this.#resolved.handshake!, (error) => {
      if (this.#handshakeRun !== run) return
      // On failure the run stays until the socket is closed, which aborts its signal.
      if (error) return this.#dispatch({ type: 'handshake-failed', socket, error })
      this.#handshakeRun = null
      this.#dispatch({ type: 'handshake-done', socket })
      // What the handshake did not take reaches the app now, in order, after 'open'.
      for (const [data, event] of run.held()) this.#deliver(data, event)
    })
  }

  #closeSocket(code: number, reason: string, detach: boolean, dead: boolean): void {
    this.#handshakeRun?.abort()
    this.#handshakeRun = null
    const socket = this.#socket
    if (!socket) return
    if (detach || dead) this.#socket = null
    // Stryker disable next-line StringLiteral: any mode but 'keep' and 'dead' detaches, as 'detach' does.
    closeSocket(socket, code, reason, dead ? 'dead' : detach ? 'detach' : 'keep')
  }

  // The network is listened to only while in use, so before starting read where it stands.
  #syncNetwork(): void {
    if (this.#unwatch || this.#resolved.network.isOnline() === this.#state.online) return
    this.#dispatch({ type: this.#state.online ? 'offline' : 'online' })
  }

  /** Listens to the network and page visibility only while the connection is in use. */
  #watchEnvironment(): void {
    const status = this.#state.view.status
    const active = !this.#state.destroyed && status !== 'idle' && status !== 'closed' && status !== 'failed'
    if (active && !this.#unwatch) {
      this.#unwatch = watchEnvironment(this.#resolved, (event) => this.#dispatch({ type: event }))
    } else if (!active && this.#unwatch) {
      this.#unwatch()
      this.#unwatch = null
    }
  }
}
