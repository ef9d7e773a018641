import type { CDPSession, Page } from 'playwright-core'
import { type BenchContext, mountLive, withPage } from './browser'
import type { Implementation } from './build-pages'
import {
  lastSeqs,
  mountRouting,
  publishBurst,
  ROUTING_MESSAGES,
  startRoutingServer,
  withRoutingPage,
} from './scenarios/routing'
import { THROUGHPUT_MESSAGES } from './scenarios/throughput'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/**
 * CPU profile of one throughput run (`--profile=react-lifeline:100`): self time per function,
 * largest first. Pages are built with readable names for this (`--readable`), so the table
 * points at source functions.
 */
export async function profileThroughput(
  context: BenchContext,
  name: Implementation,
  subscribers: number,
): Promise<string> {
  return withPage(context, name, async (page) => {
    const { server } = context
    await mountLive(page, server, server.wsUrl, 0, subscribers)
    const session = await startProfiler(page)
    await page.evaluate((last) => window.bench.expectSeq(last), THROUGHPUT_MESSAGES)
    const started = server.burst(1, THROUGHPUT_MESSAGES)
    const seenAt = await page.evaluate(() => window.bench.whenSeen(120_000))
    const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: Profile }
    const rate = (THROUGHPUT_MESSAGES * 1000) / (seenAt - started)
    return `${name}, ${subscribers} subscribers: ${rate.toFixed(0)} msg/s\n${selfTimes(profile)}`
  })
}

/**
 * CPU profile of one routing burst (`--profile=routing:react-lifeline`): 1,000 components over
 * 100 topics, the same burst as the routing scenario.
 */
export async function profileRouting(context: BenchContext, name: Implementation): Promise<string> {
  const { server: lifeline, url } = await startRoutingServer()
  try {
    return await withRoutingPage(context, lifeline, name, async (page) => {
      await mountRouting(page, lifeline, url)
      const session = await startProfiler(page)
      await page.evaluate((next) => window.routing.expect(next), lastSeqs(ROUTING_MESSAGES))
      const started = publishBurst(lifeline, ROUTING_MESSAGES)
      const seenAt = await page.evaluate(() => window.routing.whenSeen(120_000))
      const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: Profile }
      const rate = (ROUTING_MESSAGES * 1000) / (seenAt - started)
      return `routing, ${name}: ${rate.toFixed(0)} msg/s\n${selfTimes(profile)}`
    })
  } finally {
    await lifeline.close()
  }
}

async function startProfiler(page: Page): Promise<CDPSession> {
  const session = await page.context().newCDPSession(page)
  await session.send('Profiler.enable')
  await session.send('Profiler.setSamplingInterval', { interval: 100 })
  await session.send('Profiler.start')
  return session
}

function selfTimes(profile: Profile): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const keyOf = (node: ProfileNode) => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame
    const file = url.split('/').pop() ?? ''
    return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}:${columnNumber + 1}`
  }
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  let all = 0
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)
    if (!node) return
    const delta = profile.timeDeltas[index] ?? 0
    all += delta
    const key = keyOf(node)
    self.set(key, (self.get(key) ?? 0) + delta)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = keyOf(byId.get(at)!)
      if (seen.has(frame)) continue
      seen.add(frame)
      total.set(frame, (total.get(frame) ?? 0) + delta)
    }
  })
  const table = (times: Map<string, number>, count: number) =>
    [...times.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(
        ([key, micros]) =>
          `${((micros / all) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`,
      )
      .join('\n')
  return `self time:\n${table(self, 30)}\n\ninclusive time:\n${table(total, 45)}`
}
