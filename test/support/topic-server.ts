import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'
import type { TopicPosition } from '../../src/core/types'

/**
 * A small server that speaks the lifeline topic protocol (docs/protocol.md) for the client's
 * integration tests: per-topic history with epochs, replay from a position, publish, and ways
 * to misbehave (drop sockets without a close frame, forget history, refuse or ignore topics).
 * The real one is `react-lifeline/server`; this stays small so tests can see what it does.
 */
export interface TopicServer {
  readonly url: string
  /** Open sockets now. */
  readonly clients: number
  /** Every client frame, as text, in arrival order (pings left out). */
  readonly received: readonly string[]
  /** Calls `listener` after each client frame is recorded; returns the unsubscribe (for `waitFor`). */
  onReceive(listener: () => void): () => void
  publish(topic: string, data: unknown): TopicPosition
  /** Ends every socket without a close frame (as a crashed process or a cut cable would). */
  dropAll(): void
  /** The stream loses its history: a new epoch, offsets from 1 again. */
  forget(topic: string): void
  /** Topics the server refuses (`error` frame) and topics it never answers. */
  refuse: Set<string>
  ignore: Set<string>
  close(): Promise<void>
}

interface Stream {
  epoch: string
  tip: number
  history: { offset: number; data: unknown }[]
}

export async function startTopicServer(options: { historySize?: number } = {}): Promise<TopicServer> {
  const historySize = options.historySize ?? 1000
  const http = createServer()
  const wss = new WebSocketServer({ server: http })
  const streams = new Map<string, Stream>()
  const members = new Map<WebSocket, Set<string>>()
  const received: string[] = []
  const receiveListeners = new Set<() => void>()
  let epochs = 0
  const streamOf = (topic: string): Stream => {
    let stream = streams.get(topic)
    if (!stream) {
      epochs += 1
      stream = { epoch: `e${epochs}`, tip: 0, history: [] }
      streams.set(topic, stream)
    }
    return stream
  }
  const send = (socket: WebSocket, frame: object) => socket.send(JSON.stringify(frame))
  const server: TopicServer = {
    refuse: new Set(),
    ignore: new Set(),
    received,
    onReceive(listener) {
      receiveListeners.add(listener)
      return () => receiveListeners.delete(listener)
    },
    get url() {
      return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`
    },
    get clients() {
      return wss.clients.size
    },
    publish(topic, data) {
      const stream = streamOf(topic)
      stream.tip += 1
      stream.history.push({ offset: stream.tip, data })
      if (stream.history.length > historySize) stream.history.shift()
      const position = { epoch: stream.epoch, offset: stream.tip }
      for (const [socket, topics] of members) {
        if (topics.has(topic)) send(socket, { type: 'message', topic, data, position })
      }
      return position
    },
    dropAll() {
      for (const socket of wss.clients) socket.terminate()
    },
    forget(topic) {
      streams.delete(topic)
      streamOf(topic)
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of wss.clients) socket.terminate()
        wss.close()
        http.close(() => resolve())
      }),
  }
  wss.on('connection', (socket) => {
    members.set(socket, new Set())
    socket.on('close', () => members.delete(socket))
    socket.on('message', (raw) => {
      const text = raw.toString()
      let frame: { type?: string; topic?: string; from?: TopicPosition }
      try {
        frame = JSON.parse(text)
      } catch {
        return send(socket, { type: 'error', error: 'Not JSON.', code: 'bad-json' })
      }
      if (frame.type === 'ping') return socket.send('{"type":"pong"}')
      received.push(text)
      for (const listener of [...receiveListeners]) listener()
      const topic = frame.topic
      if (typeof topic !== 'string')
        return send(socket, { type: 'error', error: 'No topic.', code: 'bad-frame' })
      if (frame.type === 'unsubscribe') return members.get(socket)?.delete(topic)
      if (frame.type !== 'subscribe')
        return send(socket, { type: 'error', error: 'Unknown type.', code: 'unknown-type' })
      if (server.ignore.has(topic)) return
      if (server.refuse.has(topic))
        return send(socket, {
          type: 'error',
          topic,
          error: `Not allowed to read ${topic}.`,
          code: 'unauthorized',
        })
      const stream = streamOf(topic)
      const position = { epoch: stream.epoch, offset: stream.tip }
      const from = frame.from
      members.get(socket)?.add(topic)
      if (!from) return send(socket, { type: 'subscribed', topic, position })
      const oldest = stream.history[0]?.offset ?? stream.tip + 1
      const recovered = from.epoch === stream.epoch && from.offset <= stream.tip && from.offset + 1 >= oldest
      send(socket, { type: 'subscribed', topic, position, recovered })
      if (!recovered) return
      for (const entry of stream.history) {
        if (entry.offset > from.offset)
          send(socket, {
            type: 'message',
            topic,
            data: entry.data,
            position: { epoch: stream.epoch, offset: entry.offset },
          })
      }
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return server
}
