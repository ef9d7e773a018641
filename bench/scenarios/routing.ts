import type { CDPSession, Page } from 'playwright-core'
import { createLifelineServer, type LifelineServer } from '../../src/server/index'
import { type BenchContext, runOrder, sleep, withFreshPage } from '../browser'
import { type Implementation, ROUTING_PAGES } from '../build-pages'
import { type RoutingMessage, topicName } from '../routing-protocol'
import { median } from '../stats'
import { addSample, emptyRow, type ScenarioResult } from './types'

export const ROUTING_TOPICS = 100
export const ROUTING_PER_TOPIC = 10
/** Topics the burst goes to; the others stay quiet, and their components must not render. */
export const ROUTING_BUSY_TOPICS = 90
/** 100 messages on each busy topic. */
export const ROUTING_MESSAGES = 9_000

const PAD = 'abcdefghijklmnop'

/** Seq `seq` of the burst goes to this topic: round-robin over the busy topics. */
const topicOf = (seq: number) => (seq - 1) % ROUTING_BUSY_TOPICS

/** The last seq each topic gets in a burst of `count` (null: none). */
export function lastSeqs(count: number): (number | null)[] {
  const last: (number | null)[] = new Array(ROUTING_TOPICS).fill(null)
  for (let seq = 1; seq <= count; seq++) last[topicOf(seq)] = seq
  return last
}

/** A lifeline server (react-lifeline/server) on 127.0.0.1 for the routing pages. */
export async function startRoutingServer(): Promise<{ server: LifelineServer; url: string }> {
  // No protocol pings: nothing but the burst crosses the socket while the clock runs.
  const server = createLifelineServer({ port: 0, host: '127.0.0.1', pingIntervalMs: 0 })
  const port = await server.ready()
  return { server, url: `ws://127.0.0.1:${port}/` }
}

/** Publishes seq 1..count round-robin over the busy topics; resolves with the epoch ms it started. */
export function publishBurst(server: LifelineServer, count: number): number {
  const started = performance.timeOrigin + performance.now()
  for (let seq = 1; seq <= count; seq++) {
    const data: RoutingMessage = { seq, pad: PAD }
    // The memory store fans out synchronously: every frame is handed to the socket in this loop.
    void server.publish(topicName(topicOf(seq)), data)
  }
  return started
}

/** Seconds the renderer's main thread has spent in tasks (scripts, rendering, layout) so far. */
async function busySeconds(session: CDPSession): Promise<number> {
  const { metrics } = await session.send('Performance.getMetrics')
  return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN
}

/** Runs `body` on a fresh routing page of `name`, then closes it and waits for its socket to go. */
export function withRoutingPage<T>(
  context: BenchContext,
  lifeline: LifelineServer,
  name: Implementation,
  body: (page: Page) => Promise<T>,
): Promise<T> {
  return withFreshPage(
    context,
    name,
    {
      url: context.server.pageUrl(ROUTING_PAGES[name]!),
      ready: (page) => page.waitForFunction(() => window.routing !== undefined),
      openSockets: () => lifeline.clients,
    },
    body,
  )
}

/**
 * Mounts every component and waits until each has rendered a first message of its topic, so
 * every subscription is live on the server. Subscribes go out from effects and are answered
 * asynchronously, so seq 0 is published on every topic until all components have shown it.
 */
export async function mountRouting(page: Page, lifeline: LifelineServer, url: string): Promise<void> {
  await page.evaluate((config) => window.routing.mount(config), {
    url,
    topics: ROUTING_TOPICS,
    perTopic: ROUTING_PER_TOPIC,
  })
  for (let attempt = 0; attempt < 100; attempt++) {
    while (lifeline.clients === 0) await sleep(5)
    await page.evaluate((topics) => window.routing.expect(new Array(topics).fill(0)), ROUTING_TOPICS)
    for (let topic = 0; topic < ROUTING_TOPICS; topic++)
      void lifeline.publish(topicName(topic), { seq: 0, pad: PAD } satisfies RoutingMessage)
    const seen = await page
      .evaluate(() => window.routing.whenSeen(200))
      .then(() => true)
      .catch(() => false)
    if (seen) return
  }
  throw new Error('components never received a first message on every topic')
}

/**
 * 1,000 components, 10 per topic over 100 topics, on one socket: renders per message and
 * throughput of `useTopic` against a hand-written router, in the same run.
 */
export async function routing(context: BenchContext, runs: number): Promise<ScenarioResult> {
  const implementations = context.implementations.filter((name) => ROUTING_PAGES[name] !== undefined)
  const components = ROUTING_TOPICS * ROUTING_PER_TOPIC
  const perMessage = emptyRow(
    'renders per message (goal: 10, the components of its topic)',
    'renders',
    true,
    2,
  )
  const quiet = emptyRow(
    `most renders of a component on a quiet topic (${ROUTING_TOPICS - ROUTING_BUSY_TOPICS} topics without messages; goal 0)`,
    'renders',
    true,
  )
  const perOwn = emptyRow(
    'most renders of a component per message of its own topic (goal: at most 1)',
    'renders',
    true,
    2,
  )
  // Wall time of the renderer's tasks, so it grows too when the machine takes the core away.
  const busy = emptyRow('renderer main-thread task time per message (CDP TaskDuration)', 'µs', true)
  const rate = emptyRow(
    `throughput, ${components.toLocaleString('en')} components on ${ROUTING_TOPICS} topics`,
    'msg/s',
    false,
  )
  const ratios: number[] = []
  const targets = lastSeqs(ROUTING_MESSAGES)
  const ownMessages = targets.map((_, topic) => {
    let count = 0
    for (let seq = 1; seq <= ROUTING_MESSAGES; seq++) if (topicOf(seq) === topic) count += 1
    return count
  })
  const { server: lifeline, url } = await startRoutingServer()
  try {
    for (let run = 0; run < runs; run++) {
      const measured: Partial<Record<Implementation, number>> = {}
      for (const name of runOrder(implementations, run)) {
        await withRoutingPage(context, lifeline, name, async (page) => {
          await mountRouting(page, lifeline, url)
          const session = await page.context().newCDPSession(page)
          await session.send('Performance.enable')
          await page.evaluate((next) => {
            window.routing.resetRenders()
            window.routing.expect(next)
          }, targets)
          const busyBefore = await busySeconds(session)
          const started = publishBurst(lifeline, ROUTING_MESSAGES)
          const seenAt = await page.evaluate(() => window.routing.whenSeen(120_000))
          addSample(busy, name, (((await busySeconds(session)) - busyBefore) * 1e6) / ROUTING_MESSAGES)
          // Anything still rendering after the last awaited commit would be a stray render.
          await page.waitForTimeout(50)
          const renders = await page.evaluate(() => window.routing.renders())
          const value = (ROUTING_MESSAGES * 1000) / (seenAt - started)
          measured[name] = value
          addSample(rate, name, value)
          addSample(perMessage, name, renders.reduce((sum, count) => sum + count, 0) / ROUTING_MESSAGES)
          let quietMax = 0
          let ownMax = 0
          renders.forEach((count, index) => {
            const own = ownMessages[Math.floor(index / ROUTING_PER_TOPIC)]!
            if (own === 0) quietMax = Math.max(quietMax, count)
            else ownMax = Math.max(ownMax, count / own)
          })
          addSample(quiet, name, quietMax)
          addSample(perOwn, name, ownMax)
        })
      }
      const ours = measured['react-lifeline']
      const raw = measured.raw
      if (ours !== undefined && raw !== undefined) ratios.push(ours / raw)
      context.log(
        `  routing: run ${run + 1}/${runs} done${ours !== undefined && raw !== undefined ? ` (${(ours / raw).toFixed(2)}× raw)` : ''}`,
      )
    }
  } finally {
    await lifeline.close()
  }
  const rows = [perMessage, quiet, perOwn, rate, busy]
  for (const row of rows) {
    for (const name of implementations) row.values[name] = median(row.samples[name] ?? [])
  }
  const sortedRatios = [...ratios].sort((a, b) => a - b)
  return {
    id: 'routing',
    title: `Routing: ${components.toLocaleString('en')} components, ${ROUTING_PER_TOPIC} per topic over ${ROUTING_TOPICS} topics on one socket, ${ROUTING_MESSAGES.toLocaleString('en')} messages in one burst`,
    rows,
    implementations,
    notes: [
      `Server: \`createLifelineServer\` (react-lifeline/server, memory store) on 127.0.0.1; the burst goes round-robin over ${ROUTING_BUSY_TOPICS} of the ${ROUTING_TOPICS} topics (${ROUTING_MESSAGES / ROUTING_BUSY_TOPICS} messages each), the other ${ROUTING_TOPICS - ROUTING_BUSY_TOPICS} stay quiet. Before the clock starts, every component has rendered a first message of its topic.`,
      'raw: a hand-written router (bench/pages/routing-raw.tsx): one WebSocket, the same subscribe frames, each frame parsed once, a `Map` from topic to a `Set` of listeners, `useSyncExternalStore` per component. react-lifeline: `useTopic(url, topic, { topics: lifelineTopics() })` reading `lastMessage` (bench/pages/routing-lifeline.tsx).',
      "Renders counted in each component body from just before the burst until 50 ms after the last component showed its topic's last message; the clock runs from the first publish to that commit.",
      ratios.length > 0
        ? `Throughput ratio to raw within each run: ${ratios.map((ratio) => `${ratio.toFixed(2)}×`).join(', ')} (median ${median(ratios).toFixed(2)}×, range ${sortedRatios[0]!.toFixed(2)}× to ${sortedRatios.at(-1)!.toFixed(2)}×).`
        : 'No run measured both implementations, so there is no ratio.',
    ],
  }
}
