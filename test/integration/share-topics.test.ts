import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import type { TopicState } from '../../src/core/types'
import { createLifelineServer, type LifelineServer, memoryStore } from '../../src/server'
import { startTabBrowser, type TabBrowser } from '../support/share-browser'
import { waitFor } from '../support/wait'

// Topics with share: 'origin' in real Chromium tabs (pages of one context, one 127.0.0.1
// origin) against the real react-lifeline/server speaking lifelineTopics() (issue 22, "Across
// tabs"): the tab that holds the socket subscribes the union of every tab's topics, and a new
// holder resumes each from the furthest position any tab delivered.

/** A frame a client sent, as the server read it, with the index of the socket it came on. */
interface ClientFrame {
  socket: number
  type: string
  topic?: string
  from?: { epoch: string; offset: number }
}

interface Served {
  server: LifelineServer
  url: string
  /** Every socket the server accepted, in order. */
  sockets: WebSocket[]
  frames: ClientFrame[]
  /** Resolves once `check` holds, checked again on every socket and frame the server sees. */
  until<T>(check: () => T | false | null | undefined, description: string): Promise<T>
  /** Checks the pending `until`s again (after a change the server does not see, like a publish). */
  changed(): void
}

let tabs: TabBrowser
const pages: Page[] = []
const servers: LifelineServer[] = []
const WAIT = { timeout: 10_000 }

async function serve(): Promise<Served> {
  const sockets: WebSocket[] = []
  const frames: ClientFrame[] = []
  const listeners = new Set<() => void>()
  const changed = () => {
    for (const listener of [...listeners]) listener()
  }
  const server = createLifelineServer({
    port: 0,
    host: '127.0.0.1',
    store: memoryStore(),
    onConnection(socket) {
      const index = sockets.push(socket) - 1
      socket.on('message', (raw, isBinary) => {
        if (!isBinary) frames.push({ socket: index, ...JSON.parse(String(raw)) })
        changed()
      })
      socket.on('close', changed)
      changed()
    },
  })
  servers.push(server)
  const port = await server.ready()
  return {
    server,
    url: `ws://127.0.0.1:${port}/`,
    sockets,
    frames,
    changed,
    until: (check, description) =>
      waitFor(
        (listener) => {
          listeners.add(listener)
          return () => listeners.delete(listener)
        },
        check,
        { timeoutMs: WAIT.timeout, description },
      ),
  }
}

/** The tab's page script: test/support/share-page/topics-page.ts. */
const call = <T>(page: Page, name: string, ...args: unknown[]) =>
  page.evaluate(([name, args]) => (window as any).lifeline[name as string](...(args as unknown[])) as T, [
    name,
    args,
  ] as const)
const role = (page: Page) => call<string>(page, 'role')
const topicState = (page: Page, topic: string) => call<TopicState>(page, 'topicState', topic)
const seen = (page: Page, topic: string) => call<number[]>(page, 'seen', topic)

/** Opens one tab per entry, each holding its topics and listening to every topic of the test. */
async function openTabs(url: string, holds: string[][]): Promise<Page[]> {
  const all = [...new Set(holds.flat())]
  const opened: Page[] = []
  for (const topics of holds) {
    const page = await tabs.openTab(url)
    pages.push(page)
    opened.push(page)
    await call(page, 'watch', all)
    for (const topic of topics) await call(page, 'hold', topic)
  }
  for (const [i, page] of opened.entries()) {
    await page.waitForFunction(() => (window as any).lifeline.state().status === 'open', null, WAIT)
    for (const topic of holds[i]!)
      await page.waitForFunction(
        (topic) => (window as any).lifeline.topicState(topic).status === 'live',
        topic,
        WAIT,
      )
  }
  return opened
}

/** Waits until the tab's topic has delivered up to `offset` (gaps included: a gap moves it too). */
function reaches(page: Page, topic: string, offset: number): Promise<unknown> {
  return page.waitForFunction(
    ([topic, offset]) => ((window as any).lifeline.topicState(topic).position?.offset ?? 0) >= offset,
    [topic, offset] as const,
    WAIT,
  )
}

/** What a tab missed and got twice of the messages 1..last, and whether the rest came in order. */
function audit(got: number[], last: number) {
  const counts = new Map<number, number>()
  for (const n of got) counts.set(n, (counts.get(n) ?? 0) + 1)
  const missing = Array.from({ length: last }, (_, i) => i + 1).filter((n) => !counts.has(n))
  const duplicated = [...counts].filter(([, count]) => count > 1).map(([n]) => n)
  const inOrder = got.every((n, i) => i === 0 || n > got[i - 1]!)
  return { missing, duplicated, inOrder }
}

const subscribesOn = (served: Served, socket: number) =>
  served.frames.filter((frame) => frame.socket === socket && frame.type === 'subscribe')

beforeAll(async () => {
  tabs = await startTabBrowser({ page: 'topics-page.ts' })
})

afterEach(async () => {
  for (const page of pages.splice(0)) await page.close()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

afterAll(async () => {
  await tabs?.close()
})

describe("topics with share: 'origin' in real Chromium tabs", () => {
  it('one socket subscribes the union of every tab topics once each, and each message reaches exactly the tabs that hold its topic', async () => {
    const served = await serve()
    const holds = [
      ['room', 'ticker'],
      ['room', 'news'],
      ['news', 'ticker', 'solo'],
    ]
    const opened = await openTabs(served.url, holds)
    expect(served.sockets).toHaveLength(1)
    expect(served.server.clients).toBe(1)
    expect((await Promise.all(opened.map(role))).sort()).toEqual(['follower', 'follower', 'holder'])
    // Overlapping topics are subscribed once, for every tab.
    expect(
      subscribesOn(served, 0)
        .map((frame) => frame.topic)
        .sort(),
    ).toEqual(['news', 'room', 'solo', 'ticker'])

    const topics = ['room', 'ticker', 'news', 'solo']
    const count = 30
    for (let n = 1; n <= count; n++) for (const topic of topics) await served.server.publish(topic, n)
    for (const [i, page] of opened.entries()) for (const topic of holds[i]!) await reaches(page, topic, count)
    const expected = Array.from({ length: count }, (_, i) => i + 1)
    for (const [i, page] of opened.entries()) {
      const follower = (await role(page)) === 'follower'
      for (const topic of topics) {
        // Every message of a held topic, once, in order. A follower hears nothing of a topic it
        // does not hold; in the holder tab another tab's hold makes the topic held there too
        // (docs/topics.md, "Across tabs"), so a listener there that holds nothing hears it.
        if (holds[i]!.includes(topic)) expect(await seen(page, topic), `tab ${i}, ${topic}`).toEqual(expected)
        else if (follower) expect(await seen(page, topic), `tab ${i}, ${topic}`).toEqual([])
      }
      expect(await call(page, 'untopical')).toBe(0)
    }
    expect(served.sockets).toHaveLength(1)
    expect(subscribesOn(served, 0)).toHaveLength(4)
  })

  it('the holding tab closes while the server publishes: a new holder resumes every tab topics from the furthest position, nothing missed or twice', async () => {
    const served = await serve()
    const holds = [
      ['room', 'ticker'],
      ['room', 'news'],
      ['news', 'ticker', 'solo'],
    ]
    const opened = await openTabs(served.url, holds)
    const holderIndex = (await Promise.all(opened.map(role))).indexOf('holder')
    const survivors = opened
      .map((page, i) => ({ page, topics: holds[i]! }))
      .filter((_, i) => i !== holderIndex)
    const remaining = [...new Set(survivors.flatMap((tab) => tab.topics))].sort()

    // The server publishes on every topic all along: before, during and after the hand-over.
    const topics = ['room', 'ticker', 'news', 'solo']
    const published = new Map(topics.map((topic) => [topic, 0]))
    let publishing = true
    const publisher = (async () => {
      while (publishing) {
        for (const topic of topics) {
          published.set(topic, published.get(topic)! + 1)
          await served.server.publish(topic, published.get(topic))
        }
        served.changed()
        // Paces the stream (about 200 messages a second per topic); not a wait for anything.
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()
    try {
      // Some messages reach every tab over the first socket.
      for (const { page, topics } of survivors) for (const topic of topics) await reaches(page, topic, 20)

      await opened[holderIndex]!.close()
      pages.splice(pages.indexOf(opened[holderIndex]!), 1)
      // One more socket, and on it one subscribe for every topic a remaining tab holds.
      await served.until(
        () =>
          served.sockets.length === 2 &&
          remaining.every((topic) => subscribesOn(served, 1).some((frame) => frame.topic === topic)),
        'the resubscribes on the new socket',
      )
      // The stream goes on over the new socket for a while before it stops.
      const resumedAt = published.get('room')!
      await served.until(() => published.get('room')! >= resumedAt + 20, '20 more messages')
    } finally {
      publishing = false
      await publisher
    }

    expect(served.sockets).toHaveLength(2)
    expect(served.sockets[0]!.readyState).toBe(3) // CLOSED: never two sockets for the tabs
    expect(served.server.clients).toBe(1)
    expect((await Promise.all(survivors.map(({ page }) => role(page)))).sort()).toEqual([
      'follower',
      'holder',
    ])

    // Each topic resumed once, from the furthest position a remaining tab delivered before the drop.
    const resubscribes = subscribesOn(served, 1)
    expect(resubscribes.map((frame) => frame.topic).sort()).toEqual(remaining)
    const dropped = await Promise.all(
      survivors.map(
        async ({ page }) => (await call<Record<string, number | null>[]>(page, 'positionsAtDrop'))[0]!,
      ),
    )
    for (const topic of remaining) {
      const furthest = Math.max(...dropped.map((positions) => positions[topic] ?? 0))
      expect(furthest, topic).toBeGreaterThanOrEqual(20)
      expect(resubscribes.find((frame) => frame.topic === topic)!.from?.offset, topic).toBe(furthest)
    }

    // Every message of its topics reaches each remaining tab once, in order, with no gap.
    const report: Record<string, ReturnType<typeof audit>> = {}
    for (const [i, { page, topics: held }] of survivors.entries()) {
      for (const topic of held) {
        const last = published.get(topic)!
        await reaches(page, topic, last)
        report[`tab ${i} ${topic}`] = audit(await seen(page, topic), last)
        expect(await topicState(page, topic), `tab ${i} ${topic}`).toMatchObject({
          status: 'live',
          gaps: 0,
          recovered: true,
          position: { offset: last },
        })
      }
      if ((await role(page)) === 'follower')
        for (const topic of topics.filter((topic) => !held.includes(topic)))
          expect(await seen(page, topic), `tab ${i} ${topic}`).toEqual([])
      expect(await call(page, 'untopical')).toBe(0)
    }
    for (const [key, result] of Object.entries(report))
      expect(result, key).toEqual({ missing: [], duplicated: [], inOrder: true })
  })

  it('a follower lets go of a topic no other tab holds: the holder unsubscribes after lingerMs, and keeps the shared one', async () => {
    const served = await serve()
    const [first, second] = await openTabs(served.url, [['room'], ['room']])
    // Whichever tab got the socket, the follower is the one to hold solo and let go.
    const follower = (await role(first!)) === 'follower' ? first! : second!
    await call(follower, 'hold', 'solo')
    await follower.waitForFunction(
      () => (window as any).lifeline.topicState('solo').status === 'live',
      null,
      WAIT,
    )
    const lingerMs = await call<number>(follower, 'lingerMs')
    const unsubscribes = () => served.frames.filter((frame) => frame.type === 'unsubscribe')
    expect(unsubscribes()).toEqual([])

    const before = Date.now()
    await call(follower, 'release', 'room')
    await call(follower, 'release', 'solo')
    await served.until(() => unsubscribes().length > 0, 'an unsubscribe from the holder')
    expect(Date.now() - before).toBeGreaterThanOrEqual(lingerMs)
    // room was let go of first and lingered as long: an unsubscribe for it would have come first.
    expect(unsubscribes()).toEqual([{ socket: 0, type: 'unsubscribe', topic: 'solo' }])
    expect(await topicState(follower, 'solo')).toMatchObject({ status: 'idle' })

    // The shared topic still reaches the tab that holds it, over the same socket.
    const holder = follower === first ? second! : first!
    await served.server.publish('room', 'still here')
    await holder.waitForFunction(
      () => (window as any).lifeline.seen('room').includes('still here'),
      null,
      WAIT,
    )
    expect(served.sockets).toHaveLength(1)
  })
})
