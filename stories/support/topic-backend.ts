import { liveControls, mockControls, type ServerControls } from './server-controls'
import type { MockTopicServer, Published } from './topic-server'

/** Where a topic story's socket goes: the lifeline-protocol mock in the page, or scripts/demo-server.mjs. */
export type TopicBackendKind = 'mock' | 'live'

/** What a topic story does on the server's side, whichever server it is. */
export interface TopicBackend {
  readonly kind: TopicBackendKind
  readonly url: string
  /** Publishes `count` messages on `topic`; copies after the first count up from `data.n`. */
  publish(topic: string, data: unknown, count?: number): void
  /** Everything the topic ever had, where the server can say (the mock); a page would fetch it. */
  everything?(topic: string): readonly Published[]
  /** The flaky-network controls: cut the line is `refuse`, restore it is `heal`. */
  readonly controls: ServerControls
}

const LIVE_ORIGIN = 'http://127.0.0.1:8787'

/** The demo server's side (`npm start`): its `publish` control and its fault controls. */
function liveBackend(path: string): TopicBackend {
  return {
    kind: 'live',
    url: `ws://127.0.0.1:8787${path}`,
    publish(topic, data, count = 1) {
      fetch(`${LIVE_ORIGIN}/control`, {
        method: 'POST',
        body: JSON.stringify({ action: 'publish', topic, data, count }),
      }).catch(() => {})
    },
    controls: liveControls(`${LIVE_ORIGIN}/control`),
  }
}

/** The backend for a story's `backend` arg; the live one is made once per path. */
export function topicBackend(kind: TopicBackendKind, mock: MockTopicServer, livePath: string): TopicBackend {
  if (kind === 'live') {
    let live = lives.get(livePath)
    if (!live) {
      live = liveBackend(livePath)
      lives.set(livePath, live)
    }
    return live
  }
  let backend = mocks.get(mock)
  if (!backend) {
    backend = {
      kind: 'mock',
      url: mock.url,
      publish(topic, data, count = 1) {
        const first = Number((data as { n?: unknown } | null)?.n) || 1
        for (let i = 0; i < count; i++)
          mock.publish(topic, count === 1 ? data : { ...(data as object), n: first + i })
      },
      everything: (topic) => mock.everything(topic),
      controls: mockControls(mock.socket),
    }
    mocks.set(mock, backend)
  }
  return backend
}

const lives = new Map<string, TopicBackend>()
const mocks = new Map<MockTopicServer, TopicBackend>()
