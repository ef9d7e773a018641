import { errorCode } from '../core/errors'
import type { CloseInfo, LifelineConnection, SendResult } from '../core/index'
import type { ShareEnvironment } from './environment'
import { type Call, type Entry, isOutgoing, type Outgoing } from './protocol'
import { Relay } from './relay'
import { type ShareInfo, TabMirror } from './tab-mirror'

export type { ShareInfo, ShareRole } from './tab-mirror'

const links = new WeakMap<object, TabMirror>()

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
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return "react-lifeline: share: 'origin' needs a string url; tabs cannot agree on a key for a url function."
        } catch {}
        return errorCode(36)
      })(),
    )
  }
  links.set(connection, new TabLink(connection, environment))
}

class TabLink extends TabMirror {
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
    this.topics.leave()
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

  protected finishGrant(): void {
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

  protected onLocalState(): void {
    if (!this.isHolder || !this.localStarted) return
    const status = this.local.getState().status
    if (status === 'idle') return this.leave()
    if (status === 'open') this.flush()
    this.refresh()
  }

  protected onLocalMessage(data: unknown, event: MessageEvent): void {
    if (!this.isHolder) return
    this.post({ t: 'message', data })
    this.deliver(data, event)
  }

  protected onLocalClose(close: CloseInfo): void {
    if (!this.isHolder) return
    this.post({ t: 'close', close })
    this.record(close)
  }

  protected onCall(call: Call, code?: number, reason?: string): void {
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

  protected take(entry: Entry): void {
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

  protected onPageHide(): void {
    // Hands what is unsent to the next holder and lets the lock go at once rather than when
    // the browser tears the page down.
    this.leave(true)
  }
}
