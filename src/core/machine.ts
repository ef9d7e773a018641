import { retryDelayAfter } from './backoff'
import { closeInfoOf } from './close-info'
import { errorCode } from './errors'
import { IDLE_STATE } from './idle-state'
import type { MachineContext, MachineEvent, MachineState, TimerName, Transition } from './machine-types'
import { redactText } from './redact'
import type { CloseInfo, CloseInitiator, ConnectionState, ConnectionStatus } from './types'

/** The state of a connection that has not started. */
export function initialState(online: boolean): MachineState {
  return {
    view: IDLE_STATE,
    socket: 0,
    phase: 'none',
    openedAt: null,
    lastInboundAt: null,
    pingSentAt: null,
    awaitingLife: false,
    // Stryker disable next-line BooleanLiteral: read only after pingNow() has set it to false.
    pongYielded: false,
    online,
    holders: 0,
    destroyed: false,
  }
}

/**
 * The connection's whole behaviour as data: the next state and the effects to carry out.
 * Pure apart from calling the user's `shouldRetry` and the injected `random`.
 */
export function transition(state: MachineState, event: MachineEvent, ctx: MachineContext): Transition {
  if (state.destroyed) return { state, effects: [] }
  const step = new Step(state, ctx)
  step.handle(event)
  return step.finish()
}

/** The socket is open, its handshake running or done: heartbeats and inbound frames count. */
const isLive = (s: MachineState) => s.phase === 'open' || s.phase === 'handshake'

const ALL_TIMERS: TimerName[] = ['retry', 'connect', 'ping', 'pong', 'uptime', 'linger', 'closing']

/** One transition in progress: a mutable copy of the state plus the effects collected so far. */
class Step {
  readonly #s: MachineState
  readonly #view: Partial<ConnectionState> = {}
  readonly #effects: Transition['effects'] = []

  readonly #before: MachineState
  readonly #ctx: MachineContext

  constructor(before: MachineState, ctx: MachineContext) {
    this.#before = before
    this.#ctx = ctx
    this.#s = { ...before }
  }

  handle(event: MachineEvent): void {
    const s = this.#s
    // Events of a socket carry its id: those of a socket the machine has left are stale.
    if ('socket' in event && event.socket !== s.socket) return
    switch (event.type) {
      case 'connect':
        // Also a socket the server is closing: its close event may be 30 s away.
        if (this.#status === 'closing') this.#leaveSocket()
        if (s.phase !== 'none') return
        if (this.#status === 'idle' || this.#status === 'closed' || this.#status === 'failed') {
          this.#set({ attempt: 0, error: null })
        }
        return this.#startAttempt(true)
      case 'reconnect':
        if (s.phase === 'open') this.#record(this.#closeInfo(1000, 'reconnect() called', true, 'client'))
        this.#leaveSocket(1000, 'reconnect')
        this.#set({ attempt: 0, error: null })
        return this.#startAttempt(true)
      case 'close':
        return this.#closeOnPurpose(event.code, event.reason)
      case 'retain':
        s.holders += 1
        this.#cancel('linger')
        if (this.#status === 'idle') this.#startAttempt(false)
        return
      case 'release':
        s.holders = Math.max(0, s.holders - 1)
        // Always through a timer, even for lingerMs 0, so StrictMode's instant remount reuses the socket.
        if (s.holders === 0) this.#start('linger', this.#ctx.lingerMs)
        return
      case 'destroy':
        this.#leaveSocket()
        this.#cancel(...ALL_TIMERS)
        s.destroyed = true
        // The class empties the queue on destroy; those messages count as dropped.
        return this.#set({ status: 'closed', queued: 0 })
      case 'online':
        s.online = true
        // Stryker disable next-line BooleanLiteral: `force` only matters while offline, and s.online is now true.
        if (this.#status === 'offline') this.#startAttempt(false)
        return
      case 'offline':
        s.online = false
        if (s.phase === 'none' && this.#status === 'reconnecting') {
          this.#cancel('retry')
          this.#set({ status: 'offline' })
        }
        // An open socket may have survived; a ping at once tells quickly whether it did.
        if (s.phase === 'open' && !s.awaitingLife) this.#pingNow()
        return
      case 'visible':
        // Timers are throttled in background tabs, so the socket may have died unnoticed.
        if (s.phase === 'open' && !s.awaitingLife) this.#pingNow()
        return
      case 'heartbeat-on':
        // Turned on by another holder of a socket that is already up: the first ping is one interval away.
        if (isLive(s)) this.#start('ping', this.#ctx.heartbeat!.interval)
        return
      case 'timer':
        return this.#onTimer(event.name)
      case 'url-resolved':
        if (s.phase !== 'resolving') return
        s.phase = 'connecting'
        this.#effects.push({ type: 'open-socket', socket: s.socket, url: event.url })
        return
      case 'attempt-failed':
        if (s.phase !== 'resolving' && s.phase !== 'connecting') return
        this.#leaveSocket()
        this.#set({ error: event.error })
        if (event.fatal) return this.#set({ status: 'failed' })
        return this.#afterLoss(null)
      case 'socket-open':
        if (s.phase !== 'connecting') return
        return this.#onOpen()
      case 'handshake-done':
        if (s.phase !== 'handshake') return
        return this.#becomeOpen()
      case 'handshake-failed': {
        if (s.phase !== 'handshake') return
        // Recorded as an abnormal close the client made, so the default policy retries it and
        // a custom shouldRetry can tell it apart by its reason (the error is in state.error).
        // Kept in the history, which may be reported: secrets in the message are redacted.
        const reason = redactText(`handshake failed: ${event.error.message}`).slice(0, 123)
        const close = this.#closeInfo(1006, reason, false, 'client')
        this.#leaveSocket(1000, 'handshake failed')
        this.#set({ error: event.error })
        return this.#afterLoss(close)
      }
      case 'socket-message':
        if (!isLive(s)) return
        return this.#onMessage(event.pong)
      case 'socket-close': {
        if (s.phase === 'none' || s.phase === 'resolving') return
        if (s.phase === 'closing') {
          this.#record(this.#closeInfo(event.code, event.reason, event.wasClean, 'client'))
          this.#leaveSocket()
          return this.#set({ status: 'closed' })
        }
        const close = closeInfoOf(s, this.#ctx, event, s.online ? 'server' : 'network')
        this.#leaveSocket()
        if (event.error) this.#set({ error: event.error })
        return this.#afterLoss(close)
      }
      case 'socket-closing':
        if (s.phase !== 'open' || this.#status === 'closing') return
        // No pings into a closing socket: its close event brings the code the policy needs.
        this.#stopSocketTimers()
        return this.#set({ status: 'closing' })
      case 'queue-changed':
        this.#set({ queued: event.queued })
        if (event.error) this.#set({ error: event.error })
        return
      case 'error':
        return this.#set({ error: event.error })
    }
  }

  finish(): Transition {
    const old = this.#before.view
    const changed = (Object.keys(this.#view) as (keyof ConnectionState)[]).some(
      (key) => old[key] !== this.#view[key],
    )
    this.#s.view = changed ? { ...old, ...this.#view } : old
    return { state: this.#s, effects: this.#effects }
  }

  get #status(): ConnectionStatus {
    return this.#view.status ?? this.#before.view.status
  }

  get #attempt(): number {
    return this.#view.attempt ?? this.#before.view.attempt
  }

  /** Any status but the one that schedules a retry has no retry time: a new status clears it. */
  #set(patch: Partial<ConnectionState>): void {
    Object.assign(this.#view, patch.status && { nextRetryAt: null }, patch)
  }

  #start(name: TimerName, ms: number): void {
    this.#effects.push({ type: 'start-timer', name, ms })
  }

  #cancel(...names: TimerName[]): void {
    for (const name of names) this.#effects.push({ type: 'cancel-timer', name })
  }

  /** `force`: the user asked, so try even while the network reports offline. */
  #startAttempt(force: boolean): void {
    const s = this.#s
    this.#cancel('retry')
    if (!s.online && !force) {
      this.#set({ status: 'offline' })
      return
    }
    s.socket += 1
    s.phase = 'resolving'
    this.#set({ status: this.#attempt === 0 ? 'connecting' : 'reconnecting' })
    // The timer covers a slow URL function as well as a slow handshake.
    this.#start('connect', this.#ctx.connectTimeout)
    this.#effects.push({ type: 'resolve-url', socket: s.socket })
  }

  #onOpen(): void {
    const s = this.#s
    const now = this.#ctx.now
    s.openedAt = now
    s.lastInboundAt = now
    if (this.#ctx.heartbeat) this.#start('ping', this.#ctx.heartbeat.interval)
    if (!this.#ctx.handshake) return this.#becomeOpen()
    // The connect timer keeps running: connectTimeout bounds the attempt up to 'open'.
    s.phase = 'handshake'
    this.#effects.push({ type: 'run-handshake', socket: s.socket })
  }

  #becomeOpen(): void {
    this.#s.phase = 'open'
    this.#cancel('connect')
    this.#set({ status: 'open', lastOpenAt: this.#ctx.now, error: null })
    this.#effects.push({ type: 'flush-queue' })
    // The counter resets only after the socket has stayed up: a server that accepts and
    // drops at once must see growing delays, not a reset-and-hammer loop.
    if (this.#attempt > 0 && this.#ctx.retry) this.#start('uptime', this.#ctx.retry.minUptime)
  }

  #onMessage(pong: boolean): void {
    const s = this.#s
    s.lastInboundAt = this.#ctx.now
    if (s.awaitingLife && this.#ctx.heartbeat) {
      // Any frame proves the path is alive, not only the pong.
      s.awaitingLife = false
      this.#cancel('pong')
      this.#start('ping', this.#ctx.heartbeat.interval)
    }
    if (pong && s.pingSentAt !== null) {
      this.#set({ latency: Math.max(0, this.#ctx.now - s.pingSentAt) })
      s.pingSentAt = null
    }
  }

  #onTimer(name: TimerName): void {
    const s = this.#s
    switch (name) {
      case 'retry':
        // Stryker disable next-line BooleanLiteral: no retry timer runs offline (afterLoss and 'offline' see to it), so `force` changes nothing.
        if (s.phase === 'none' && this.#status === 'reconnecting') this.#startAttempt(false)
        return
      case 'connect': {
        if (s.phase !== 'resolving' && s.phase !== 'connecting' && s.phase !== 'handshake') return
        // A socket stuck in CONNECTING may never fire close; move on without it.
        const close = this.#closeInfo(1006, 'connect timeout', false, 'timeout')
        this.#leaveSocket(1000, 'connect timeout', true)
        this.#set({ error: new Error(`Connect timeout: no open within ${this.#ctx.connectTimeout} ms.`) })
        return this.#afterLoss(close)
      }
      case 'ping':
        if (isLive(s)) this.#pingNow()
        return
      case 'pong': {
        if (!isLive(s) || !s.awaitingLife) return
        // A timer that fires late (a blocked loop, a frozen page) runs before the socket's
        // waiting data is read: give that one macrotask, so frozen time does not count.
        if (!s.pongYielded) {
          s.pongYielded = true
          return this.#start('pong', 0)
        }
        // A half-open socket's close handshake would never finish: declare it dead now and
        // ignore whatever it says later.
        const close = this.#closeInfo(1006, 'heartbeat timeout', false, 'heartbeat')
        this.#leaveSocket(1000, 'heartbeat timeout', true)
        return this.#afterLoss(close)
      }
      case 'uptime':
        if (s.phase === 'open') this.#set({ attempt: 0 })
        return
      case 'linger':
        if (s.holders > 0) return
        this.#leaveSocket()
        this.#cancel(...ALL_TIMERS)
        return this.#set({ status: 'idle', attempt: 0 })
      case 'closing':
        if (s.phase !== 'closing') return
        this.#record(this.#closeInfo(1006, 'close handshake timed out', false, 'client'))
        this.#leaveSocket()
        return this.#set({ status: 'closed' })
    }
  }

  #pingNow(): void {
    const s = this.#s
    const heartbeat = this.#ctx.heartbeat
    if (!heartbeat || this.#status === 'closing') return
    this.#cancel('ping')
    this.#effects.push({ type: 'send-ping' })
    s.pingSentAt = this.#ctx.now
    s.awaitingLife = true
    s.pongYielded = false
    this.#start('pong', heartbeat.timeout)
  }

  #closeOnPurpose(code: number, reason: string): void {
    const s = this.#s
    this.#cancel('retry', 'linger')
    if (s.phase === 'closing') return
    if (s.phase === 'open' || s.phase === 'connecting' || s.phase === 'handshake') {
      this.#stopSocketTimers()
      s.phase = 'closing'
      this.#effects.push({ type: 'close-socket', code, reason, detach: false })
      this.#start('closing', this.#ctx.connectTimeout)
      return this.#set({ status: 'closing' })
    }
    this.#leaveSocket()
    this.#set({ status: 'closed' })
  }

  /** Stops using the current socket: closes it if there is one and forgets it. */
  #leaveSocket(code = 1000, reason = '', dead = false): void {
    const s = this.#s
    if (s.phase === 'none') return
    this.#effects.push({ type: 'close-socket', code, reason, detach: true, dead })
    this.#stopSocketTimers()
    this.#cancel('closing')
    // A new id makes every late event of the old socket stale.
    s.socket += 1
    s.phase = 'none'
    s.openedAt = null
    s.lastInboundAt = null
  }

  #stopSocketTimers(): void {
    const s = this.#s
    this.#cancel('connect', 'ping', 'pong', 'uptime')
    s.awaitingLife = false
    s.pingSentAt = null
  }

  #closeInfo(code: number, reason: string, wasClean: boolean, initiator: CloseInitiator): CloseInfo {
    return closeInfoOf(this.#s, this.#ctx, { code, reason, wasClean }, initiator)
  }

  #record(close: CloseInfo): void {
    this.#set({ lastClose: close })
    this.#effects.push({ type: 'record-close', close })
  }

  /** Decides what follows a lost socket or a failed attempt: retry later, wait for the network, or stop. */
  #afterLoss(close: CloseInfo | null): void {
    if (close) this.#record(close)
    const retry = this.#ctx.retry
    const stopStatus: ConnectionStatus = close?.code === 1000 ? 'closed' : 'failed'
    if (!retry) return this.#set({ status: stopStatus })
    const attempt = this.#attempt + 1
    if (close && !this.#shouldRetry(close, attempt)) return this.#set({ status: stopStatus })
    if (attempt > retry.maxAttempts) {
      return this.#set({
        status: 'failed',
        error: new Error(`Gave up after ${retry.maxAttempts} retry attempt(s) (retry.maxAttempts).`),
      })
    }
    this.#set({ attempt })
    if (!this.#s.online) return this.#set({ status: 'offline' })
    // Such a code (an expired token) is fixed by a fresh attempt, so it goes at once; only
    // after a stable connection, so the same close again right away backs off as usual.
    // Stryker disable next-line BooleanLiteral: the line above returned if offline, so `force` changes nothing.
    if (close?.info.retryImmediately && attempt === 1) return this.#startAttempt(false)
    const delay = retryDelayAfter(close?.code ?? 1006, attempt, retry, this.#ctx.random)
    this.#set({ status: 'reconnecting', nextRetryAt: this.#ctx.now + delay })
    this.#start('retry', delay)
  }

  #shouldRetry(close: CloseInfo, attempt: number): boolean {
    try {
      // Stryker disable next-line OptionalChaining: afterLoss calls this only with retry set.
      return Boolean(this.#ctx.retry?.shouldRetry(close, attempt))
    } catch (error) {
      // A throwing policy must not wedge the connection: fall back to the close-code table.
      // A bug in the app's policy: production builds say so with a code, keeping what it threw.
      const message = (() => {
        try {
          if (process.env.NODE_ENV !== 'production') return `retry.shouldRetry threw: ${String(error)}`
        } catch {}
        return errorCode(48, String(error))
      })()
      this.#set({ error: new Error(message, { cause: error }) })
      return close.info.retry
    }
  }
}
