import { useSyncExternalStore } from 'react'
import type { BenchMessage } from '../protocol'
import { startHarness } from './harness'

/**
 * The reference: what a careful developer writes by hand. One socket per URL while anyone is
 * subscribed, the message parsed once, `useSyncExternalStore` per field, and a doubling retry
 * (100 ms to 1 s) so the restart measure has something to compare with.
 */
interface RawStore {
  subscribe(listener: () => void): () => void
  getOpen(): boolean
  getLast(): BenchMessage | null
  send(text: string): void
}

const stores = new Map<string, RawStore>()

function storeFor(url: string): RawStore {
  let store = stores.get(url)
  if (!store) {
    store = createRawStore(url)
    stores.set(url, store)
  }
  return store
}

function createRawStore(url: string): RawStore {
  const listeners = new Set<() => void>()
  let socket: WebSocket | null = null
  let open = false
  let last: BenchMessage | null = null
  let failures = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  const notify = () => {
    for (const listener of listeners) listener()
  }
  const connect = () => {
    const current = new WebSocket(url)
    socket = current
    current.onopen = () => {
      failures = 0
      open = true
      notify()
    }
    current.onmessage = (event) => {
      last = JSON.parse(event.data)
      notify()
    }
    current.onclose = () => {
      if (socket !== current) return
      socket = null
      if (open) {
        open = false
        notify()
      }
      retry = setTimeout(connect, Math.min(1000, 100 * 2 ** failures++))
    }
  }
  return {
    subscribe(listener) {
      listeners.add(listener)
      if (listeners.size === 1) connect()
      return () => {
        listeners.delete(listener)
        if (listeners.size > 0) return
        clearTimeout(retry)
        const current = socket
        socket = null
        open = false
        last = null
        current?.close()
      }
    },
    getOpen: () => open,
    getLast: () => last,
    send: (text) => socket?.send(text),
  }
}

startHarness({
  name: 'raw',
  useOpen(url) {
    const store = storeFor(url)
    return useSyncExternalStore(store.subscribe, store.getOpen)
  },
  useLastMessage(url) {
    const store = storeFor(url)
    return { last: useSyncExternalStore(store.subscribe, store.getLast), send: store.send }
  },
})
