import type { TopicPosition } from '../../src/core'
import { type Client, MockSocketServer } from './mock-server'

/** One message the server published, with its place in the topic's stream. */
export interface Published {
  topic: string
  data: unknown
  position: TopicPosition
}

interface Stream {
  epoch: string
  tip: number
  /** What a resume can replay: the last `historySize` messages. */
  history: Published[]
  /** Everything ever published, for the stories' "reload" (a page would fetch it over HTTP). */
  all: Published[]
}

let epochs = 0

/**
 * A server for the topic stories, in the page: it speaks the lifeline topic protocol
 * (docs/protocol.md, the frames of `lifelineTopics()`) on top of the stories' mocked socket
 * server, so the flaky-network controls (drop, refuse, heal) still apply. Each topic keeps its
 * last `historySize` messages; a client that resumes from a position the history still holds gets
 * the missed ones replayed (`recovered: true`), otherwise `recovered: false`.
 */
export class MockTopicServer {
  readonly socket: MockSocketServer
  historySize: number
  private readonly initialHistorySize: number
  private readonly streams = new Map<string, Stream>()
  private readonly members = new Map<Client, Set<string>>()
  private readonly listeners = new Set<() => void>()
  /** Client posts the server turns into messages of a topic (chat). */
  private readonly onPost: ((topic: string, data: unknown) => unknown) | undefined

  constructor(
    url: string,
    options: { historySize?: number; onPost?: (topic: string, data: unknown) => unknown } = {},
  ) {
    this.initialHistorySize = options.historySize ?? 1000
    this.historySize = this.initialHistorySize
    this.onPost = options.onPost
    this.socket = new MockSocketServer(url, {
      pongDelayMs: 10,
      onMessage: (data, client) => this.receive(String(data), client),
    })
  }

  get url(): string {
    return this.socket.url
  }

  /** What a story lists in `parameters.msw.handlers`. */
  get handler(): MockSocketServer {
    return this.socket
  }

  /** Appends to the topic's stream and sends it to every socket subscribed to it. */
  publish(topic: string, data: unknown): Published {
    const stream = this.streamOf(topic)
    stream.tip += 1
    const published = { topic, data, position: { epoch: stream.epoch, offset: stream.tip } }
    stream.history = [...stream.history, published].slice(-this.historySize)
    stream.all.push(published)
    for (const [client, topics] of this.members) {
      if (!client.open) this.members.delete(client)
      else if (topics.has(topic)) client.sendJson({ type: 'message', ...published })
    }
    this.notify()
    return published
  }

  /** Every message the topic ever had: what a page's "reload" fetches. */
  everything(topic: string): readonly Published[] {
    return this.streamOf(topic).all
  }

  /** Open sockets subscribed to `topic` now. */
  subscribers(topic: string): number {
    let count = 0
    for (const [client, topics] of this.members) if (client.open && topics.has(topic)) count += 1
    return count
  }

  /** Fresh streams, the first history size and a healthy socket server: call it before each story. */
  reset(): void {
    this.streams.clear()
    this.members.clear()
    this.historySize = this.initialHistorySize
    this.socket.reset()
    this.notify()
  }

  /** For `useSyncExternalStore`: fires when something is published. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private streamOf(topic: string): Stream {
    let stream = this.streams.get(topic)
    if (!stream) {
      epochs += 1
      stream = { epoch: `epoch-${epochs}`, tip: 0, history: [], all: [] }
      this.streams.set(topic, stream)
    }
    return stream
  }

  private receive(text: string, client: Client): void {
    let frame: { type?: unknown; topic?: unknown; from?: TopicPosition; data?: unknown }
    try {
      frame = JSON.parse(text)
    } catch {
      return
    }
    const topic = frame.topic
    if (typeof topic !== 'string') return
    let topics = this.members.get(client)
    if (!topics) {
      topics = new Set()
      this.members.set(client, topics)
    }
    if (frame.type === 'unsubscribe') topics.delete(topic)
    if (frame.type === 'post') this.publish(topic, this.onPost ? this.onPost(topic, frame.data) : frame.data)
    if (frame.type !== 'subscribe') return
    topics.add(topic)
    const stream = this.streamOf(topic)
    const position = { epoch: stream.epoch, offset: stream.tip }
    const from = frame.from
    if (!from) return client.sendJson({ type: 'subscribed', topic, position })
    const oldest = stream.history[0]?.position.offset ?? stream.tip + 1
    // Resumable while the history still holds the message after `from`, in the same epoch.
    const recovered = from.epoch === stream.epoch && from.offset <= stream.tip && from.offset + 1 >= oldest
    client.sendJson({ type: 'subscribed', topic, position, recovered })
    if (!recovered) return
    for (const entry of stream.history)
      if (entry.position.offset > from.offset) client.sendJson({ type: 'message', ...entry })
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener()
  }
}
