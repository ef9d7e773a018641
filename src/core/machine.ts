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

/** The socket is open, its handshake running or done: heartbeats and inbound frames count. */
const isLive = (s: MachineState) => s.phase === 'open' || s.phase === 'handshake'

const ALL_TIMERS: TimerName[] = ['retry', 'connect', 'ping', 'pong', 'uptime', 'linger', 'closing']

/**
 * The connection's whole behaviour as data: the next state and the effects to carry out.
 * Pure apart from calling the user's `shouldRetry` and the injected `random`.
 */
export function transition(state: MachineState, event: MachineEvent, ctx: MachineContext): Transition {
  if (state.destroyed) return { state, effects: [] }
  // A mutable copy of the state, the changes to its view and the effects collected so far;
  // the helpers below read and write them.
  const s: MachineState = { ...state }
  const view: Partial<ConnectionState> = {}
  const effects: Transition['effects'] = []
  handle(event)
  return finish()

  function handle(event: MachineEvent): void {
    // Events of a socket carry its id: those of a socket the machine has left are stale.
    if ('socket' in event && event.socket !== s.socket) return
    switch (event.type) {
      case 'connect':
        // Also a socket the server is closing: its close event may be 30 s away.
        if (currentStatus() === 'closing') leaveSocket()
        if (s.phase !== 'none') return
        if (currentStatus() === 'idle' || currentStatus() === 'closed' || currentStatus() === 'failed') {
          set({ attempt: 0, error: null })
        }
        return startAttempt(true)
      case 'reconnect':
        if (s.phase === 'open') record(closeInfo(1000, 'reconnect() called', true, 'client'))
        leaveSocket(1000, 'reconnect')
        set({ attempt: 0, error: null })
        return startAttempt(true)
      case 'close':
        return closeOnPurpose(event.code, event.reason)
      case 'retain':
        s.holders += 1
        cancel('linger')
        if (currentStatus() === 'idle') startAttempt(false)
        return
      case 'release':
        s.holders = Math.max(0, s.holders - 1)
        // Always through a timer, even for lingerMs 0, so StrictMode's instant remount reuses the socket.
        if (s.holders === 0) start('linger', ctx.lingerMs)
        return
      case 'destroy':
        leaveSocket()
        cancel(...ALL_TIMERS)
        s.destroyed = true
        // The class empties the queue on destroy; those messages count as dropped.
        return set({ status: 'closed', queued: 0 })
      case 'online':
        s.online = true
        // Stryker disable next-line BooleanLiteral: `force` only matters while offline, and s.online is now true.
        if (currentStatus() === 'offline') startAttempt(false)
        return
      case 'offline':
        s.online = false
        if (s.phase === 'none' && currentStatus() === 'reconnecting') {
          cancel('retry')
          set({ status: 'offline' })
        }
        // An open socket may have survived; a ping at once tells quickly whether it did.
        if (s.phase === 'open' && !s.awaitingLife) pingNow()
        return
      case 'visible':
        // Timers are throttled in background tabs, so the socket may have died unnoticed.
        if (s.phase === 'open' && !s.awaitingLife) pingNow()
        return
      case 'heartbeat-on':
        // Turned on by another holder of a socket that is already up: the first ping is one interval away.
        if (isLive(s)) start('ping', ctx.heartbeat!.interval)
        return
      case 'timer':
        return onTimer(event.name)
      case 'url-resolved':
        if (s.phase !== 'resolving') return
        s.phase = 'connecting'
        effects.push({ type: 'open-socket', socket: s.socket, url: event.url })
        return
      case 'attempt-failed':
        if (s.phase !== 'resolving' && s.phase !== 'connecting') return
        leaveSocket()
        set({ error: event.error })
        if (event.fatal) return set({ status: 'failed' })
        return afterLoss(null)
      case 'socket-open':
        if (s.phase !== 'connecting') return
        return onOpen()
      case 'handshake-done':
        if (s.phase !== 'handshake') return
        return becomeOpen()
      case 'handshake-failed': {
        if (s.phase !== 'handshake') return
        // Recorded as an abnormal close the client made, so the default policy retries it and
        // a custom shouldRetry can tell it apart by its reason (the error is in state.error).
        // Kept in the history, which may be reported: secrets in the message are redacted.
        const reason = redactText(`handshake failed: ${event.error.message}`).slice(0, 123)
        const close = closeInfo(1006, reason, false, 'client')
        leaveSocket(1000, 'handshake failed')
        set({ error: event.error })
        return afterLoss(close)
      }
      case 'socket-message':
        if (!isLive(s)) return
        return onMessage(event.pong)
      case 'socket-close': {
        if (s.phase === 'none' || s.phase === 'resolving') return
        if (s.phase === 'closing') {
          record(closeInfo(event.code, event.reason, event.wasClean, 'client'))
          leaveSocket()
          return set({ status: 'closed' })
        }
        const close = closeInfoOf(s, ctx, event, s.online ? 'server' : 'network')
        leaveSocket()
        if (event.error) set({ error: event.error })
        return afterLoss(close)
      }
      case 'socket-closing':
        if (s.phase !== 'open' || currentStatus() === 'closing') return
        // No pings into a closing socket: its close event brings the code the policy needs.
        stopSocketTimers()
        return set({ status: 'closing' })
      case 'queue-changed':
        set({ queued: event.queued })
        if (event.error) set({ error: event.error })
        return
      case 'error':
        return set({ error: event.error })
    }
  }

  function finish(): Transition {
    const old = state.view
    const changed = (Object.keys(view) as (keyof ConnectionState)[]).some((key) => old[key] !== view[key])
    s.view = changed ? { ...old, ...view } : old
    return { state: s, effects }
  }

  function currentStatus(): ConnectionStatus {
    return view.status ?? state.view.status
  }

  function currentAttempt(): number {
    return view.attempt ?? state.view.attempt
  }

  /** Any status but the one that schedules a retry has no retry time: a new status clears it. */
  function set(patch: Partial<ConnectionState>): void {
    Object.assign(view, patch.status && { nextRetryAt: null }, patch)
  }

  function start(name: TimerName, ms: number): void {
    effects.push({ type: 'start-timer', name, ms })
  }

  function cancel(...names: TimerName[]): void {
    for (const name of names) effects.push({ type: 'cancel-timer', name })
  }

  /** `force`: the user asked, so try even while the network reports offline. */
  function startAttempt(force: boolean): void {
    cancel('retry')
    if (!s.online && !force) {
      set({ status: 'offline' })
      return
    }
    s.socket += 1
    s.phase = 'resolving'
    set({ status: currentAttempt() === 0 ? 'connecting' : 'reconnecting' })
    // The timer covers a slow URL function as well as a slow handshake.
    start('connect', ctx.connectTimeout)
    effects.push({ type: 'resolve-url', socket: s.socket })
  }

  function onOpen(): void {
    const now = ctx.now
    s.openedAt = now
    s.lastInboundAt = now
    if (ctx.heartbeat) start('ping', ctx.heartbeat.interval)
    if (!ctx.handshake) return becomeOpen()
    // The connect timer keeps running: connectTimeout bounds the attempt up to 'open'.
    s.phase = 'handshake'
    effects.push({ type: 'run-handshake', socket: s.socket })
  }

  function becomeOpen(): void {
    s.phase = 'open'
    cancel('connect')
    set({ status: 'open', lastOpenAt: ctx.now, error: null })
    effects.push({ type: 'flush-queue' })
    // The counter resets only after the socket has stayed up: a server that accepts and
    // drops at once must see growing delays, not a reset-and-hammer loop.
    if (currentAttempt() > 0 && ctx.retry) start('uptime', ctx.retry.minUptime)
  }

  function onMessage(pong: boolean): void {
    s.lastInboundAt = ctx.now
    if (s.awaitingLife && ctx.heartbeat) {
      // Any frame proves the path is alive, not only the pong.
      s.awaitingLife = false
      cancel('pong')
      start('ping', ctx.heartbeat.interval)
    }
    if (pong && s.pingSentAt !== null) {
      set({ latency: Math.max(0, ctx.now - s.pingSentAt) })
      s.pingSentAt = null
    }
  }

  function onTimer(name: TimerName): void {
    switch (name) {
      case 'retry':
        // Stryker disable next-line BooleanLiteral: no retry timer runs offline (afterLoss and 'offline' see to it), so `force` changes nothing.
        if (s.phase === 'none' && currentStatus() === 'reconnecting') startAttempt(false)
        return
      case 'connect': {
        if (s.phase !== 'resolving' && s.phase !== 'connecting' && s.phase !== 'handshake') return
        // A socket stuck in CONNECTING may never fire close; move on without it.
        const close = closeInfo(1006, 'connect timeout', false, 'timeout')
        leaveSocket(1000, 'connect timeout', true)
        set({ error: new Error(`Connect timeout: no open within ${ctx.connectTimeout} ms.`) })
        return afterLoss(close)
      }
      case 'ping':
        if (isLive(s)) pingNow()
        return
      case 'pong': {
        if (!isLive(s) || !s.awaitingLife) return
        // A timer that fires late (a blocked loop, a frozen page) runs before the socket's
        // waiting data is read: give that one macrotask, so frozen time does not count.
        if (!s.pongYielded) {
          s.pongYielded = true
          return start('pong', 0)
        }
        // A half-open socket's close handshake would never finish: declare it dead now and
        // ignore whatever it says later.
        const close = closeInfo(1006, 'heartbeat timeout', false, 'heartbeat')
        leaveSocket(1000, 'heartbeat timeout', true)
        return afterLoss(close)
      }
      case 'uptime':
        if (s.phase === 'open') set({ attempt: 0 })
        return
      case 'linger':
        if (s.holders > 0) return
        leaveSocket()
        cancel(...ALL_TIMERS)
        return set({ status: 'idle', attempt: 0 })
      case 'closing':
        if (s.phase !== 'closing') return
        record(closeInfo(1006, 'close handshake timed out', false, 'client'))
        leaveSocket()
        return set({ status: 'closed' })
    }
  }

  function pingNow(): void {
    const heartbeat = ctx.heartbeat
    if (!heartbeat || currentStatus() === 'closing') return
    cancel('ping')
    effects.push({ type: 'send-ping' })
    s.pingSentAt = ctx.now
    s.awaitingLife = true
    s.pongYielded = false
    start('pong', heartbeat.timeout)
  }

  function closeOnPurpose(code: number, reason: string): void {
    cancel('retry', 'linger')
    if (s.phase === 'closing') return
    if (s.phase === 'open' || s.phase === 'connecting' || s.phase === 'handshake') {
      stopSocketTimers()
      s.phase = 'closing'
      effects.push({ type: 'close-socket', code, reason, detach: false })
      start('closing', ctx.connectTimeout)
      return set({ status: 'closing' })
    }
    leaveSocket()
    set({ status: 'closed' })
  }

  /** Stops using the current socket: closes it if there is one and forgets it. */
  function leaveSocket(code = 1000, reason = '', dead = false): void {
    if (s.phase === 'none') return
    effects.push({ type: 'close-socket', code, reason, detach: true, dead })
    stopSocketTimers()
    cancel('closing')
    // A new id makes every late event of the old socket stale.
    s.socket += 1
    s.phase = 'none'
    s.openedAt = null
    s.lastInboundAt = null
  }

  function stopSocketTimers(): void {
    cancel('connect', 'ping', 'pong', 'uptime')
    s.awaitingLife = false
    s.pingSentAt = null
  }

  function closeInfo(code: number, reason: string, wasClean: boolean, initiator: CloseInitiator): CloseInfo {
    return closeInfoOf(s, ctx, { code, reason, wasClean }, initiator)
  }

  function record(close: CloseInfo): void {
    set({ lastClose: close })
    effects.push({ type: 'record-close', close })
  }

  /** Decides what follows a lost socket or a failed attempt: retry later, wait for the network, or stop. */
  function afterLoss(close: CloseInfo | null): void {
    if (close) record(close)
    const retry = ctx.retry
    const stopStatus: ConnectionStatus = close?.code === 1000 ? 'closed' : 'failed'
    if (!retry) return set({ status: stopStatus })
    const attempt = currentAttempt() + 1
    if (close && !shouldRetry(close, attempt)) return set({ status: stopStatus })
    if (attempt > retry.maxAttempts) {
      return set({
        status: 'failed',
        error: new Error(`Gave up after ${retry.maxAttempts} retry attempt(s) (retry.maxAttempts).`),
      })
    }
    set({ attempt })
    if (!s.online) return set({ status: 'offline' })
    // Such a code (an expired token) is fixed by a fresh attempt, so it goes at once; only
    // after a stable connection, so the same close again right away backs off as usual.
    // Stryker disable next-line BooleanLiteral: the line above returned if offline, so `force` changes nothing.
    if (close?.info.retryImmediately && attempt === 1) return startAttempt(false)
    const delay = retryDelayAfter(close?.code ?? 1006, attempt, retry, ctx.random)
    set({ status: 'reconnecting', nextRetryAt: ctx.now + delay })
    start('retry', delay)
  }

  function shouldRetry(close: CloseInfo, attempt: number): boolean {
    try {
      // Stryker disable next-line OptionalChaining: afterLoss calls this only with retry set.
      return Boolean(ctx.retry?.shouldRetry(close, attempt))
    } catch (error) {
      // A throwing policy must not wedge the connection: fall back to the close-code table.
      // A bug in the app's policy: production builds say so with a code, keeping what it threw.
      const message = (() => {
        try {
          if (process.env.NODE_ENV !== 'production') return `retry.shouldRetry threw: ${String(error)}`
        } catch {}
        return errorCode(48, String(error))
      })()
      set({ error: new Error(message, { cause: error }) })
      return close.info.retry
    }
  }
}
