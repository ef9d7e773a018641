import type { ChannelLike, ShareEnvironment } from '../../src/share/environment'

interface LockRequest {
  tab: FakeTab
  callback: () => Promise<void>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * Several tabs of one origin in one process: a Web Locks manager that grants each name to one
 * tab at a time, first come first served, and BroadcastChannels that deliver a structured
 * clone to every other open channel of the same name, asynchronously, as browsers do.
 */
export class FakeBrowser {
  private readonly held = new Map<string, LockRequest>()
  private readonly waiting = new Map<string, LockRequest[]>()
  private readonly channels = new Set<FakeChannel>()
  readonly tabs: FakeTab[] = []

  /** Every message posted on any channel, for tests that check what travels. */
  readonly posted: { name: string; message: unknown }[] = []

  openTab(): FakeTab {
    const tab = new FakeTab(this)
    this.tabs.push(tab)
    return tab
  }

  /** @internal */ request(
    tab: FakeTab,
    name: string,
    signal: AbortSignal | undefined,
    callback: () => Promise<void>,
  ) {
    return new Promise<unknown>((resolve, reject) => {
      const request: LockRequest = { tab, callback, resolve, reject }
      if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'))
      signal?.addEventListener('abort', () => {
        const queue = this.waiting.get(name) ?? []
        if (!queue.includes(request)) return
        queue.splice(queue.indexOf(request), 1)
        reject(new DOMException('aborted', 'AbortError'))
      })
      const queue = this.waiting.get(name) ?? []
      queue.push(request)
      this.waiting.set(name, queue)
      this.grant(name)
    })
  }

  private grant(name: string): void {
    if (this.held.has(name)) return
    const next = this.waiting.get(name)?.shift()
    if (!next) return
    this.held.set(name, next)
    queueMicrotask(() => {
      next
        .callback()
        .then(next.resolve, next.reject)
        .finally(() => this.releaseIfHeld(name, next))
    })
  }

  private releaseIfHeld(name: string, request: LockRequest): void {
    if (this.held.get(name) !== request) return
    this.held.delete(name)
    this.grant(name)
  }

  /** @internal */ dropTab(tab: FakeTab): void {
    for (const [name, queue] of this.waiting)
      this.waiting.set(
        name,
        queue.filter((r) => r.tab !== tab),
      )
    for (const [name, request] of [...this.held]) if (request.tab === tab) this.releaseIfHeld(name, request)
    for (const channel of [...this.channels]) if (channel.tab === tab) channel.close()
  }

  /** The tab holding lock `name`, if any. */
  holderOf(name: string): FakeTab | undefined {
    return this.held.get(name)?.tab
  }

  /** @internal */ addChannel(channel: FakeChannel): void {
    this.channels.add(channel)
  }

  /** @internal */ removeChannel(channel: FakeChannel): void {
    this.channels.delete(channel)
  }

  /** @internal */ broadcast(from: FakeChannel, message: unknown): void {
    this.posted.push({ name: from.name, message })
    const copy = structuredClone(message)
    for (const channel of this.channels) {
      if (channel === from || channel.name !== from.name) continue
      queueMicrotask(() => channel.deliver(structuredClone(copy)))
    }
  }

  /** Any channel of `name`, to post foreign messages as another script of the origin could. */
  rogueChannel(name: string): ChannelLike {
    return new FakeTab(this).environment.openChannel(name)
  }
}

class FakeChannel implements ChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null = null
  private open = true

  constructor(
    private readonly browser: FakeBrowser,
    readonly tab: FakeTab,
    readonly name: string,
  ) {
    browser.addChannel(this)
  }

  postMessage(message: unknown): void {
    if (!this.open) throw new DOMException('closed', 'InvalidStateError')
    this.browser.broadcast(this, message)
  }

  deliver(data: unknown): void {
    if (this.open) this.onmessage?.({ data })
  }

  close(): void {
    this.open = false
    this.browser.removeChannel(this)
  }
}

/** One tab: its share environment, and ways for it to go away. */
export class FakeTab {
  private readonly pageHide = new Set<() => void>()
  closed = false
  readonly environment: ShareEnvironment

  constructor(private readonly browser: FakeBrowser) {
    this.environment = {
      locks: { request: (name, options, callback) => browser.request(this, name, options.signal, callback) },
      openChannel: (name) => new FakeChannel(browser, this, name),
      onPageHide: (callback) => {
        this.pageHide.add(callback)
        return () => this.pageHide.delete(callback)
      },
    }
  }

  /** The user closes the tab: pagehide runs, then the page and its locks are gone. */
  close(): void {
    for (const callback of [...this.pageHide]) callback()
    this.crash()
  }

  /** The tab's process dies: no pagehide, the browser releases its locks and channels. */
  crash(): void {
    this.closed = true
    this.browser.dropTab(this)
  }
}

/** Lets queued microtasks and channel deliveries run until nothing is left. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}
