import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createConnection, type LifelineConnection, lifelineTopics } from '../../src/core/index'
import type { TopicMessageMeta } from '../../src/core/types'
import { attachTabLink, HANDOVER_GRACE_MS, shareInfoOf } from '../../src/share/tab-link'
import '../../src/share/index'
import { FakeClock } from '../support/fake-clock'
import { FakeBrowser, type FakeTab, settle } from '../support/fake-tabs'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'

// Topics with share: 'origin' (fake locks and channels): the tab that holds the socket
// subscribes the union of every tab's topics and relays what they deliver; a new holder resumes
// each topic from the furthest position any tab delivered.

const URL = 'wss://chat.example/topics'

interface Tab {
  tab: FakeTab
  clock: FakeClock
  connection: LifelineConnection
}

let browser: FakeBrowser
let tabs: Tab[]

function openTab(wrap?: (environment: FakeTab['environment']) => FakeTab['environment']): Tab {
  const tab = browser.openTab()
  const clock = new FakeClock(tabs[0]?.clock.now() ?? 1_000_000)
  const connection = createConnection(URL, {
    WebSocket: FakeWebSocketConstructor,
    clock,
    random: () => 0.5,
    topics: lifelineTopics(),
  })
  attachTabLink(connection, wrap ? wrap(tab.environment) : tab.environment)
  const opened = { tab, clock, connection }
  tabs.push(opened)
  return opened
}

async function advance(ms: number): Promise<void> {
  for (const { tab, clock } of tabs) if (!tab.closed) clock.advance(ms)
  await settle()
}

function holderOf(): Tab {
  const holders = tabs.filter((t) => !t.tab.closed && shareInfoOf(t.connection)?.role === 'holder')
  expect(holders).toHaveLength(1)
  return holders[0]!
}

/** Two tabs with the first one's socket open: which tab holds it is the locks' choice. */
async function twoTabsOpen(): Promise<{ socket: FakeWebSocket; holder: Tab; follower: Tab }> {
  const [a, b] = [openTab(), openTab()]
  a.connection.retain()
  await settle()
  const socket = FakeWebSocket.last
  socket.open()
  await settle()
  const holder = holderOf()
  return { socket, holder, follower: holder === a ? b : a }
}

const json = (value: object) => JSON.stringify(value)
const subscribed = (topic: string, offset: number, recovered?: boolean) =>
  json({
    type: 'subscribed',
    topic,
    position: { epoch: 'e', offset },
    ...(recovered === undefined ? {} : { recovered }),
  })
const message = (topic: string, offset: number) =>
  json({ type: 'message', topic, data: `${topic}#${offset}`, position: { epoch: 'e', offset } })

function collect(tab: Tab, name: string) {
  const seen: { data: unknown; meta: TopicMessageMeta }[] = []
  tab.connection.topic(name).onMessage((data, meta) => seen.push({ data, meta }))
  return seen
}

const subscribes = (socket: FakeWebSocket) =>
  (socket.sent as string[]).filter((frame) => frame.includes('"subscribe"')).map((frame) => JSON.parse(frame))

beforeEach(() => {
  browser = new FakeBrowser()
  tabs = []
  FakeWebSocket.reset()
})

afterEach(() => {
  for (const { tab, connection } of tabs) if (!tab.closed) connection.destroy()
})

describe('topics across tabs', () => {
  it('the holder subscribes the union of every tab topics, once each, and every tab gets its own', async () => {
    const [a, b, c] = [openTab(), openTab(), openTab()]
    a.connection.topic('room').retain()
    b.connection.topic('room').retain()
    c.connection.topic('ticker').retain()
    const seenB = collect(b, 'room')
    const seenC = collect(c, 'ticker')
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(1)
    const socket = FakeWebSocket.last
    socket.open()
    await settle()
    expect(
      subscribes(socket)
        .map((frame) => frame.topic)
        .sort(),
    ).toEqual(['room', 'ticker'])
    socket.receive(subscribed('room', 0))
    socket.receive(subscribed('ticker', 0))
    socket.receive(message('room', 1))
    socket.receive(message('ticker', 1))
    await settle()
    expect(seenB.map((m) => m.data)).toEqual(['room#1'])
    expect(seenC.map((m) => m.data)).toEqual(['ticker#1'])
    for (const t of [a, b, c])
      expect(t.connection.topic(t === c ? 'ticker' : 'room').getState().status).toBe('live')
    expect(b.connection.topic('room').getState().position).toEqual({ epoch: 'e', offset: 1 })
  })

  it('a follower that lets go: the holder unsubscribes once nobody in any tab holds the topic', async () => {
    const { socket, follower } = await twoTabsOpen()
    const release = follower.connection.topic('room').retain()
    await settle()
    expect(subscribes(socket)).toEqual([{ type: 'subscribe', topic: 'room' }])
    socket.receive(subscribed('room', 3))
    await settle()
    expect(follower.connection.topic('room').getState()).toMatchObject({
      status: 'live',
      position: { offset: 3 },
    })
    release()
    await advance(1000)
    await advance(1000)
    expect((socket.sent as string[]).filter((frame) => frame.includes('"unsubscribe"'))).toHaveLength(1)
  })

  it('a new holder resumes each topic from the furthest position any tab delivered, and nothing is delivered twice', async () => {
    const { socket: first, holder, follower } = await twoTabsOpen()
    // Only the follower holds the topic: the next holder has no position of its own for it.
    follower.connection.topic('room').retain()
    const seen = collect(follower, 'room')
    await settle()
    first.receive(subscribed('room', 10))
    for (const offset of [11, 12, 13]) first.receive(message('room', offset))
    await settle()
    expect(seen.map((m) => m.data)).toEqual(['room#11', 'room#12', 'room#13'])
    holder.tab.close()
    await advance(HANDOVER_GRACE_MS)
    expect(holderOf()).toBe(follower)
    const second = FakeWebSocket.last
    expect(second).not.toBe(first)
    second.open()
    await settle()
    expect(subscribes(second)).toEqual([
      { type: 'subscribe', topic: 'room', from: { epoch: 'e', offset: 13 } },
    ])
    second.receive(subscribed('room', 15, true))
    for (const offset of [13, 14, 15, 16]) second.receive(message('room', offset))
    await settle()
    expect(seen.map((m) => m.data)).toEqual([
      'room#11',
      'room#12',
      'room#13',
      'room#14',
      'room#15',
      'room#16',
    ])
    expect(seen.map((m) => m.meta.replayed)).toEqual([false, false, false, true, true, false])
    expect(follower.connection.topic('room').getState()).toMatchObject({
      status: 'live',
      recovered: true,
      gaps: 0,
    })
  })

  it('a hold that reaches the new holder after its socket opened still resumes from the position the tab delivered', async () => {
    // Holds from this tab wait while `late` is set, as a busy tab's messages can in a browser.
    let late = false
    const held: unknown[] = []
    const [a, b] = [openTab(), openTab()]
    const c = openTab((environment) => ({
      ...environment,
      openChannel(name) {
        const channel = environment.openChannel(name)
        return {
          get onmessage() {
            return channel.onmessage
          },
          set onmessage(listener) {
            channel.onmessage = listener
          },
          postMessage(message) {
            if (late && (message as { t?: string }).t === 'hold') held.push(message)
            else channel.postMessage(message)
          },
          close: () => channel.close(),
        }
      },
    }))
    a.connection.retain()
    b.connection.retain()
    await settle()
    const first = FakeWebSocket.last
    first.open()
    await settle()
    expect(holderOf()).toBe(a)
    // Only c holds the topic, and b (next in line) has never used topics.
    c.connection.topic('room').retain()
    const seen = collect(c, 'room')
    await settle()
    first.receive(subscribed('room', 10))
    for (const offset of [11, 12, 13]) first.receive(message('room', offset))
    await settle()
    expect(seen.map((m) => m.data)).toEqual(['room#11', 'room#12', 'room#13'])
    late = true
    a.tab.close()
    await advance(HANDOVER_GRACE_MS)
    expect(holderOf()).toBe(b)
    const second = FakeWebSocket.last
    second.open()
    await settle()
    expect(held).toHaveLength(1)
    late = false
    for (const message of held.splice(0))
      browser.rogueChannel(shareInfoOf(c.connection)!.name).postMessage(message)
    await settle()
    expect(subscribes(second)).toEqual([
      { type: 'subscribe', topic: 'room', from: { epoch: 'e', offset: 13 } },
    ])
    second.receive(subscribed('room', 14, true))
    second.receive(message('room', 14))
    await settle()
    expect(seen.map((m) => m.data)).toEqual(['room#11', 'room#12', 'room#13', 'room#14'])
    expect(c.connection.topic('room').getState()).toMatchObject({ status: 'live', recovered: true, gaps: 0 })
  })

  it('followers hear gaps and errors the holder sees', async () => {
    const { socket, follower } = await twoTabsOpen()
    const room = follower.connection.topic('room')
    const secret = follower.connection.topic('secret')
    room.retain()
    secret.retain()
    const gaps: number[] = []
    room.onGap((state) => gaps.push(state.gaps))
    await settle()
    socket.receive(subscribed('room', 0))
    socket.receive(message('room', 1))
    socket.receive(message('room', 5))
    socket.receive(json({ type: 'error', topic: 'secret', error: 'Not yours.' }))
    await settle()
    expect(gaps).toEqual([1])
    expect(room.getState()).toMatchObject({ gaps: 1, recovered: false })
    expect(secret.getState().status).toBe('error')
    expect(secret.getState().error?.message).toBe('Not yours.')
  })

  it('a follower tab that closes lets go of its topics on the holder', async () => {
    const { socket, follower } = await twoTabsOpen()
    follower.connection.topic('room').retain()
    await settle()
    socket.receive(subscribed('room', 0))
    await settle()
    follower.tab.close()
    await advance(1000)
    await advance(1000)
    expect((socket.sent as string[]).filter((frame) => frame.includes('"unsubscribe"'))).toEqual([
      json({ type: 'unsubscribe', topic: 'room' }),
    ])
  })
})
