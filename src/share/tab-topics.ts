import type { LifelineConnection, RelayedTopic, TopicRegistry, TopicRemote } from '../core/index'
import type { ShareMessage, WireTopicState } from './protocol'

/** What the topics of a shared connection need from its tab link. */
export interface TopicsPort {
  readonly connection: LifelineConnection
  /** This tab's member id. */
  readonly id: string
  /** This tab holds the socket. */
  readonly holding: boolean
  /** The tab that holds the socket, when one is known. */
  readonly holder: string | null
  post(message: Record<string, unknown> & { t: ShareMessage['t'] }): void
}

const tabTopics = new WeakMap<object, TabTopics>()

/** Hands each new topic registry to its connection's tab link (installed by react-lifeline/share). */
export function attachTopics(registry: TopicRegistry, owner: object): void {
  tabTopics.get(owner)?.attach(registry)
}

/**
 * One shared connection's topics across tabs. The tab that holds the socket subscribes the
 * union of every tab's topics (each follower's hold counts as a holder there) and relays what
 * each topic delivers and becomes; followers mirror that, dropping what they delivered before.
 * When the holder changes, followers hold their topics again with their positions, and the new
 * holder resumes each topic from the furthest position any tab delivered.
 */
export class TabTopics {
  #registry: TopicRegistry | null = null
  readonly #remote: TopicRemote

  constructor(private readonly port: TopicsPort) {
    tabTopics.set(port.connection, this)
    this.#remote = {
      hold: (topic, position) => {
        if (port.holder) port.post({ t: 'hold', to: port.holder, topic, position })
      },
      unhold: (topic) => {
        if (port.holder) port.post({ t: 'unhold', to: port.holder, topic })
      },
    }
  }

  /** The connection made its topics (its first `topic()` call, or a topic frame). */
  attach(registry: TopicRegistry): void {
    this.#registry = registry
    this.sync()
  }

  /** Follows the tab's role: call after every change of holder or role. */
  sync(): void {
    const registry = this.#registry
    if (!registry) return
    const { holding, holder } = this.port
    if (holding) {
      registry.follow(null)
      registry.relay = (topic, event) => this.port.post({ t: 'topic', topic, ...toWire(event) })
      return
    }
    registry.relay = null
    registry.follow(this.#remote)
    registry.reach(holder !== null)
  }

  /** A follower leaves: the holder lets go of what it held for it. */
  leave(): void {
    if (!this.port.holding && this.port.holder) this.port.post({ t: 'unhold', to: this.port.holder })
  }

  receive(message: Extract<ShareMessage, { t: 'topic' | 'hold' | 'unhold' }>): void {
    const { holding, holder } = this.port
    if (message.t === 'topic') {
      if (holding || message.from !== holder) return
      return this.#registry?.mirror(message.topic, fromWire(message))
    }
    if (!holding || message.to !== this.port.id) return
    const registry = this.#registryOrMake(message.topic)
    if (!registry) return
    if (message.t === 'hold') registry.hold(message.from, message.topic, message.position)
    else registry.unhold(message.from, message.topic)
  }

  /** The holder may not have used topics itself yet: asking for one makes the registry. */
  #registryOrMake(topic: string | undefined): TopicRegistry | null {
    if (this.#registry || topic === undefined) return this.#registry
    try {
      this.port.connection.topic(topic)
    } catch {
      // No `topics` option in this tab: it cannot subscribe for the others.
    }
    return this.#registry
  }
}

function toWire(event: RelayedTopic): Record<string, unknown> {
  if ('data' in event) return { data: event.data, meta: event.meta }
  return { state: { ...event.state, error: event.state.error ? event.state.error.message : null } }
}

function fromWire(message: Extract<ShareMessage, { t: 'topic' }>): RelayedTopic {
  const state = message.state as WireTopicState | undefined
  if (state) return { state: { ...state, error: state.error === null ? null : new Error(state.error) } }
  return { data: message.data, meta: message.meta as Extract<RelayedTopic, { meta: unknown }>['meta'] }
}
