import type { CloseInfo, Connection, ConnectionOptions, ConnectionState, SendResult } from '../core/types'
import type { ReceivedMessage } from './message-store'
import type { StandardSchemaV1 } from './standard-schema'

/**
 * Options of `useWebSocket` with a URL target: the connection options (merged with what the
 * shared connection's other holders ask for) plus what only this hook call uses. With a
 * `Connection` target, only the hook's own (`WebSocketHookOptions`) type-check.
 */
export interface UseWebSocketOptions extends ConnectionOptions, WebSocketHookOptions {}

/** What only this `useWebSocket` call uses: allowed with every kind of target. */
export interface WebSocketHookOptions {
  /** `false` lets go of the connection (others may still hold it) [true]. */
  enabled?: boolean
  /** Every message, pongs excepted, without a re-render; may be a new function each render. */
  onMessage?: (data: unknown, event: MessageEvent) => void
  /**
   * Which messages update `lastMessage`; `message.json` is the shared parse (`undefined` when
   * not JSON). `useMessages`' `filter` gets the same arguments.
   */
  filter?: (data: unknown, message: ReceivedMessage) => boolean
  /**
   * Each time the status becomes 'open' while the component is mounted (after every
   * reconnect too; not for a connection that was already open when it mounted).
   */
  onOpen?: () => void
  /**
   * Each disconnect recorded while mounted (a new `lastClose`): also each refused or failed
   * retry of one outage, since each is a `CloseInfo` with its own code, reason and timing, as
   * `getHistory()` and `diagnose()` see them (a server refusing with 1013 then 1008 is news).
   * For "the connection was lost" once per outage, use `onDisconnect`.
   */
  onClose?: (close: CloseInfo) => void
  /**
   * Once per lost connection: the first close after the status was 'open' while mounted, not
   * the refused retries that follow, until it has been open again. For a toast or an analytics
   * event per outage.
   */
  onDisconnect?: (close: CloseInfo) => void
  /**
   * Each new `state.error` (bad URL, connect timeout, dropped send, ...) and each message that
   * passes `filter` but fails `schema`.
   */
  onError?: (error: Error) => void
  /** The connection gave up (status 'failed'). */
  onFailed?: (state: ConnectionState) => void
  /**
   * A synchronous Standard Schema v1 (zod, valibot, arktype, ...) for the messages that pass
   * `filter`: only those that fit reach `lastMessage`, and `lastJsonMessage` is the schema's
   * output (and its type). The others go to `onError` and count in `getStats().messagesInvalid`.
   */
  schema?: StandardSchemaV1
}

/** Stable functions that act on the connection; no-ops (send: 'dropped') without one. */
export interface WebSocketActions {
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): SendResult
  sendJson(value: unknown): SendResult
  connect(): void
  reconnect(): void
  close(code?: number, reason?: string): void
}

/** What `useWebSocket` returns. Reading a field subscribes the component to that field only. */
export interface WebSocketResult<T = unknown> extends ConnectionState, WebSocketActions {
  /** Raw data of the last message that passed `filter` (and `schema`). */
  lastMessage: unknown | null
  /** `lastMessage` parsed as JSON (the schema's output with one); `null` when it is not JSON. */
  lastJsonMessage: T | null
  /** The connection in use; `null` without a target, during server rendering, and for a URL until it is first used. */
  connection: Connection | null
}

/** The fields of the result that can change, and so can be tracked. */
export type TrackedField = keyof ConnectionState | 'lastMessage' | 'lastJsonMessage' | 'connection'
