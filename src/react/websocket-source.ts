import { IDLE_STATE } from '../core/idle-state'
import type { Connection, ConnectionState } from '../core/types'
import { getMessageStore, type ReceivedMessage } from './message-store'
import { reportError } from './report-error'

/** What one `useWebSocket` call renders from: the connection state and its own last message. */
export interface SourceSnapshot {
  readonly state: ConnectionState
  /** The last message that passed this hook's filter. */
  readonly message: ReceivedMessage | null
}

/** The fields of the hook's result that can change, and so can be tracked. */
export type TrackedField = keyof ConnectionState | 'lastMessage' | 'lastJsonMessage'

export interface SourceCallbacks {
  onMessage?: ((data: unknown, event: MessageEvent) => void) | undefined
  filter?: ((data: unknown, message: ReceivedMessage) => boolean) | undefined
}

/** A `useSyncExternalStore` source for one hook on one connection. */
export interface WebSocketSource {
  subscribe(onStoreChange: () => void): () => void
  /** Changes identity only when a tracked field changes, so React skips the other updates. */
  getSnapshot(): SourceSnapshot
  getServerSnapshot(): SourceSnapshot
  /** The newest snapshot, tracked fields or not: what a render reads. */
  getLatest(): SourceSnapshot
}

/** Idle and empty: the server's view, and the view without a connection. */
export const SERVER_SNAPSHOT: SourceSnapshot = Object.freeze({ state: IDLE_STATE, message: null })

/**
 * Combines the connection's state with this hook's filtered last message. React compares
 * `getSnapshot()` results to decide whether to re-render, so that snapshot moves on only when
 * a field the component has read (`tracked`) differs. The callbacks are read through a ref at
 * message time, so they may change on every render.
 */
export function createWebSocketSource(
  connection: Connection | null,
  callbacks: { readonly current: SourceCallbacks },
  tracked: ReadonlySet<TrackedField>,
): WebSocketSource {
  if (!connection) {
    const idle = () => SERVER_SNAPSHOT
    return { subscribe: () => noop, getSnapshot: idle, getServerSnapshot: idle, getLatest: idle }
  }
  const store = getMessageStore(connection)
  // The newest message this source has looked at, so a later subscribe can catch up once.
  let considered: ReceivedMessage | null = null
  let message: ReceivedMessage | null = null

  const accepts = (candidate: ReceivedMessage): boolean => {
    const filter = callbacks.current.filter
    if (!filter) return true
    try {
      return filter(candidate.data, candidate)
    } catch (error) {
      reportError(error)
      return false
    }
  }

  // A hook mounting beside others on a live connection starts from the newest message.
  const catchUp = () => {
    const latest = store.latest
    if (!latest || latest === considered) return
    considered = latest
    if (accepts(latest)) message = latest
  }
  catchUp()

  let newest: SourceSnapshot = { state: connection.getState(), message }
  let reported = newest

  const getLatest = (): SourceSnapshot => {
    const state = connection.getState()
    if (newest.state !== state || newest.message !== message) newest = { state, message }
    return newest
  }

  const getSnapshot = (): SourceSnapshot => {
    const next = getLatest()
    if (next !== reported && differs(reported, next, tracked)) reported = next
    return reported
  }

  const subscribe = (onStoreChange: () => void) => {
    catchUp()
    const stopState = connection.subscribe(onStoreChange)
    const stopMessages = store.subscribe((received) => {
      considered = received
      const onMessage = callbacks.current.onMessage
      if (onMessage) {
        try {
          onMessage(received.data, received.event)
        } catch (error) {
          reportError(error)
        }
      }
      if (!accepts(received)) return
      message = received
      onStoreChange()
    })
    return () => {
      stopState()
      stopMessages()
    }
  }

  return { subscribe, getSnapshot, getServerSnapshot: () => SERVER_SNAPSHOT, getLatest }
}

function differs(before: SourceSnapshot, after: SourceSnapshot, tracked: ReadonlySet<TrackedField>): boolean {
  for (const field of tracked) {
    if (field === 'lastMessage' || field === 'lastJsonMessage') {
      if (before.message !== after.message) return true
    } else if (!Object.is(before.state[field], after.state[field])) {
      return true
    }
  }
  return false
}

function noop(): void {}
