import { type ReactNode, useLayoutEffect } from 'react'
import { createRoot } from 'react-dom/client'
import { type RoutingApi, type RoutingConfig, type RoutingMessage, topicName } from '../routing-protocol'

/** One way of routing topic messages to components: the hook each component calls. */
export interface RoutingAdapter {
  name: string
  /** The newest message of `topic` (on the socket to `url`), re-rendering when it changes. */
  useTopicMessage(url: string, topic: string): RoutingMessage | null | undefined
}

const epochNow = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Installs `window.routing` for `adapter`: a dashboard of one panel per topic, each with
 * `perTopic` components showing that topic's newest message; every component counts its
 * renders and reports what it committed.
 */
export function startRoutingHarness(adapter: RoutingAdapter): void {
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)

  let config: RoutingConfig = { url: '', topics: 0, perTopic: 0 }
  let generation = 0
  let renders = new Int32Array(0)
  // The newest seq each component committed, the target of its topic, and who waits for all.
  let seqs = new Float64Array(0)
  let targets: (number | null)[] = []
  let awaited = 0
  let reached = 0
  let seenAt: number | null = null
  let seenWaiter: ((at: number) => void) | null = null

  const report = (index: number, seq: number) => {
    const previous = seqs[index]!
    seqs[index] = seq
    const target = targets[Math.floor(index / config.perTopic)]
    if (target === null || target === undefined || previous >= target || seq < target) return
    reached += 1
    if (reached === awaited) {
      seenAt = epochNow()
      seenWaiter?.(seenAt)
    }
  }

  function Cell({ topic, index }: { topic: string; index: number }) {
    renders[index]! += 1
    const last = adapter.useTopicMessage(config.url, topic)
    useLayoutEffect(() => {
      if (last) report(index, last.seq)
    }, [index, last])
    return <b>{last ? last.seq : ''}</b>
  }

  function Panel({ topic }: { topic: number }) {
    const name = topicName(topic)
    const cells: ReactNode[] = []
    for (let k = 0; k < config.perTopic; k++) {
      const index = topic * config.perTopic + k
      cells.push(<Cell key={k} topic={name} index={index} />)
    }
    return <section>{cells}</section>
  }

  function App() {
    const panels: ReactNode[] = []
    for (let topic = 0; topic < config.topics; topic++) panels.push(<Panel key={topic} topic={topic} />)
    return panels
  }

  const api: RoutingApi = {
    name: adapter.name,
    mount(next) {
      config = next
      generation += 1
      const count = next.topics * next.perTopic
      renders = new Int32Array(count)
      seqs = new Float64Array(count).fill(-1)
      targets = []
      awaited = 0
      reached = 0
      root.render(<App key={generation} />)
    },
    async unmount() {
      root.render(null)
      // Let passive effect cleanups (unsubscribe, release) run before anyone looks.
      await sleep(0)
    },
    resetRenders() {
      renders.fill(0)
    },
    renders: () => Array.from(renders),
    expect(next) {
      targets = next
      seenAt = null
      awaited = 0
      reached = 0
      for (let index = 0; index < seqs.length; index++) {
        const target = targets[Math.floor(index / config.perTopic)]
        if (target === null || target === undefined) continue
        awaited += 1
        if (seqs[index]! >= target) reached += 1
      }
      if (reached === awaited) seenAt = epochNow()
    },
    whenSeen: (timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        if (seenAt !== null) return resolve(seenAt)
        const timer = setTimeout(() => {
          seenWaiter = null
          reject(new Error(`${adapter.name}: ${reached}/${awaited} components saw their topic's target`))
        }, timeoutMs)
        seenWaiter = (at) => {
          clearTimeout(timer)
          seenWaiter = null
          resolve(at)
        }
      }),
  }
  window.routing = api
}
