import { backoffDelay } from './backoff'
import { assertFunction, callSafely, warnOnce } from './dev'
import { Notifier } from './notifier'
import { Timers } from './timers'
import { type OrderEvent, type OrderResult, order, START, type TopicCursor } from './topic-order'
import type { TopicRegistry } from './topics'
import type { Topic, TopicFrame, TopicMessageMeta, TopicPosition, TopicState } from './types'

/** What the holder tab tells the others about one topic: a delivery, or its new state. */
export type RelayedTopic = { state: TopicState } | { data: unknown; meta: TopicMessageMeta }

/**
 * A topic nobody holds: where every topic begins, and what useTopic shows without one or during
 * server rendering. Frozen and shared so snapshots compare by identity.
 */
export const IDLE_TOPIC: TopicState = Object.freeze({
  status: 'idle',
  position: null,
  recovered: null,
  gaps: 0,
  error: null,
})

type TopicTimer = 'linger' | 'answer' | 'retry'

/** One topic: its holders, its subscription on the current socket, its position and listeners. */
export class LiveTopic<T = unknown> implements Topic<T> {
  readonly name: string
  readonly #registry: TopicRegistry
  #state = IDLE_TOPIC
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
  /** The last state relayed to other tabs (share, holder). */
  #relayed: TopicState | null = null

  constructor(name: string, registry: TopicRegistry) {
    this.name = name
    this.#registry = registry
    this.#timers = new Timers(() => registry.owner.options.clock)
    this.#notifier = new Notifier(this.getState, this.#stateListeners)
  }

  /** share: the registry, so a holder tab can reach the topics other tabs hold. */
  get registry(): TopicRegistry {
    return this.#registry
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
    this.#releaseConnection ??= this.#registry.owner.retain()
    // A refused topic is asked for again by its next holder (a remount), not by a timer.
    if (this.#state.status === 'error' || (this.#holders === 1 && !this.#sent)) this.#subscribe()
    let released = false
    return () => {
      if (released) return
      released = true
      this.#holders -= 1
      // Always through a timer, so StrictMode's remount and a quick route change send nothing.
      if (this.#holders === 0)
        this.#timers.start('linger', this.#registry.owner.options.lingerMs, () => this.#letGo())
    }
  }

  /** A new socket is ready: a held topic subscribes again from its last position. */
  resubscribe(): void {
    if (this.#holders > 0) this.#subscribe()
  }

  lost(): void {
    this.#unsent()
    this.#unanswered = 0
    if (this.#holders > 0) this.#set({ status: 'subscribing', error: null })
  }

  /** share, holder: another tab delivered up to `from`; a topic not yet subscribed resumes from the furthest. */
  adopt(from: TopicPosition | null): void {
    const at = this.#cursor.position
    if (this.#sent || !from || (at && (at.epoch !== from.epoch || at.offset >= from.offset))) return
    this.#cursor = { ...this.#cursor, position: from }
    this.#set({ position: from })
  }

  /**
   * share, follower: the holder tab's delivery or state for this topic. Deliveries come before
   * the state that follows them, and one at or below what this tab delivered is dropped, so a
   * change of holder delivers nothing twice.
   */
  mirror(event: RelayedTopic): void {
    if (!this.#sent) return
    const at = this.#cursor.position
    if ('state' in event) {
      const { state } = event
      const gaps = state.gaps > this.#state.gaps
      if (state.position && (!at || (at.epoch === state.position.epoch && at.offset < state.position.offset)))
        this.#cursor = { ...START, position: state.position }
      this.#set({ ...state, position: this.#cursor.position })
      if (gaps) this.#gap()
      return
    }
    const { position } = event.meta
    if (position && at && at.epoch === position.epoch && position.offset <= at.offset) return
    if (position) this.#cursor = { ...START, position }
    this.#deliver(event.data, event.meta)
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
        this.#unsent()
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
    const { protocol, owner, send, remote } = this.#registry
    if (!this.#registry.open) return this.#set({ status: 'subscribing', error: null })
    if (remote) {
      // The holder tab subscribes (once for every tab) and relays what comes.
      remote.hold(this.name, this.#cursor.position)
      this.#sent = true
      return this.#set({ status: 'subscribing', error: null })
    }
    let sent = false
    const confirms = protocol.confirms !== false
    try {
      // The position is read now, not when the topic was first held (apollo-kotlin #4655).
      sent = send(textOf(protocol.subscribe(this.name, this.#cursor.position)))
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
      this.#timers.start('answer', owner.options.connectTimeout, () => this.#noAnswer())
      this.#set({ status: 'subscribing', error: null })
    }
    this.#apply({ type: 'sent', confirms }, confirms ? undefined : { status: 'live', error: null })
  }

  /** No `subscribed` in time: an error on this topic only, asked again with the retry policy's backoff. */
  #noAnswer(): void {
    const { connectTimeout, retry, random } = this.#registry.owner.options
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
    const { protocol, send, report, remote } = this.#registry
    if (this.#sent && this.#registry.open && remote) remote.unhold(this.name)
    else if (this.#sent && this.#registry.open) {
      try {
        const frame = protocol.unsubscribe(this.name)
        if (frame !== null && frame !== undefined) send(textOf(frame))
      } catch (cause) {
        report(new Error(`topics.unsubscribe threw: ${String(cause)}`, { cause }))
      }
    }
    // Held again later, the topic starts from then on: a remounted view starts from its own initial state.
    this.#unsent(START)
    this.#unanswered = 0
    this.#set({ status: 'idle', position: null, recovered: null, error: null })
    const release = this.#releaseConnection
    this.#releaseConnection = null
    release?.()
  }

  /**
   * The subscription is gone from the socket: no answer is awaited, and held messages are not
   * delivered (a resume from the position brings them again).
   */
  #unsent(cursor: TopicCursor = { ...this.#cursor, awaiting: false, held: [], tip: null }): void {
    this.#timers.cancel('answer')
    this.#timers.cancel('retry')
    this.#sent = false
    this.#cursor = cursor
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
    const relay = this.#registry.relay
    for (const { data, meta } of result.deliver) {
      relay?.(this.name, { data, meta })
      this.#deliver(data, meta)
    }
    this.#announce()
    if (result.gaps > 0) this.#gap()
  }

  #deliver(data: unknown, meta: TopicMessageMeta): void {
    for (const listener of [...this.#messageListeners]) callSafely(() => listener(data as T, meta))
  }

  /** Every gap listener hears the state the gap left, whatever an earlier one changes. */
  #gap(): void {
    const state = this.#state
    for (const listener of [...this.#gapListeners]) callSafely(() => listener(state))
  }

  /** A new snapshot only when a field changes. */
  #set(patch: Partial<TopicState>, notify = true): void {
    const old = this.#state
    if ((Object.keys(patch) as (keyof TopicState)[]).some((key) => patch[key] !== old[key]))
      this.#state = { ...old, ...patch }
    if (notify) this.#announce()
  }

  /** Tells this tab's listeners, and (share, holder) the other tabs, of a new state. */
  #announce(): void {
    const relay = this.#registry.relay
    if (relay && this.#relayed !== this.#state) {
      this.#relayed = this.#state
      relay(this.name, { state: this.#state })
    }
    this.#notifier.now()
  }
}

function textOf(frame: string | object): string {
  return typeof frame === 'string' ? frame : JSON.stringify(frame)
}
