import { warnOnce } from './dev'
import { errorCode } from './errors'
import { parseJson } from './json'
import { checkMethods } from './option-checks'
import type { ResolvedOptions } from './options'
import { LiveTopic, type RelayedTopic } from './topic'
import type { TopicFrame, TopicPosition, TopicProtocol } from './types'

export { LiveTopic, type RelayedTopic }

/**
 * The connection the topics belong to, as they use it (its socket and its `state.error` come
 * as the `send` and `report` functions, which reach its private members).
 */
export interface TopicOwner {
  /** Holds the connection while a topic is held or lingering. */
  retain(): () => void
  /** The connection's options in force (clock, connectTimeout, lingerMs, retry, random). */
  readonly options: ResolvedOptions
}

/** A follower tab's way to the tab that holds the shared socket (react-lifeline/share). */
export interface TopicRemote {
  hold(topic: string, from: TopicPosition | null): void
  unhold(topic: string): void
}

/**
 * A connection's topics: one per name, made on the first `topic(name)`. The connection tells
 * it when a socket is ready for subscribes (`opened`), when it is gone (`lost`) and what came
 * in (`receive`); the rest is each topic's own.
 */
export class TopicRegistry {
  /** Set by react-lifeline/share: told of each new registry and the connection it belongs to. */
  static created?: (registry: TopicRegistry, owner: TopicOwner) => void
  /** In a follower tab: the tab that holds the shared socket; null: this tab's own socket. */
  remote: TopicRemote | null = null
  /** In the tab that holds a shared socket: hears what each topic delivers and becomes. */
  relay: ((topic: string, event: RelayedTopic) => void) | null = null
  readonly #topics = new Map<string, LiveTopic>()
  /** Other tabs' holds on topics of this tab's socket, by tab and topic. */
  readonly #holds = new Map<string, () => void>()
  #open = false

  /** The `topics` option's check at creation (src/core/options.ts). */
  static check(protocol: TopicProtocol): void {
    checkMethods('topics', protocol, ['subscribe', 'unsubscribe', 'read'])
  }

  constructor(
    readonly protocol: TopicProtocol,
    readonly owner: TopicOwner,
    /** Sends on the open socket, ahead of and never into the user's send queue; false if it could not. */
    readonly send: (data: string) => boolean,
    /** A protocol failure that belongs to no topic (a `read` that threw): the connection's `state.error`. */
    readonly report: (error: Error) => void,
    /** The connection's socket is open now: it takes subscribes at once. */
    open = false,
  ) {
    TopicRegistry.created?.(this, owner)
    if (open) this.opened()
  }

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
          return errorCode(39)
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
    if (!this.remote) this.#reopen()
  }

  /** The socket is gone: nothing is queued for later, every held topic waits for the next one. */
  lost(): void {
    if (!this.remote) this.#close()
  }

  #reopen(): void {
    this.#open = true
    for (const topic of this.#topics.values()) topic.resubscribe()
  }

  #close(): void {
    if (!this.#open) return
    this.#open = false
    for (const topic of this.#topics.values()) topic.lost()
  }

  /**
   * share: `remote` while another tab holds the socket (topics are asked of it and mirror what
   * it relays), null while this tab does. Holds other tabs had on this tab end with it.
   */
  follow(remote: TopicRemote | null): void {
    if (remote === this.remote) return
    this.#close()
    this.remote = remote
    if (remote) for (const key of [...this.#holds.keys()]) this.#unhold(key)
  }

  /** share, follower: a holder tab is there to ask (`true`) or gone (`false`). */
  reach(open: boolean): void {
    if (!this.remote || open === this.#open) return
    if (open) this.#reopen()
    else this.#close()
  }

  /** share, follower: what the holder tab relayed for `topic`. */
  mirror(topic: string, event: RelayedTopic): void {
    this.#topics.get(topic)?.mirror(event)
  }

  /** share, holder: tab `tab` holds `name` and has delivered up to `from`. */
  hold(tab: string, name: string, from: TopicPosition | null): void {
    const topic = this.get(name)
    const key = `${tab}\n${name}`
    // Adopted before the hold: on an open socket the hold subscribes at once, from the position.
    topic.adopt(from)
    if (!this.#holds.has(key)) this.#holds.set(key, topic.retain())
    this.relay?.(name, { state: topic.getState() })
  }

  /** share, holder: tab `tab` let go of `name`, or of every topic. */
  unhold(tab: string, name?: string): void {
    for (const key of [...this.#holds.keys()]) {
      if (name === undefined ? key.startsWith(`${tab}\n`) : key === `${tab}\n${name}`) this.#unhold(key)
    }
  }

  #unhold(key: string): void {
    const release = this.#holds.get(key)
    this.#holds.delete(key)
    release?.()
  }

  /** Routes a topic frame to its topic; false when the message is not one (it goes to `onMessage`). */
  receive(data: unknown): boolean {
    // The shared parse: a frame that is not a topic frame is read again by the hooks' stores.
    const json = parseJson(data)
    let read: TopicFrame | readonly TopicFrame[] | null
    try {
      read = this.protocol.read({ data, json })
    } catch (cause) {
      // The message still reaches onMessage: a broken reader must not lose data.
      this.report(new Error(`topics.read threw: ${(cause as Error)?.message ?? String(cause)}`, { cause }))
      return false
    }
    if (!read) return false
    for (const frame of Array.isArray(read) ? read : [read]) this.#route(frame)
    return true
  }

  #route(frame: TopicFrame): void {
    if (frame.type === 'ignore') return
    const topic = typeof frame.topic === 'string' ? this.#topics.get(frame.topic) : undefined
    if (topic?.subscribed) return topic.receive(frame)
    try {
      if (process.env.NODE_ENV !== 'production')
        warnOnce(
          `a "${frame.type}" frame for topic "${String(frame.topic)}", which nothing holds, was dropped.`,
        )
    } catch {}
  }
}
