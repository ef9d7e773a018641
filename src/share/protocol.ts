import type { CloseInfo, ConnectionState, TopicPosition, TopicState } from '../core/index'

/** Data a tab may send: what `WebSocket.send` takes (all structured-cloneable). */
export type Outgoing = string | ArrayBufferLike | Blob | ArrayBufferView

/** One send waiting for the holder's socket: `seq` counts up per sending tab. */
export interface Entry {
  from: string
  seq: number
  data: Outgoing
}

/** `error` travels as its message: Error objects do not survive every structured clone. */
export type WireState = Omit<ConnectionState, 'error'> & { error: string | null }

export type Call = 'connect' | 'reconnect' | 'close' | 'visible'

/**
 * What the tabs of one key say to each other on their BroadcastChannel. `from` is the sending
 * tab's member id; `to` names the holder a request is meant for, so a request that was in
 * flight during a hand-over is not taken by the next holder as well.
 */
export type ShareMessage =
  /** A tab arrived and asks the holder for the state and history. */
  | { rl: 1; t: 'hello'; from: string }
  /** The holder's state; `history` and `options` come with every full snapshot. */
  | { rl: 1; t: 'state'; from: string; state: WireState; history?: CloseInfo[]; options?: string }
  | { rl: 1; t: 'close'; from: string; close: CloseInfo }
  | { rl: 1; t: 'message'; from: string; data: unknown }
  | { rl: 1; t: 'send'; from: string; to: string; seq: number; data: Outgoing }
  /** Every send of tab `to` up to `seq` is written to the socket (or dropped by the holder's queue). */
  | { rl: 1; t: 'ack'; from: string; to: string; seq: number }
  | { rl: 1; t: 'call'; from: string; to: string; call: Call; code?: number; reason?: string }
  /** The holder is going; `carry` is what it had not written yet, for the next holder. */
  | { rl: 1; t: 'leave'; from: string; carry: Entry[] }
  /** The holder's news of one topic: a delivery (`data`, `meta`) or its new state. */
  | { rl: 1; t: 'topic'; from: string; topic: string; state?: WireTopicState; data?: unknown; meta?: unknown }
  /** A follower holds `topic` and has delivered up to `position`. */
  | { rl: 1; t: 'hold'; from: string; to: string; topic: string; position: TopicPosition | null }
  /** A follower let go of `topic`, or of every topic it held (no `topic`: it is leaving). */
  | { rl: 1; t: 'unhold'; from: string; to: string; topic?: string }

/** A topic's state on the channel: `error` travels as its message, like the connection's. */
export type WireTopicState = Omit<TopicState, 'error'> & { error: string | null }

const CALLS: readonly string[] = ['connect', 'reconnect', 'close', 'visible']

/**
 * The message if it is one of ours and well formed, else null. A channel name is only a hash,
 * so another script of the origin may post anything on it; nothing it posts may throw here.
 */
export function parseShareMessage(value: unknown): ShareMessage | null {
  if (!isRecord(value) || value.rl !== 1 || typeof value.from !== 'string') return null
  const m = value as Record<string, unknown>
  switch (m.t) {
    case 'hello':
      return value as ShareMessage
    case 'state':
      return isState(m.state) && (m.history === undefined || Array.isArray(m.history))
        ? (value as ShareMessage)
        : null
    case 'close':
      return isRecord(m.close) && typeof m.close.code === 'number' ? (value as ShareMessage) : null
    case 'message':
      return 'data' in m ? (value as ShareMessage) : null
    case 'send':
      return typeof m.to === 'string' && isSeq(m.seq) && isOutgoing(m.data) ? (value as ShareMessage) : null
    case 'ack':
      return typeof m.to === 'string' && isSeq(m.seq) ? (value as ShareMessage) : null
    case 'call':
      return typeof m.to === 'string' && CALLS.includes(m.call as string) ? (value as ShareMessage) : null
    case 'leave':
      return Array.isArray(m.carry) && m.carry.every(isEntry) ? (value as ShareMessage) : null
    case 'topic':
      return typeof m.topic === 'string' && (isTopicState(m.state) || ('data' in m && isRecord(m.meta)))
        ? (value as ShareMessage)
        : null
    case 'hold':
      return typeof m.to === 'string' &&
        typeof m.topic === 'string' &&
        (m.position === null || isPosition(m.position))
        ? (value as ShareMessage)
        : null
    case 'unhold':
      return typeof m.to === 'string' && (m.topic === undefined || typeof m.topic === 'string')
        ? (value as ShareMessage)
        : null
    default:
      return null
  }
}

/** Whether `data` is something a WebSocket can send. */
export function isOutgoing(data: unknown): data is Outgoing {
  return (
    typeof data === 'string' ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof Blob === 'function' && data instanceof Blob) ||
    (typeof SharedArrayBuffer === 'function' && data instanceof SharedArrayBuffer)
  )
}

export function toWireState(state: ConnectionState): WireState {
  return { ...state, error: state.error ? state.error.message : null }
}

export function fromWireState(state: WireState): ConnectionState {
  return { ...state, error: state.error === null ? null : new Error(state.error) }
}

function isState(value: unknown): value is WireState {
  return (
    isRecord(value) &&
    typeof value.status === 'string' &&
    typeof value.attempt === 'number' &&
    typeof value.queued === 'number' &&
    (value.error === null || typeof value.error === 'string')
  )
}

function isTopicState(value: unknown): value is WireTopicState {
  return (
    isRecord(value) &&
    typeof value.status === 'string' &&
    typeof value.gaps === 'number' &&
    (value.position === null || isPosition(value.position)) &&
    (value.error === null || typeof value.error === 'string')
  )
}

function isPosition(value: unknown): value is TopicPosition {
  return isRecord(value) && typeof value.offset === 'number'
}

function isEntry(value: unknown): value is Entry {
  return isRecord(value) && typeof value.from === 'string' && isSeq(value.seq) && isOutgoing(value.data)
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** A message event for listeners in a follower tab, like the one the holder's socket fired. */
export function messageEvent(data: unknown): MessageEvent {
  return typeof MessageEvent === 'function'
    ? new MessageEvent('message', { data })
    : ({ type: 'message', data } as MessageEvent)
}
