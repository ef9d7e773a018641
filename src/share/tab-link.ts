import {
  type CloseInfo,
  type ConnectionState,
  IDLE_STATE,
  type LifelineConnection,
  type SendResult,
} from '../core/index'
import { memberId, shareNameOf } from './channel-name'
import { type LinkPort, type LocalConnection, overrideConnection } from './connection-overrides'
import type { ChannelLike, ShareEnvironment } from './environment'
import { Outbox } from './outbox'
import {
  type Call,
  type Entry,
  fromWireState,
  isOutgoing,
  messageEvent,
  type Outgoing,
  parseShareMessage,
  type ShareMessage,
  toWireState,
} from './protocol'
import { Relay } from './relay'
import { SharedVisibility } from './shared-visibility'
import { TabListeners } from './tab-listeners'
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

const links = new WeakMap<object, TabLink>()

/** How long a new holder waits for a silent (crashed) holder's last words before taking over. */
export const HANDOVER_GRACE_MS = 250

/** The sharing state of `connection`, or null when it does not share across tabs. */
export function shareInfoOf(connection: object): ShareInfo | null {
  const link = links.get(connection)
  return link ? link.info() : null
}

/**
 * One tab's side of a socket shared by every tab of the origin. All tabs that use the key ask
 * for one Web Lock; the tab that gets it is the holder: its own connection runs the real
 * socket, and it tells the others its state, messages and closes on a BroadcastChannel. The
 * others are followers: they show that state and hand their sends to the holder. The lock is
 * released when the holder's tab goes away (closed, crashed, discarded) and the browser grants
 * it to the next tab in line, which opens its own socket.
 *
 * The connection object stays the one the app holds: its methods are replaced on the instance,
 * and the originals (`local`) drive this tab's socket while it is the holder.
 */
export function attachTabLink(connection: LifelineConnection, environment: ShareEnvironment): void {
  if (links.has(connection)) return
  if (typeof connection.url !== 'string') {
    throw new TypeError(
      "react-lifeline: share: 'origin' needs a string url; tabs cannot agree on a key for a url function.",
    )
  }
  links.set(connection, new TabLink(connection, environment))
}

class TabLink implements LinkPort {
  private readonly id = memberId()
  private readonly name: string
  private readonly local: LocalConnection
  readonly listeners = new TabListeners()
  private readonly outbox: Outbox
  private readonly written = new Map<string, number>()
  private readonly signature: string
  private readonly visibility: SharedVisibility
  private channel: ChannelLike | null = null
  private stopPageHide: (() => void) | null = null
  private stopVisibility: (() => void) | null = null
  private lockRequest: AbortController | null = null
  private releaseLock: (() => void) | null = null
  private pendingGrant: (() => void) | null = null
  private relay: Relay | null = null
  private holderId: string | null = null
  private mirrored: ConnectionState | null = null
  private carried: Entry[] = []
  private closes: CloseInfo[] = []
  private shown: ConnectionState = IDLE_STATE
  private holderView: { from: ConnectionState; queued: number; view: ConnectionState } | null = null
  private holders = 0
  private localStarted = false
  private readonly localReleases: (() => void)[] = []
  private lingerTimer: unknown = null
  private startTimer: unknown = null
  private graceTimer: unknown = null
  private ignored = 0

  constructor(
    private readonly connection: LifelineConnection,
    private readonly environment: ShareEnvironment,
  ) {
    const options = connection.options
    this.name = shareNameOf(connection.url as string, options.protocols)
    this.outbox = new Outbox(this.id, options.queueMax ?? Number.POSITIVE_INFINITY)
    this.signature = optionsSignature(options)
    // The local connection reports to this link only; the app's listeners live in `listeners`.
    connection.subscribe(() => this.onLocalState())
    connection.onMessage((data, event) => this.onLocalMessage(data, event))
    connection.on('close', (close) => this.onLocalClose(close))
    this.visibility = new SharedVisibility(options)
    this.local = overrideConnection(connection, this)
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

  private get isHolder(): boolean {
    return this.releaseLock !== null
  }

  // --- what the app calls -------------------------------------------------------------

  send(data: Outgoing): SendResult {
    if (!isOutgoing(data) || this.connection.destroyed) return this.local.send(data)
    this.listen()
    const queueOff = this.connection.options.queueMax === null
    if (this.isHolder && this.localStarted) {
      const open = this.local.getState().status === 'open'
      if ((open && this.relay!.size === 0) || queueOff) return this.local.send(data)
      this.take(this.outbox.stamp(data))
      return 'queued'
    }
    const open = this.shown.status === 'open'
    if (queueOff && !open) return this.local.send(data)
    if (this.isHolder) {
      this.take(this.outbox.stamp(data))
      return open ? 'sent' : 'queued'
    }
    const { entry } = this.outbox.push(data)
    if (this.holderId) this.post({ t: 'send', to: this.holderId, seq: entry.seq, data })
    if (!this.holderId) this.refresh()
    return open ? 'sent' : 'queued'
  }

  call(call: Call, code?: number, reason?: string): void {
    if (this.connection.destroyed) return
    if (call !== 'close') this.join()
    if (this.isHolder) return this.onCall(call, code, reason)
    if (this.holderId) this.post({ t: 'call', to: this.holderId, call, code, reason })
  }

  retain(): () => void {
    this.holders += 1
    this.cancelTimer('lingerTimer')
    this.join()
    if (this.localStarted) this.localReleases.push(this.local.retain())
    let released = false
    return () => {
      if (released) return
      released = true
      this.holders -= 1
      if (this.localStarted) this.localReleases.pop()?.()
      // The local connection lingers by itself; without one this tab lingers here.
      else if (this.holders === 0) this.linger()
    }
  }

  destroy(): void {
    this.leave()
    this.closeChannel()
    this.local.destroy()
    this.shown = this.local.getState()
    this.listeners.notify()
    this.listeners.clear()
  }

  // --- taking part ----------------------------------------------------------------------

  /** Opens the channel (once) and asks the holder, if there is one, for its state. */
  listen(): void {
    if (this.channel || this.connection.destroyed) return
    const channel = this.environment.openChannel(this.name)
    channel.onmessage = (event) => this.receive(event.data)
    this.channel = channel
    this.stopPageHide = this.environment.onPageHide(() => this.onPageHide())
    this.post({ t: 'hello' })
  }

  /** Queues for the lock: this tab uses the connection and may hold the socket. */
  private join(): void {
    if (this.lockRequest || this.connection.destroyed) return
    this.listen()
    const request = new AbortController()
    this.lockRequest = request
    this.watchVisibility()
    this.refresh()
    this.environment.locks
      .request(this.name, { signal: request.signal }, () =>
        request.signal.aborted ? Promise.resolve() : new Promise<void>((release) => this.onGranted(release)),
      )
      // Rejected with AbortError when this tab stops waiting: nothing to do.
      .catch(() => {})
  }

  /** Stops taking part: hands what is unsent to the next holder and lets the lock go. */
  private leave(pageGoing = false): void {
    this.cancelTimer('lingerTimer')
    this.cancelTimer('startTimer')
    if (this.isHolder) {
      this.post({ t: 'leave', carry: this.relay!.list() })
      this.relay = null
      this.holderId = null
      this.mirrored = null
      this.localStarted = false
      const release = this.releaseLock!
      this.releaseLock = null
      // The page is going: its socket closes before the next holder opens one, so the server
      // never sees two for one user (the browser would only drop it later, as 1001).
      if (pageGoing) this.local.close(1000, 'tab closed')
      release()
    }
    this.cancelTimer('graceTimer')
    this.pendingGrant?.()
    this.pendingGrant = null
    this.lockRequest?.abort()
    this.lockRequest = null
    this.stopVisibility?.()
    this.stopVisibility = null
    this.refresh()
    this.unlisten()
  }

  /** A connection nobody in this tab uses or watches stops listening (it may be dropped). */
  unlisten(): void {
    if (!this.lockRequest && this.listeners.size === 0) this.closeChannel()
  }

  private closeChannel(): void {
    this.stopPageHide?.()
    this.stopPageHide = null
    this.channel?.close()
    this.channel = null
    this.holderId = null
    this.mirrored = null
    this.refresh()
  }

  private linger(): void {
    this.cancelTimer('lingerTimer')
    const { clock, lingerMs } = this.connection.options
    this.lingerTimer = clock.setTimeout(() => {
      this.lingerTimer = null
      if (this.holders === 0) this.leave()
    }, lingerMs)
  }

  /**
   * The lock is ours. The last holder's goodbye (its last acks, then what it had not written)
   * may still be on its way, since the lock and the channel are separate paths: taking over
   * before it arrives would write again what it had written. So wait for it; a holder that
   * crashed says nothing, and after a short grace the sends it never acknowledged go again.
   */
  private onGranted(release: () => void): void {
    if (this.connection.destroyed || !this.lockRequest) return release()
    if (!this.holderId) return this.takeOver(release)
    this.pendingGrant = release
    this.graceTimer = this.connection.options.clock.setTimeout(() => this.finishGrant(), HANDOVER_GRACE_MS)
  }

  private finishGrant(): void {
    const release = this.pendingGrant
    if (!release) return
    this.cancelTimer('graceTimer')
    this.pendingGrant = null
    this.takeOver(release)
  }

  /** The lock is ours: this tab becomes the holder and opens the socket. */
  private takeOver(release: () => void): void {
    if (this.connection.destroyed || !this.lockRequest) return release()
    this.releaseLock = release
    this.holderId = this.id
    const relay = new Relay(this.connection.options.queueMax, this.written)
    this.relay = relay
    for (const entry of [...this.carried, ...this.outbox.drain()]) relay.take(entry)
    this.carried = []
    const before = this.mirrored
    const { clock } = this.connection.options
    // Backoff still applies: a socket that was waiting to retry is retried when it was due,
    // and one that gave up or was closed on purpose stays so until someone asks again.
    if (before && (before.status === 'failed' || before.status === 'closed')) {
      this.shown = before
    } else if (before?.nextRetryAt != null && before.nextRetryAt > clock.now()) {
      this.shown = before
      this.startTimer = clock.setTimeout(() => this.startLocal(), before.nextRetryAt - clock.now())
    } else {
      this.startLocal()
    }
    this.refresh()
    this.postState(true)
  }

  private startLocal(): void {
    this.cancelTimer('startTimer')
    if (this.localStarted || !this.isHolder) return
    this.localStarted = true
    for (let i = 0; i < this.holders; i++) this.localReleases.push(this.local.retain())
    if (this.holders === 0) this.local.connect()
    this.refresh()
  }

  // --- the holder -----------------------------------------------------------------------

  private onLocalState(): void {
    if (!this.isHolder || !this.localStarted) return
    const status = this.local.getState().status
    if (status === 'idle') return this.leave()
    if (status === 'open') this.flush()
    this.refresh()
  }

  private onLocalMessage(data: unknown, event: MessageEvent): void {
    if (!this.isHolder) return
    this.post({ t: 'message', data })
    this.deliver(data, event)
  }

  private onLocalClose(close: CloseInfo): void {
    if (!this.isHolder) return
    this.post({ t: 'close', close })
    this.record(close)
  }

  private onCall(call: Call, code?: number, reason?: string): void {
    if (call === 'visible') return this.visibility.visibleElsewhere()
    if (call === 'close' && !this.localStarted) {
      this.cancelTimer('startTimer')
      this.shown = { ...this.shown, status: 'closed', nextRetryAt: null }
      return this.refresh()
    }
    this.startLocal()
    if (call === 'close') this.local.close(code, reason)
    else this.local[call]()
  }

  private take(entry: Entry): void {
    const relay = this.relay!
    const { fresh, dropped } = relay.take(entry)
    for (const lost of dropped) this.ack(lost)
    if (!fresh) {
      // Already written by this or an earlier holder: tell the sender again.
      const written = relay.writtenUpTo(entry.from)
      if (entry.seq <= written && entry.from !== this.id)
        this.post({ t: 'ack', to: entry.from, seq: written })
      return
    }
    if (this.localStarted && this.local.getState().status === 'open') this.flush()
    this.refresh()
  }

  private flush(): void {
    const relay = this.relay
    if (!relay || relay.size === 0) return
    for (const entry of relay.flush((data) => this.local.send(data) !== 'dropped')) this.ack(entry)
  }

  private ack(entry: Entry): void {
    if (entry.from !== this.id) this.post({ t: 'ack', to: entry.from, seq: entry.seq })
  }

  /** While in line, a follower that becomes visible asks the holder to check the socket. */
  private watchVisibility(): void {
    const own = this.visibility.own
    this.stopVisibility = own.subscribe(() => {
      if (own.isVisible() && !this.isHolder && this.holderId)
        this.post({ t: 'call', to: this.holderId, call: 'visible' })
    })
  }

  private onPageHide(): void {
    // Hands what is unsent to the next holder and lets the lock go at once rather than when
    // the browser tears the page down.
    this.leave(true)
  }

  // --- the channel ------------------------------------------------------------------------

  private receive(raw: unknown): void {
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
    }
  }

  private onState(message: Extract<ShareMessage, { t: 'state' }>): void {
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

  private onLeave(from: string, carry: Entry[]): void {
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

  private post(message: Record<string, unknown> & { t: ShareMessage['t'] }): void {
    this.channel?.postMessage({ rl: 1, from: this.id, ...message })
  }

  private postState(full: boolean): void {
    if (!this.isHolder) return
    const state = toWireState(this.shown)
    this.post(
      full ? { t: 'state', state, history: this.closes, options: this.signature } : { t: 'state', state },
    )
  }

  // --- what this tab shows ----------------------------------------------------------------

  /** Recomputes the state this tab shows and tells listeners (and followers) if it changed. */
  private refresh(): void {
    const next = this.computeView()
    if (next === this.shown) return
    this.shown = next
    this.postState(false)
    this.listeners.notify()
  }

  private computeView(): ConnectionState {
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

  private deliver(data: unknown, event: MessageEvent): void {
    this.listeners.deliver(data, event)
  }

  private record(close: CloseInfo): void {
    const size = this.connection.options.historySize
    this.closes = size === 0 ? [] : [...this.closes, close].slice(-size)
    this.listeners.closed(close)
  }

  private cancelTimer(name: 'lingerTimer' | 'startTimer' | 'graceTimer'): void {
    if (this[name] === null) return
    this.connection.options.clock.clearTimeout(this[name])
    this[name] = null
  }
}
