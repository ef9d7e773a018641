import type { ResolvedRetry } from './backoff'
import type { ResolvedHeartbeat } from './heartbeat'
import type { CloseCodeInfo, CloseInfo, ConnectionState } from './types'

/** What the socket of the current attempt is doing. */
export type SocketPhase = 'none' | 'resolving' | 'connecting' | 'handshake' | 'open' | 'closing'

/** The timers a connection may run; at most one of each at a time. */
export type TimerName = 'retry' | 'connect' | 'ping' | 'pong' | 'uptime' | 'linger' | 'closing'

/** Everything the transition function needs to know; `view` is the public snapshot. */
export interface MachineState {
  view: ConnectionState
  /** Id of the current socket; events from any other id come from an abandoned socket. */
  socket: number
  phase: SocketPhase
  /** When the current socket opened; null before that and once the machine has left it. */
  openedAt: number | null
  lastInboundAt: number | null
  /** When the unanswered ping was sent, for latency. */
  pingSentAt: number | null
  /** A ping is out and no frame has arrived since: the pong timer runs. */
  awaitingLife: boolean
  /** The pong timer fired once and gave the socket one more macrotask to read what is waiting. */
  pongYielded: boolean
  online: boolean
  holders: number
  destroyed: boolean
}

export type MachineEvent =
  | { type: 'connect' }
  | { type: 'reconnect' }
  | { type: 'close'; code: number; reason: string }
  | { type: 'retain' }
  | { type: 'release' }
  | { type: 'destroy' }
  | { type: 'online' }
  | { type: 'offline' }
  | { type: 'visible' }
  /** `configure` turned the heartbeat on. */
  | { type: 'heartbeat-on' }
  | { type: 'timer'; name: TimerName }
  | { type: 'url-resolved'; socket: number; url: string }
  /** The URL function failed, or a socket could not be created. `fatal`: do not retry. */
  | { type: 'attempt-failed'; socket: number; error: Error; fatal: boolean }
  | { type: 'socket-open'; socket: number }
  /** The `handshake` option's function settled for this socket. */
  | { type: 'handshake-done'; socket: number }
  | { type: 'handshake-failed'; socket: number; error: Error }
  | { type: 'socket-message'; socket: number; pong: boolean }
  /** The server's close frame is in (readyState CLOSING); its close event may be 30 s away. */
  | { type: 'socket-closing'; socket: number }
  /**
   * `error`: what the platform said went wrong (Node's ws: "Unexpected server response: 401");
   * `httpStatus`: the refused upgrade's status; `fatal`: the default policy must not retry.
   */
  | {
      type: 'socket-close'
      socket: number
      code: number
      reason: string
      wasClean: boolean
      error?: Error
      httpStatus?: number
      fatal?: boolean
    }
  | { type: 'queue-changed'; queued: number; error?: Error }
  | { type: 'error'; error: Error }

export type Effect =
  | { type: 'resolve-url'; socket: number }
  | { type: 'open-socket'; socket: number; url: string }
  /**
   * Close the current socket object (if any); `detach`: also stop listening to it; `dead`: the
   * path is gone, so drop it without waiting for a close handshake where the socket allows.
   */
  | { type: 'close-socket'; code: number; reason: string; detach: boolean; dead?: boolean }
  | { type: 'start-timer'; name: TimerName; ms: number }
  | { type: 'cancel-timer'; name: TimerName }
  | { type: 'send-ping' }
  | { type: 'flush-queue' }
  | { type: 'run-handshake'; socket: number }
  | { type: 'record-close'; close: CloseInfo }

/** Settings the transition reads; resolved once per connection. */
export interface MachineContext {
  now: number
  retry: ResolvedRetry | null
  heartbeat: ResolvedHeartbeat | null
  connectTimeout: number
  lingerMs: number
  closeCodes?: Record<number, Partial<CloseCodeInfo>>
  random: () => number
  /** Whether a `handshake` runs between the socket opening and the status becoming open. */
  handshake?: boolean
}

export interface Transition {
  state: MachineState
  effects: Effect[]
}
