import { parseJson } from '../core/json'
import type { Connection } from '../core/types'

/** One inbound message, shared by every hook on the connection. */
export interface ReceivedMessage {
  /** The raw `MessageEvent.data`: a string, Blob or ArrayBuffer. */
  readonly data: unknown
  readonly event: MessageEvent
  /**
   * `data` parsed as JSON, `undefined` when it is not JSON text (a JSON `null` stays `null`), as
   * in `useMessages`' `MessageOf.json`; parsed at most once. Only `lastJsonMessage` says `null`
   * for "not JSON", as its contract has it.
   */
  readonly json: unknown
}

/** Fans one connection's messages out to the hooks using it. */
export interface MessageStore {
  /** The newest message while anyone listens; `null` once the last listener has gone. */
  readonly latest: ReceivedMessage | null
  subscribe(listener: (message: ReceivedMessage) => void): () => void
}

const UNPARSED: unique symbol = Symbol('unparsed')

class Message implements ReceivedMessage {
  // Declared, not defined: a field definition would be emitted before the constructor's assignment.
  declare readonly data: unknown
  declare readonly event: MessageEvent
  #parsed: unknown = UNPARSED

  constructor(data: unknown, event: MessageEvent) {
    this.data = data
    this.event = event
  }

  // Lazy and cached: a message nobody reads as JSON costs no parse, and many readers share one.
  get json(): unknown {
    if (this.#parsed === UNPARSED) this.#parsed = parseJson(this.data)
    return this.#parsed
  }
}

const stores = new WeakMap<Connection, MessageStore>()

/** The message store of `connection`; one per connection, so hooks share the parse. */
export function getMessageStore(connection: Connection): MessageStore {
  let store = stores.get(connection)
  if (!store) {
    store = createMessageStore(connection)
    stores.set(connection, store)
  }
  return store
}

/** The newest message of `connection` while any hook listens, without creating a store: for renders. */
export function latestMessage(connection: Connection): ReceivedMessage | null {
  return stores.get(connection)?.latest ?? null
}

function createMessageStore(connection: Connection): MessageStore {
  const listeners = new Set<(message: ReceivedMessage) => void>()
  // Copied when the set changes, not per message: a message reaches the hooks listening when
  // it arrived, and at 100 hooks the copy would be made thousands of times a second.
  let current: ((message: ReceivedMessage) => void)[] | null = null
  let latest: ReceivedMessage | null = null
  let stop: (() => void) | null = null

  const deliver = (data: unknown, event: MessageEvent) => {
    const message = new Message(data, event)
    latest = message
    current ??= [...listeners]
    for (const listener of current) listener(message)
  }

  return {
    get latest() {
      return latest
    },
    subscribe(listener) {
      listeners.add(listener)
      current = null
      stop ??= connection.onMessage(deliver)
      return () => {
        listeners.delete(listener)
        current = null
        if (listeners.size > 0 || !stop) return
        stop()
        stop = null
        // Nobody saw what comes next, so the cached message would be stale for the next reader.
        latest = null
      }
    },
  }
}
