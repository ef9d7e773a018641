import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTabBrowser, type TabBrowser } from '../support/share-browser'
import { startTestServer, type TestServer } from '../support/ws-server'

// Real Chromium tabs (pages of one context, one 127.0.0.1 origin) against the real `ws` server.
let tabs: TabBrowser
let server: TestServer
let maxOpen = 0

const status = (page: Page) => page.evaluate(() => (window as any).lifeline.state().status as string)
const role = (page: Page) => page.evaluate(() => (window as any).lifeline.role() as string)

async function openTabs(count: number): Promise<Page[]> {
  const pages: Page[] = []
  for (let i = 0; i < count; i++) pages.push(await tabs.openTab(server.url))
  for (const page of pages)
    await page.waitForFunction(() => (window as any).lifeline.state().status === 'open')
  return pages
}

async function holderAmong(pages: Page[]): Promise<{ holder: Page; followers: Page[] }> {
  const roles = await Promise.all(pages.map(role))
  expect(roles.filter((r) => r === 'holder')).toHaveLength(1)
  return {
    holder: pages[roles.indexOf('holder')]!,
    followers: pages.filter((_, i) => roles[i] === 'follower'),
  }
}

beforeAll(async () => {
  tabs = await startTabBrowser()
})

afterAll(async () => {
  await tabs?.close()
})

describe("share: 'origin' in real Chromium tabs", () => {
  beforeAll(async () => {
    server = await startTestServer()
    // Sockets able to carry messages when a new one arrives (one in its close handshake is not).
    server.onConnection(() => {
      maxOpen = Math.max(maxOpen, server.clients.filter((client) => client.isOpen()).length)
    })
  })
  afterAll(async () => {
    await server.close()
  })

  it('five tabs hold one socket at the server, and every message reaches all five', async () => {
    const pages = await openTabs(5)
    expect(server.connections).toBe(1)
    expect(server.totalConnections).toBe(1)
    server.clients[0]!.send('hello tabs')
    for (const page of pages) {
      await page.waitForFunction(() => (window as any).lifeline.received().includes('hello tabs'))
    }
    expect(await Promise.all(pages.map(status))).toEqual(Array(5).fill('open'))

    // 100 sends from each of the four followers arrive once each, in order per tab.
    const { followers } = await holderAmong(pages)
    await Promise.all(
      followers.map((page, i) =>
        page.evaluate((prefix) => (window as any).lifeline.sendMany(prefix, 100), `tab${i}`),
      ),
    )
    await server.waitForMessages(400, (m) => m.data.startsWith('tab'))
    for (let i = 0; i < followers.length; i++) {
      const got = server.received.filter((m) => m.data.startsWith(`tab${i}-`)).map((m) => m.data)
      expect(got).toEqual(Array.from({ length: 100 }, (_, n) => `tab${i}-${n + 1}`))
    }
    expect(server.totalConnections).toBe(1)
    for (const page of pages) await page.close()
    await server.waitUntil(() => server.connections === 0)
  })

  it('closing the holding tab: a follower takes over, no queued message is lost, one socket', async () => {
    const pages = await openTabs(3)
    const before = server.totalConnections
    maxOpen = 1
    const { holder, followers } = await holderAmong(pages)
    // Sends that are in flight while the holder goes away, and sends during the hand-over.
    await Promise.all(
      followers.map((page, i) =>
        page.evaluate((prefix) => (window as any).lifeline.sendMany(prefix, 50), `h${i}`),
      ),
    )
    await holder.close()
    await Promise.all(
      followers.map((page, i) =>
        page.evaluate((prefix) => (window as any).lifeline.sendMany(prefix, 50), `k${i}`),
      ),
    )
    await server.waitForTotalConnections(before + 1)
    for (let i = 0; i < followers.length; i++) {
      const messages = await server.waitForMessages(
        100,
        (m) => m.data.startsWith(`h${i}-`) || m.data.startsWith(`k${i}-`),
      )
      expect(messages.map((m) => m.data)).toEqual([
        ...Array.from({ length: 50 }, (_, n) => `h${i}-${n + 1}`),
        ...Array.from({ length: 50 }, (_, n) => `k${i}-${n + 1}`),
      ])
    }
    const next = await holderAmong(followers)
    expect(next.holder).toBeDefined()
    expect(server.connections).toBe(1)
    expect(maxOpen).toBe(1)
    for (const page of followers) await page.close()
  })
})
