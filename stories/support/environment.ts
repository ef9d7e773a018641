import { useEffect, useState } from 'react'
import { type Connection, type ConnectionOptions, createConnection, type NetworkSource } from '../../src/core'

/** A `network` option whose online state a story (or a button in it) sets by hand. */
export interface ManualNetwork extends NetworkSource {
  setOnline(online: boolean): void
}

export function createManualNetwork(online: boolean): ManualNetwork {
  let current = online
  const listeners = new Set<() => void>()
  return {
    isOnline: () => current,
    subscribe(callback) {
      listeners.add(callback)
      return () => listeners.delete(callback)
    },
    setOnline(next) {
      if (next === current) return
      current = next
      for (const listener of listeners) listener()
    },
  }
}

/**
 * A WebSocket whose handshake never finishes, like a server behind a proxy that accepted the
 * TCP connection and then hung. The mock servers open sockets at once, so the `connecting` state
 * needs this stand-in; it never touches the network.
 */
export class StalledWebSocket extends EventTarget {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  readonly url: string
  readyState = 0
  binaryType = 'blob'
  onopen: ((event: Event) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null

  constructor(url: string) {
    super()
    this.url = url
  }

  send(): void {
    throw new DOMException('Still in CONNECTING state.', 'InvalidStateError')
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return
    this.readyState = 3
    const event = new CloseEvent('close', { code, reason, wasClean: false })
    queueMicrotask(() => {
      this.dispatchEvent(event)
      this.onclose?.(event)
    })
  }
}

/**
 * A connection of the story's own, created on mount and destroyed on unmount, so a story
 * starts from a clean slate each time it renders and its controls can change the options.
 * Apps usually pass a URL to `useWebSocket` and share the connection instead.
 */
export function useStoryConnection(
  url: string,
  options: ConnectionOptions,
  deps: readonly unknown[] = [],
): Connection | null {
  const [connection, setConnection] = useState<Connection | null>(null)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the options object is rebuilt on every render; `deps` says when it really changed
  useEffect(() => {
    const created = createConnection(url, options)
    setConnection(created)
    return () => {
      created.destroy()
      setConnection(null)
    }
  }, [url, ...deps])
  return connection
}
