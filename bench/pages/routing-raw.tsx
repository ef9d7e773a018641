import { useSyncExternalStore } from 'react'
import type { RoutingMessage } from '../routing-protocol'
import { startRoutingHarness } from './routing-harness'

/**
 * The reference router: what a careful developer writes by hand. One WebSocket per URL while any
 * topic is held, the same subscribe and unsubscribe frames as `lifelineTopics()`, each frame
 * parsed once, a `Map` from topic to its listeners, and `useSyncExternalStore` per component.
 * No reconnect, resume or gap handling: the bench never drops the socket.
 */
interface TopicEntry {
  listeners: Set<() => void>
  last: RoutingMessage | null
  subscribe(listener: () => void): () => void
  getSnapshot(): RoutingMessage | null
}

interface Router {
  entry(topic: string): TopicEntry
}

interface Frame {
  type?: string
  topic?: string
  data?: RoutingMessage
}

const routers = new Map<string, Router>()

function routerFor(url: string): Router {
  let router = routers.get(url)
  if (!router) {
    router = createRouter(url)
    routers.set(url, router)
  }
  return router
}

function createRouter(url: string): Router {
  const topics = new Map<string, TopicEntry>()
  let socket: WebSocket | null = null
  let held = 0

  const send = (frame: object) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame))
  }

  const connect = () => {
    const current = new WebSocket(url)
    socket = current
    current.onopen = () => {
      for (const [topic, entry] of topics) if (entry.listeners.size > 0) send({ type: 'subscribe', topic })
    }
    current.onmessage = (event) => {
      const frame = JSON.parse(event.data) as Frame
      if (frame.type !== 'message' || typeof frame.topic !== 'string') return
      const entry = topics.get(frame.topic)
      if (!entry || entry.listeners.size === 0) return
      entry.last = frame.data ?? null
      for (const listener of entry.listeners) listener()
    }
  }

  const createEntry = (topic: string): TopicEntry => {
    const entry: TopicEntry = {
      listeners: new Set(),
      last: null,
      subscribe(listener) {
        entry.listeners.add(listener)
        if (entry.listeners.size === 1) {
          held += 1
          if (socket) send({ type: 'subscribe', topic })
          else connect()
        }
        return () => {
          entry.listeners.delete(listener)
          if (entry.listeners.size > 0) return
          entry.last = null
          held -= 1
          send({ type: 'unsubscribe', topic })
          if (held > 0) return
          const current = socket
          socket = null
          current?.close()
        }
      },
      getSnapshot: () => entry.last,
    }
    return entry
  }

  return {
    entry(topic) {
      let entry = topics.get(topic)
      if (!entry) {
        entry = createEntry(topic)
        topics.set(topic, entry)
      }
      return entry
    },
  }
}

startRoutingHarness({
  name: 'raw',
  useTopicMessage(url, topic) {
    const entry = routerFor(url).entry(topic)
    return useSyncExternalStore(entry.subscribe, entry.getSnapshot)
  },
})
