import { type CloseInfo, type ConnectionState, IDLE_STATE, type LifelineConnection } from '../core/index'
import { memberId, shareNameOf } from './channel-name'
import { type LinkPort, type LocalConnection, overrideConnection } from './connection-overrides'
import type { ChannelLike, ShareEnvironment } from './environment'
import { Outbox } from './outbox'
import {
  type Call,
  type Entry,
  fromWireState,
  messageEvent,
  type Outgoing,
  parseShareMessage,
  type ShareMessage,
  toWireState,
} from './protocol'
import type { Relay } from './relay'
import { SharedVisibility } from './shared-visibility'
import { TabListeners } from './tab-listeners'
import { TabTopics } from './tab-topics'
import { sameOr, withQueued } from './tab-view'
import { optionsSignature, warnOnce } from './warn'

/** What a tab is to the shared socket of one key. */
export type ShareRole = 'off' | 'follower' | 'holder'

/** How one connection takes part in sharing, for tests, devtools and the story. */
export interface ShareInfo {
  role: ShareRole
  /** This tab's member id (one per connection object). */
  id: string
  /** The lock and channel name (a hash of the key, never the URL). */
  name: string
  /** Channel messages that were malformed or not ours, ignored. */
  ignoredMessages: number
}

/**
 * What every tab of a shared key does, holder or not: hear the channel, show the shared state,
 * messages and history, and answer with its own. `TabLink` adds taking part: the lock, the
 * holder's socket and the hand-over.
 */
export abstract class TabMirror implements LinkPort {
  protected readonly id = memberId()
  protected readonly name: string
  protected readonly local: LocalConnection
  readonly listeners = new TabListeners()
  protected readonly outbox: Outbox
  protected readonly written = new Map<string, number>()
  protected readonly signature: string
  protected readonly visibility: SharedVisibility
  protected channel: ChannelLike | null = null
  protected stopPageHide: (() => void) | null = null
  protected stopVisibility: (() => void) | null = null
  protected lockRequest: AbortController | null = null
  protected releaseLock: (() => void) | null = null
  protected pendingGrant: (() => void) | null = null
  protected relay: Relay | null = null
  protected holderId: string | null = null
  protected mirrored: ConnectionState | null = null
  protected carried: Entry[] = []
  protected closes: CloseInfo[] = []
  protected shown: ConnectionState = IDLE_STATE
  protected holderView: { from: ConnectionState; queued: number; view: ConnectionState } | null = null
  protected holders = 0
  protected localStarted = false
  protected readonly localReleases: (() => void)[] = []
  protected lingerTimer: unknown = null
  protected startTimer: unknown = null
  protected graceTimer: unknown = null
  protected ignored = 0
  protected readonly topics: TabTopics

  constructor(
    protected readonly connection: LifelineConnection,
    protected readonly environment: ShareEnvironment,
  ) {
    const options = connection.options
    this.name = shareNameOf(connection.url as string, options.protocols)
    this.outbox = new Outbox(this.id, options.queueMax ?? Number.POSITIVE_INFINITY)
    this.signature = optionsSignature(options)
    this.visibility = new SharedVisibility(options)
    // The local connection reports to this link only (before its methods are replaced); the
    // app's listeners live in `listeners`.
    connection.subscribe(() => this.onLocalState())
    connection.onMessage((data, event) => this.onLocalMessage(data, event))
    connection.on('close', (close) => this.onLocalClose(close))
    this.local = overrideConnection(connection, this)
    const link = this
    this.topics = new TabTopics({
      connection,
      id: this.id,
      get holding() {
        return link.isHolder
      },
      get holder() {
        return link.holderId
      },
      post: (message) => this.post(message),
    })
  }

  view(): ConnectionState {
    return this.shown
  }

  history(): readonly CloseInfo[] {
    return this.closes
  }

  info(): ShareInfo {
    const role: ShareRole = this.releaseLock ? 'holder' : this.lockRequest ? 'follower' : 'off'
    return { role, id: this.id, name: this.name, ignoredMessages: this.ignored }
  }

  protected get isHolder(): boolean {
    return this.releaseLock !== null
  }

  // --- hearing the channel -------------------------------------------------------------

  listen(): void {
    if (this.channel || this.connection.destroyed) return
    const channel = this.environment.openChannel(this.name)
    channel.onmessage = (event) => this.receive(event.data)
    this.channel = channel
    this.stopPageHide = this.environment.onPageHide(() => this.onPageHide())
    this.post({ t: 'hello' })
  }

  /** Queues for the lock: this tab uses the connection and may hold the socket. */
  unlisten(): void {
    if (!this.lockRequest && this.listeners.size === 0) this.closeChannel()
  }

  protected closeChannel(): void {
    this.stopPageHide?.()
    this.stopPageHide = null
    this.channel?.close()
    this.channel = null
    this.holderId = null
    this.mirrored = null
    this.refresh()
  }

  // --- the channel ------------------------------------------------------------------------

  protected receive(raw: unknown): void {
    const message = parseShareMessage(raw)
    if (!message) {
      this.ignored += 1
      return
    }
    if (message.from === this.id) return
    switch (message.t) {
      case 'hello':
        if (this.isHolder) this.postState(true)
        return
      case 'state':
        return this.onState(message)
      case 'message':
        if (message.from === this.holderId && !this.isHolder)
          this.deliver(message.data, messageEvent(message.data))
        return
      case 'close':
        if (message.from === this.holderId && !this.isHolder) this.record(message.close)
        return
      case 'send':
        if (this.isHolder && message.to === this.id)
          this.take({ from: message.from, seq: message.seq, data: message.data })
        return
      case 'ack':
        if (message.seq > (this.written.get(message.to) ?? 0)) this.written.set(message.to, message.seq)
        if (message.to === this.id) this.outbox.ack(message.seq)
        if (message.to === this.id && !this.isHolder) this.refresh()
        return
      case 'call':
        if (this.isHolder && message.to === this.id) this.onCall(message.call, message.code, message.reason)
        return
      case 'leave':
        return this.onLeave(message.from, message.carry)
      case 'topic':
      case 'hold':
      case 'unhold':
        return this.topics.receive(message)
    }
  }

  protected onState(message: Extract<ShareMessage, { t: 'state' }>): void {
    if (this.isHolder) return
    if (message.from !== this.holderId) {
      // A new holder: what it has not acknowledged goes to it again, in order.
      this.holderId = message.from
      this.carried = []
      for (const entry of this.outbox.list())
        this.post({ t: 'send', to: message.from, seq: entry.seq, data: entry.data })
    }
    this.mirrored = fromWireState(message.state)
    if (message.history) this.closes = message.history.slice(-this.connection.options.historySize)
    if (message.options !== undefined && message.options !== this.signature) {
      warnOnce(
        `share: 'origin': this tab's options for ${this.name} differ from those of the tab that holds the socket; the holder's options apply.`,
      )
    }
    this.refresh()
  }

  protected onLeave(from: string, carry: Entry[]): void {
    if (this.isHolder) {
      // It left before this tab's take-over was seen there: adopt what it carried.
      for (const entry of carry) this.take(entry)
      return
    }
    if (from !== this.holderId) return
    this.carried = carry
    this.holderId = null
    if (this.pendingGrant) return this.finishGrant()
    // Someone in line takes over within moments (keeping a scheduled retry); a tab that is not
    // in line is idle.
    const last = this.mirrored
    this.mirrored =
      !this.lockRequest || !last ? null : last.status === 'open' ? { ...last, status: 'connecting' } : last
    this.refresh()
  }

  protected post(message: Record<string, unknown> & { t: ShareMessage['t'] }): void {
    this.channel?.postMessage({ rl: 1, from: this.id, ...message })
  }

  protected postState(full: boolean): void {
    if (!this.isHolder) return
    const state = toWireState(this.shown)
    this.post(
      full ? { t: 'state', state, history: this.closes, options: this.signature } : { t: 'state', state },
    )
  }

  // --- what this tab shows ----------------------------------------------------------------

  /** Recomputes the state this tab shows and tells listeners (and followers) if it changed. */
  protected refresh(): void {
    this.topics.sync()
    const next = this.computeView()
    if (next === this.shown) return
    this.shown = next
    this.postState(false)
    this.listeners.notify()
  }

  protected computeView(): ConnectionState {
    if (this.isHolder) {
      if (!this.localStarted) return withQueued(this.shown, this.relay!.size)
      const from = this.local.getState()
      const queued = from.queued + this.relay!.size
      const memo = this.holderView
      if (memo && memo.from === from && memo.queued === queued) return memo.view
      const view = withQueued(from, queued)
      this.holderView = { from, queued, view }
      return view
    }
    if (this.mirrored && this.holderId) return this.mirrored
    if (this.mirrored) return withQueued(this.mirrored, this.outbox.size)
    if (this.lockRequest)
      return sameOr(this.shown, { ...IDLE_STATE, status: 'connecting', queued: this.outbox.size })
    return this.outbox.size === 0
      ? IDLE_STATE
      : sameOr(this.shown, { ...IDLE_STATE, queued: this.outbox.size })
  }

  protected deliver(data: unknown, event: MessageEvent): void {
    this.listeners.deliver(data, event)
  }

  protected record(close: CloseInfo): void {
    const size = this.connection.options.historySize
    this.closes = size === 0 ? [] : [...this.closes, close].slice(-size)
    this.listeners.closed(close)
  }

  protected cancelTimer(name: 'lingerTimer' | 'startTimer' | 'graceTimer'): void {
    if (this[name] === null) return
    this.connection.options.clock.clearTimeout(this[name])
    this[name] = null
  }

  abstract send(data: Outgoing): ReturnType<LifelineConnection['send']>
  abstract call(call: Call, code?: number, reason?: string): void
  abstract retain(): () => void
  abstract destroy(): void
  protected abstract take(entry: Entry): void
  protected abstract onCall(call: Call, code?: number, reason?: string): void
  protected abstract finishGrant(): void
  protected abstract onPageHide(): void
  protected abstract onLocalState(): void
  protected abstract onLocalMessage(data: unknown, event: MessageEvent): void
  protected abstract onLocalClose(close: CloseInfo): void
}
