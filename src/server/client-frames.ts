import type { IncomingMessage } from 'node:http'
import type { RawData, WebSocket } from 'ws'
import { type ErrorCode, errorFrame, PONG_FRAME, readClientFrame } from './protocol'
import type { LifelineServerOptions } from './server-types'
import type { SubscribeBudget } from './subscribe-budget'
import { Subscription } from './subscription'
import type { ServerClock, TopicPosition, TopicStore } from './types'

/** One accepted socket and what the server keeps for it. */
export interface Client {
  socket: WebSocket
  request: IncomingMessage
  topics: Map<string, Subscription>
  budget: SubscribeBudget
  /** Answered the last protocol ping (or sent anything since). */
  alive: boolean
}

/** What a socket's frames need of the server they reached. */
export interface ClientFramesContext {
  clock: ServerClock
  store: TopicStore
  options: LifelineServerOptions
  maxTopics: number
  maxBufferedBytes: number
  /** Subscriptions per topic, for fan-out. */
  subscribers: Map<string, Set<Subscription>>
  onError(error: unknown): void
  /** Closes a socket with a close frame, terminating it if the peer never answers. */
  closeSocket(socket: WebSocket, code: number, reason: string): void
}

/**
 * The protocol as one socket speaks it: frames in (ping, subscribe, unsubscribe, the app's own
 * frames, bad ones), the subscribe limits and authorisation, and frames out with the
 * slow-reader limit.
 */
export function clientFrames(context: ClientFramesContext) {
  const { clock, store, options, maxTopics, maxBufferedBytes, subscribers, onError, closeSocket } = context

  const send = (client: Client, text: string, onWritten?: () => void) => {
    const { socket } = client
    if (socket.readyState !== socket.OPEN) {
      onWritten?.()
      return
    }
    if (onWritten) {
      // A replay pacing itself: ws calls back once the frame is written, or failed to be.
      socket.send(text, () => onWritten())
      return
    }
    if (socket.bufferedAmount > maxBufferedBytes) {
      // What it misses stays in the history: after the reconnect it resumes from its position.
      closeSocket(socket, 1013, 'too slow: resume from your position')
      return
    }
    socket.send(text)
  }

  const refuse = (client: Client, code: ErrorCode, error: string, topic?: string) =>
    send(client, errorFrame(code, error, topic))

  const drop = (client: Client, subscription: Subscription) => {
    subscription.end()
    if (client.topics.get(subscription.topic) === subscription) client.topics.delete(subscription.topic)
    const set = subscribers.get(subscription.topic)
    if (set?.delete(subscription) && set.size === 0) subscribers.delete(subscription.topic)
  }

  const subscribe = async (client: Client, topic: string, from: TopicPosition | null) => {
    const { budget } = client
    if (!budget.take(clock.now())) {
      refuse(
        client,
        'rate-limited',
        `Too many subscribes: this server allows ${budget.perSecond} per second after a burst of ${budget.burst}.`,
        topic,
      )
      return
    }
    const previous = client.topics.get(topic)
    if (previous) drop(client, previous) // a subscribe again restarts the topic from `from`
    if (client.topics.size >= maxTopics) {
      refuse(client, 'too-many-topics', `A socket may hold at most ${maxTopics} topics.`, topic)
      return
    }
    const subscription = new Subscription(topic, {
      send: (text, onWritten) => send(client, text, onWritten),
      // Half the slow-reader limit: a replay pauses well before the limit would close the socket.
      congested: () => client.socket.bufferedAmount > maxBufferedBytes / 2,
      read: (name, position) => store.read(name, position),
    })
    client.topics.set(topic, subscription)
    if (options.authorize) {
      let allowed: boolean
      try {
        allowed = (await options.authorize(client.request, topic)) === true
      } catch (error) {
        onError(error)
        if (subscription.ended) return
        drop(client, subscription)
        refuse(
          client,
          'unavailable',
          `The server could not decide whether you may subscribe to "${topic}".`,
          topic,
        )
        return
      }
      if (subscription.ended) return
      if (!allowed) {
        drop(client, subscription)
        refuse(client, 'unauthorized', `You may not subscribe to "${topic}".`, topic)
        return
      }
    }
    // Registered before the read starts, so a publish that lands during the read is held.
    let set = subscribers.get(topic)
    if (!set) {
      set = new Set()
      subscribers.set(topic, set)
    }
    set.add(subscription)
    try {
      await subscription.start(from)
    } catch (error) {
      if (subscription.ended) return
      onError(error)
      drop(client, subscription)
      refuse(
        client,
        'unavailable',
        `The topic's history cannot be read right now; subscribe again later.`,
        topic,
      )
    }
  }

  const onFrame = (client: Client, data: RawData, isBinary: boolean) => {
    client.alive = true
    const buffer = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data)
    const text = isBinary ? null : buffer.toString('utf8')
    const frame = text === null ? null : readClientFrame(text)
    if (frame === null || frame.type === 'problem') {
      if (options.onMessage && (frame === null || frame.forApp)) {
        try {
          options.onMessage(
            client.socket,
            { text, data: buffer, isBinary, json: frame?.json },
            client.request,
          )
        } catch (error) {
          // Thrown inside ws's 'message' event, it would end the process.
          onError(error)
        }
        return
      }
      if (frame === null)
        refuse(client, 'bad-frame', 'Binary frames are not part of this protocol; send JSON text.')
      else refuse(client, frame.code, frame.error, frame.topic)
      return
    }
    switch (frame.type) {
      case 'ping':
        send(client, PONG_FRAME)
        return
      case 'subscribe':
        void subscribe(client, frame.topic, frame.from)
        return
      case 'unsubscribe': {
        const subscription = client.topics.get(frame.topic)
        if (subscription) drop(client, subscription)
        return
      }
    }
  }

  return { drop, onFrame }
}
