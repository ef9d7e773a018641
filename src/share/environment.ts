/** The subset of the Web Locks API the election needs. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>
}

/** The subset of BroadcastChannel the protocol needs. */
export interface ChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null
  postMessage(message: unknown): void
  close(): void
}

/** What a tab needs from the browser to share a socket; injectable so tests can fake several tabs. */
export interface ShareEnvironment {
  locks: LockManagerLike
  openChannel(name: string): ChannelLike
  /** Calls `callback` when the page is going away; returns the unsubscribe. */
  onPageHide(callback: () => void): () => void
}

/** This browser's Web Locks and BroadcastChannel, or null where either is missing. */
export function browserShareEnvironment(): ShareEnvironment | null {
  const locks =
    typeof navigator === 'undefined' ? undefined : (navigator as { locks?: LockManagerLike }).locks
  if (!locks || typeof BroadcastChannel !== 'function') return null
  return {
    locks,
    // A MessageEvent has the `data` the protocol reads.
    openChannel: (name) => new BroadcastChannel(name) as unknown as ChannelLike,
    onPageHide(callback) {
      if (typeof addEventListener !== 'function') return () => {}
      addEventListener('pagehide', callback)
      return () => removeEventListener('pagehide', callback)
    },
  }
}
