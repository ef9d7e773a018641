import { backoffDelay } from './backoff'
import { assertFunction, callSafely, warnOnce } from './dev'
import { errorCode } from './errors'
import { Notifier } from './notifier'
import type { ResolvedOptions } from './options'
import { Timers } from './timers'
import { type OrderEvent, type OrderResult, order, START, type TopicCursor } from './topic-order'
import type { Topic, TopicFrame, TopicMessageMeta, TopicProtocol, TopicState } from './types'

/** What the topics need from their connection. */
export interface TopicHost {
  /** Sends on the open socket, ahead of and never into the user's send queue; false if it could not. */
  send(data: string): boolean
  /** Holds the connection while a topic is held or lingering. */
  retain(): () => void
  /** The connection's options in force (clock, connectTimeout, lingerMs, retry, random). */
  options(): ResolvedOptions
  /** A protocol failure that belongs to no topic (a `read` that threw): the connection's `state.error`. */
  report(error: Error): void
}

const IDLE: TopicState = { status: 'idle', position: null, recovered: null, gaps: 0, error: null }

/**
 * A connection's topics: one per name, made on the first `topic(name)`. The connection tells
 * it when a socket is ready for subscribes (`opened`), when it is gone (`lost`) and what came
 * in (`receive`); the rest is each topic's own.
 */
export class TopicRegistry {
  readonly #topics = new Map<string, LiveTopic>()
  #open = false

  constructor(
    readonly protocol: TopicProtocol,
    readonly host: TopicHost,
  ) {}

  get open(): boolean {
    return this.#open
  }

  get(name: string): LiveTopic {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        (() => {
          try {
            if (process.env.NODE_ENV !== 'production')
              return `react-lifeline: topic(name) takes a non-empty string, got ${name === '' ? 'an empty string' : typeof name}.`
          } catch {}
          return errorCode(38)
        })(),
      )
    }
    let topic = this.#topics.get(name)
    if (!topic) {
      topic = new LiveTopic(name, this)
      this.#topics.set(name, topic)
    }
    return topic
  }

  /** The socket is open and the handshake done: subscribe every held topic, before the queue flushes. */
  opened(): void {
    this.#open = true
    for (const topic of this.#topics.values()) topic.resubscribe()
  }

  /** The socket is gone: nothing is queued for later, every held topic waits for the next one. */
  lost(): void {
    if (!this.#open) return
    this.#open = false
    for (const topic of this.#topics.values()) topic.lost()
  }

  /** Routes a topic frame to its topic; false when the message is not one (it goes to `onMessage`). */
  receive(data: unknown): boolean {
    let json: unknown
    if (typeof data === 'string') {
      try {
        json = JSON.parse(data)
      } catch {}
    }
    let frame: TopicFrame | null
    try {
      frame = this.protocol.read({ data, json })
    } catch (cause) {
      // The message still reaches onMessage: a broken reader must not lose data.
      this.host.report(
        new Error(`topics.read threw: ${(cause as Error)?.message ?? String(cause)}`, { cause }),
      )
      return false
    }
    if (!frame) return false
    if (frame.type === 'ignore') return true
    const topic = typeof frame.topic === 'string' ? this.#topics.get(frame.topic) : undefined
    if (topic?.subscribed) topic.receive(frame)
    else {
      try {
        if (process.env.NODE_ENV !== 'production')
          warnOnce(
            `a "${frame.type}" frame for topic "${String(frame.topic)}", which nothing holds, was dropped.`,
          )
      } catch {}
    }
    return true
  }
}

type TopicTimer = 'linger' | 'answer' | 'retry'

/** One topic: its holders, its subscription on the current socket, its position and listeners. */
export class LiveTopic<T = unknown> implements Topic<T> {
  readonly name: string
  readonly #registry: TopicRegistry
  #state = IDLE
  #cursor: TopicCursor = START
  #holders = 0
  /** A subscribe frame went out on the current socket and was not refused or taken back. */
  #sent = false
  /** Unanswered subscribes in a row, for the retry delay. */
  #unanswered = 0
  #releaseConnection: (() => void) | null = null
  readonly #timers: Timers<TopicTimer>
  readonly #stateListeners = new Set<() => void>()
  readonly #notifier: Notifier<TopicState>
  readonly #messageListeners = new Set<(data: T, meta: TopicMessageMeta) => void>()
  readonly #gapListeners = new Set<(state: TopicState) => void>()

  constructor(name: string, registry: TopicRegistry) {
    this.name = name
    this.#registry = registry
    this.#timers = new Timers(() => registry.host.options().clock)
    this.#notifier = new Notifier(this.getState, this.#stateListeners)
  }

  /** Whether frames for this topic are expected: subscribed on this socket (held or lingering). */
  get subscribed(): boolean {
    return this.#sent
  }

  getState = (): TopicState => this.#state

  subscribe = (listener: () => void): (() => void) => {
    assertFunction('subscribe', listener)
    this.#stateListeners.add(listener)
    return () => this.#stateListeners.delete(listener)
  }

  onMessage(listener: (data: T, meta: TopicMessageMeta) => void): () => void {
    assertFunction('onMessage', listener)
    this.#messageListeners.add(listener)
    return () => this.#messageListeners.delete(listener)
  }

  onGap(listener: (state: TopicState) => void): () => void {
    assertFunction('onGap', listener)
    this.#gapListeners.add(listener)
    return () => this.#gapListeners.delete(listener)
  }

  retain(): () => void {
    this.#holders += 1
    this.#timers.cancel('linger')
    this.#releaseConnection ??= this.#registry.host.retain()
    // A refused topic is asked for again by its next holder (a remount), not by a timer.
    if (this.#holders === 1 || this.#state.status === 'error') {
      if (!this.#sent || this.#state.status === 'error') this.#subscribe()
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.#holders -= 1
      // Always through a timer, so StrictMode's remount and a quick route change send nothing.
      if (this.#holders === 0)
        this.#timers.start('linger', this.#registry.host.options().lingerMs, () => this.#letGo())
    }
  }

  /** A new socket is ready: a held topic subscribes again from its last position. */
  resubscribe(): void {
    if (this.#holders > 0) this.#subscribe()
  }

  lost(): void {
    this.#timers.cancel('answer')
    this.#timers.cancel('retry')
    this.#sent = false
    this.#unanswered = 0
    // Held messages are not delivered: the resume from the position brings them again.
    this.#cursor = { ...this.#cursor, awaiting: false, held: [], tip: null }
    if (this.#holders > 0) this.#set({ status: 'subscribing', error: null })
  }

  receive(frame: TopicFrame): void {
    switch (frame.type) {
      case 'message':
        return this.#apply({ type: 'message', data: frame.data, position: frame.position })
      case 'subscribed':
        this.#timers.cancel('answer')
        this.#timers.cancel('retry')
        this.#unanswered = 0
        return this.#apply(
          { type: 'subscribed', position: frame.position, recovered: frame.recovered },
          { status: 'live', error: null },
        )
      case 'error':
        // The server does not hold the subscription; it is asked again on the next retain or socket.
        this.#timers.cancel('answer')
        this.#timers.cancel('retry')
        this.#sent = false
        this.#cursor = { ...this.#cursor, awaiting: false, held: [], tip: null }
        return this.#set({ status: 'error', error: new Error(String(frame.error)) })
      default:
        try {
          if (process.env.NODE_ENV !== 'production')
            warnOnce(
              `topics.read gave a frame of unknown type "${String((frame as { type: unknown }).type)}"; dropped.`,
            )
        } catch {}
    }
  }

  #subscribe(): void {
    const { protocol, host } = this.#registry
    if (!this.#registry.open) return this.#set({ status: 'subscribing', error: null })
    let sent = false
    const confirms = protocol.confirms !== false
    try {
      // The position is read now, not when the topic was first held (apollo-kotlin #4655).
      sent = host.send(textOf(protocol.subscribe(this.name, this.#cursor.position)))
    } catch (cause) {
      return this.#set({
        status: 'error',
        error: new Error(`topics.subscribe threw: ${String(cause)}`, { cause }),
      })
    }
    // Not sent: the socket is closing; the next one subscribes.
    if (!sent) return this.#set({ status: 'subscribing', error: null })
    this.#sent = true
    if (confirms) {
      this.#timers.start('answer', host.options().connectTimeout, () => this.#noAnswer())
      this.#set({ status: 'subscribing', error: null })
    }
    this.#apply({ type: 'sent', confirms }, confirms ? undefined : { status: 'live', error: null })
  }

  /** No `subscribed` in time: an error on this topic only, asked again with the retry policy's backoff. */
  #noAnswer(): void {
    const { connectTimeout, retry, random } = this.#registry.host.options()
    this.#unanswered += 1
    this.#set({
      status: 'error',
      error: new Error(
        `Topic "${this.name}": the server did not answer the subscribe within ${connectTimeout} ms.`,
      ),
    })
    if (!retry || this.#unanswered > retry.maxAttempts) return
    // The late answer still counts: the subscription stays awaited until then.
    this.#timers.start('retry', backoffDelay(this.#unanswered, retry, random), () => {
      if (this.#holders > 0 && this.#registry.open) this.#subscribe()
    })
  }

  /** The last holder's release has lingered out: unsubscribe (if the socket is up) and go idle. */
  #letGo(): void {
    if (this.#holders > 0) return
    const { protocol, host } = this.#registry
    if (this.#sent && this.#registry.open) {
      try {
        const frame = protocol.unsubscribe(this.name)
        if (frame !== null && frame !== undefined) host.send(textOf(frame))
      } catch (cause) {
        host.report(new Error(`topics.unsubscribe threw: ${String(cause)}`, { cause }))
      }
    }
    this.#timers.cancel('answer')
    this.#timers.cancel('retry')
    this.#sent = false
    this.#unanswered = 0
    // Held again later, the topic starts from then on: a remounted view starts from its own initial state.
    this.#cursor = START
    this.#set({ status: 'idle', position: null, recovered: null, error: null })
    const release = this.#releaseConnection
    this.#releaseConnection = null
    release?.()
  }

  #apply(event: OrderEvent, patch?: Partial<TopicState>): void {
    const result: OrderResult = order(this.#cursor, event)
    this.#cursor = result.cursor
    const next: Partial<TopicState> = { ...patch, position: result.cursor.position }
    if (result.recovered !== undefined) next.recovered = result.recovered
    if (result.gaps > 0) {
      next.gaps = this.#state.gaps + result.gaps
      next.recovered = false
    }
    this.#set(next, false)
    for (const { data, meta } of result.deliver) {
      for (const listener of [...this.#messageListeners]) callSafely(() => listener(data as T, meta))
    }
    this.#notifier.now()
    if (result.gaps > 0) {
      const state = this.#state
      for (const listener of [...this.#gapListeners]) callSafely(() => listener(state))
    }
  }

  /** A new snapshot only when a field changes. */
  #set(patch: Partial<TopicState>, notify = true): void {
    const old = this.#state
    if ((Object.keys(patch) as (keyof TopicState)[]).some((key) => patch[key] !== old[key]))
      this.#state = { ...old, ...patch }
    if (notify) this.#notifier.now()
  }
}

function textOf(frame: string | object): string {
  return typeof frame === 'string' ? frame : JSON.stringify(frame)
}
