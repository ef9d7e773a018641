import { IDLE_STATE } from '../core/idle-state'
import { resolveOptions } from '../core/options'
import type { Connection, ConnectionState } from '../core/types'
import { type ConnectionTarget, createConnectionLookup } from './connection-lookup'
import { checkMessage } from './message-schema'
import { getMessageStore, latestMessage, type ReceivedMessage } from './message-store'
import { reportError } from './report-error'
import { assertSchema } from './standard-schema'
import { trackedResultFactory } from './tracked-result'
import type { TrackedField, UseWebSocketOptions, WebSocketActions, WebSocketResult } from './websocket-types'

/** What one `useWebSocket` call renders from. */
export interface WebSocketSnapshot {
  readonly state: ConnectionState
  /** The last message that passed this hook's filter (and schema). */
  readonly message: ReceivedMessage | null
  readonly connection: Connection | null
}

/** Idle and empty: what a server renders, and what hydration starts from. */
export const SERVER_SNAPSHOT: WebSocketSnapshot = Object.freeze({
  state: IDLE_STATE,
  message: null,
  connection: null,
})

/**
 * Everything one `useWebSocket` call keeps, outside React: the connection lookup, this hook's
 * last message, the fields the component read, the callbacks and the result object. The hook
 * makes one per component and only subscribes React to it.
 */
export interface WebSocketObserver<T> {
  /** For `useSyncExternalStore`: holds the connection and listens to it until unsubscribed. */
  subscribe(onStoreChange: () => void): () => void
  /** Changes identity only when a field the component read changes, so React skips the rest. */
  getSnapshot(): WebSocketSnapshot
  /** The result a render of `target` returns; `viewed` is what `useSyncExternalStore` gave it. */
  getResult(
    target: ConnectionTarget,
    options: UseWebSocketOptions | undefined,
    viewed: WebSocketSnapshot,
  ): WebSocketResult<T>
  /** Hands over a commit's target and options (callbacks included). */
  setOptions(target: ConnectionTarget, options: UseWebSocketOptions | undefined): void
}

const ACTIONS: readonly (keyof WebSocketActions)[] = ['send', 'sendJson', 'connect', 'reconnect', 'close']

const createResult = trackedResultFactory<WebSocketResult<any>, TrackedField, WebSocketSnapshot>(
  // Every state field, in the order the idle state lists them, then this hook's own.
  [...(Object.keys(IDLE_STATE) as (keyof ConnectionState)[]), 'lastMessage', 'lastJsonMessage', 'connection'],
  ACTIONS,
  read,
)

/**
 * State lives in closure variables rather than class fields: minifiers shorten those, and
 * this is most of the bytes of `useWebSocket`.
 */
export function createWebSocketObserver<T>(
  initialTarget: ConnectionTarget,
  initialOptions: UseWebSocketOptions | undefined,
): WebSocketObserver<T> {
  checkTarget(initialTarget, initialOptions)
  let options = initialOptions
  let committedTarget = initialTarget
  let checkedTarget = initialTarget
  const lookup = createConnectionLookup(initialTarget, initialOptions)
  // The connection is always tracked: it changes rarely (mount, new URL, renewal), and a result
  // read after the commit (in an effect or handler) should carry the one in use.
  const tracked = new Set<TrackedField>(['connection'])
  let notify: (() => void) | null = null
  // The connection whose state and messages this observer listens to, while subscribed.
  let wired: Connection | null = null
  let unwire = noop
  let release: (() => void) | null = null
  let previous: ConnectionState = IDLE_STATE
  // Whether the connection has been open since the last close this hook reported: onDisconnect.
  let wasOpen = false
  // This hook's message slot belongs to one connection: another connection starts it empty.
  let owner: Connection | null = null
  let considered: ReceivedMessage | null = null
  let message: ReceivedMessage | null = null
  let newest: WebSocketSnapshot = { state: IDLE_STATE, message: null, connection: null }
  let reported = newest
  let shown: WebSocketSnapshot | null = null
  let result: WebSocketResult<T> | null = null

  // Filter first (cheap, and messages meant for others are not this hook's to validate), then schema.
  const accept = (candidate: ReceivedMessage, live: boolean): ReceivedMessage | null => {
    const filter = options?.filter
    try {
      if (filter && !filter(candidate.data, candidate)) return null
    } catch (error) {
      reportError(error)
      return null
    }
    const schema = options?.schema
    if (!schema) return candidate
    const checked = checkMessage(candidate, schema, live ? wired : null)
    if (!(checked instanceof Error)) return checked
    if (live) call(options?.onError, checked)
    return null
  }

  // A hook starting beside others on a live connection starts from its newest message.
  const follow = (connection: Connection | null) => {
    if (connection !== owner) {
      owner = connection
      considered = message = null
    }
    const latest = connection && latestMessage(connection)
    if (!latest || latest === considered) return
    considered = latest
    message = accept(latest, false) ?? message
  }

  const view = (connection: Connection | null): WebSocketSnapshot => {
    if (connection !== wired) follow(connection)
    const state = connection ? connection.getState() : IDLE_STATE
    if (state !== newest.state || message !== newest.message || connection !== newest.connection) {
      newest = { state, message, connection }
    }
    return newest
  }

  const hold = () => {
    const enabled = options?.enabled ?? true
    if (enabled && wired && !release) release = wired.retain()
    if (!enabled && release) {
      release()
      release = null
    }
  }

  const onState = (connection: Connection) => {
    if (connection !== wired) return
    const state = connection.getState()
    const before = previous
    previous = state
    if (state.status === 'open') wasOpen = true
    if (state.lastClose && state.lastClose !== before.lastClose) {
      call(options?.onClose, state.lastClose)
      // The first close after an open is the lost connection; refused retries after it are not.
      if (wasOpen) call(options?.onDisconnect, state.lastClose)
      wasOpen = state.status === 'open'
    }
    if (state.error && state.error !== before.error) call(options?.onError, state.error)
    if (state.status !== before.status) {
      if (state.status === 'failed') call(options?.onFailed, state)
      if (state.status === 'open') call(options?.onOpen, undefined)
    }
    notify?.()
  }

  const onMessage = (connection: Connection, received: ReceivedMessage) => {
    if (connection !== wired) return
    considered = received
    call(options?.onMessage, received.data, received.event)
    const accepted = accept(received, true)
    if (!accepted) return
    message = accepted
    notify?.()
  }

  const wire = () => {
    unwire()
    const connection = lookup.current
    wired = connection
    follow(connection)
    if (!connection) return
    previous = connection.getState()
    wasOpen = previous.status === 'open'
    const stopState = connection.subscribe(() => onState(connection))
    const stopMessages = getMessageStore(connection).subscribe((received) => onMessage(connection, received))
    hold()
    unwire = () => {
      stopState()
      stopMessages()
      release?.()
      release = null
      wired = null
      unwire = noop
    }
  }

  const using = lookup.obtain
  const actions: WebSocketActions = {
    send: (data) => using()?.send(data) ?? 'dropped',
    sendJson: (value) => using()?.sendJson(value) ?? 'dropped',
    connect: () => using()?.connect(),
    reconnect: () => using()?.reconnect(),
    close: (code, reason) => using()?.close(code, reason),
  }

  return {
    subscribe(onStoreChange) {
      notify = onStoreChange
      const stop = lookup.subscribe(() => {
        wire()
        notify?.()
      })
      wire()
      return () => {
        notify = null
        unwire()
        stop()
      }
    },

    getSnapshot() {
      const next = view(lookup.peek())
      if (next !== reported && differs(reported, next, tracked)) reported = next
      return reported
    },

    getResult(target, renderOptions, viewed) {
      assertSchema(renderOptions?.schema)
      if (target !== checkedTarget) {
        checkTarget(target, renderOptions)
        checkedTarget = target
      }
      let next: WebSocketSnapshot
      // Server rendering and hydration show what the server rendered.
      if (viewed === SERVER_SNAPSHOT) next = viewed
      // The newest values, tracked or not, so a field read for the first time is never stale.
      else if (target === committedTarget) next = view(lookup.peek())
      else {
        // A new target not committed yet: its connection's state, and none of the old messages.
        const connection = lookup.peek(target, renderOptions)
        next = { state: connection ? connection.getState() : IDLE_STATE, message: null, connection }
      }
      // `shown` starts null, so the first render always makes a result.
      if (next !== shown) {
        shown = next
        result = createResult(next, tracked, actions)
      }
      return result!
    },

    setOptions(target, nextOptions) {
      options = nextOptions
      committedTarget = target
      lookup.update(target, nextOptions)
      hold()
    },
  }
}

/** Invalid options throw while rendering, as they did when the render created the connection. */
function checkTarget(target: ConnectionTarget, options: UseWebSocketOptions | undefined): void {
  if (typeof target === 'string') resolveOptions(options)
}

// An app's callback that throws is reported, and the other hooks still hear the event.
function call<A, B>(callback: ((a: A, b: B) => void) | undefined, a: A, b?: B): void {
  if (!callback) return
  try {
    callback(a, b as B)
  } catch (error) {
    reportError(error)
  }
}

function read(snapshot: WebSocketSnapshot, key: TrackedField): any {
  if (key === 'lastMessage') return snapshot.message ? snapshot.message.data : null
  if (key === 'lastJsonMessage') return snapshot.message?.json ?? null
  return dependencyOf(snapshot, key)
}

// What a tracked field changes with. Both message fields compare by the message's identity, so
// deciding whether to re-render never parses JSON.
function dependencyOf(snapshot: WebSocketSnapshot, field: TrackedField): unknown {
  if (field === 'lastMessage' || field === 'lastJsonMessage') return snapshot.message
  if (field === 'connection') return snapshot.connection
  return snapshot.state[field]
}

function differs(
  before: WebSocketSnapshot,
  after: WebSocketSnapshot,
  tracked: ReadonlySet<TrackedField>,
): boolean {
  for (const field of tracked) {
    if (!Object.is(dependencyOf(before, field), dependencyOf(after, field))) return true
  }
  return false
}

function noop(): void {}
