import { build } from 'esbuild'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs'
import { launchRawChromium, type RawChromium } from '../support/raw-chromium'
import { startTestServer, type TestServer } from '../support/ws-server'

// The browser's own online/offline and visibility events, once, in real Chromium: the core with
// its default network and visibility sources (no injected fakes) against a real `ws` server.
// Playwright's context.setOffline() makes Chromium fire `offline`/`online` and flip
// navigator.onLine. Visibility needs Chromium without Playwright (test/support/raw-chromium.ts):
// Playwright's focus emulation keeps its pages 'visible' whatever is tried (a second tab in
// front, a minimised window, Emulation.setFocusEmulationEnabled off from a second session, with
// old and new headless). Over the DevTools protocol alone, activating another tab of the window
// hides the page and activating it again fires `visibilitychange` with 'visible'.

let browser: Browser
let context: BrowserContext
let page: Page
let server: TestServer
let coreScript: string

beforeAll(async () => {
  const bundle = await build({
    entryPoints: ['src/core/index.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'Lifeline',
    write: false,
    logLevel: 'silent',
  })
  coreScript = bundle.outputFiles[0]?.text ?? ''
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  context = await browser.newContext()
  page = await context.newPage()
  await page.setContent('<!doctype html><title>lifeline</title>')
  await page.addScriptTag({ content: coreScript })
  server = await startTestServer()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Until the page's connection has `status` (Playwright re-checks it in the page). */
async function waitForStatus(status: string): Promise<void> {
  await page.waitForFunction(
    (wanted) => (globalThis as any).connection.getState().status === wanted,
    status,
    { timeout: 5000 },
  )
}

describe('in Chromium, with the default network source', () => {
  it('waits while the browser is offline and connects the moment it is back online', async () => {
    await page.evaluate((url) => {
      const { createConnection } = (globalThis as any).Lifeline
      // A retry far away: only the online event can bring the connection back within the test.
      ;(globalThis as any).connection = createConnection(url, {
        retry: { initialDelay: 60_000, maxDelay: 60_000, jitter: 'none' },
      })
      ;(globalThis as any).connection.connect()
    }, server.url)
    await waitForStatus('open')
    await server.stop()
    await waitForStatus('reconnecting')

    await context.setOffline(true)
    await waitForStatus('offline')
    expect(await page.evaluate(() => navigator.onLine)).toBe(false)
    expect(await page.evaluate(() => (globalThis as any).connection.getState().nextRetryAt)).toBeNull()

    await server.start()
    const accepted = server.totalConnections
    await context.setOffline(false)
    await waitForStatus('open')
    expect(server.totalConnections).toBe(accepted + 1)
    const closes = await page.evaluate(() =>
      (globalThis as any).connection.getHistory().map((close: { code: number }) => close.code),
    )
    expect(closes).toEqual([1006])
    await page.evaluate(() => (globalThis as any).connection.destroy())
  })
})

describe('in Chromium, with the default visibility source', () => {
  let chromium: RawChromium | undefined

  afterAll(async () => {
    await chromium?.close()
  })

  it('pings at once when the page becomes visible again', async () => {
    chromium = await launchRawChromium()
    const tab = chromium
    await tab.evaluate(coreScript)
    // An interval no test waits for: only the page becoming visible can send a ping in time.
    await tab.evaluate(`new Promise((resolve) => {
      const connection = Lifeline.createConnection(${JSON.stringify(server.url)}, {
        heartbeat: { interval: 600000, timeout: 5000 },
      })
      globalThis.connection = connection
      globalThis.visibility = []
      document.addEventListener('visibilitychange', () => visibility.push(document.visibilityState))
      connection.subscribe(() => connection.getState().status === 'open' && resolve())
      connection.connect()
    })`)
    const pingsBefore = server.pings

    const other = await tab.openTab()
    await tab.activate(other)
    await tab.evaluate(`new Promise((resolve) => {
      if (document.visibilityState === 'hidden') resolve()
      else document.addEventListener('visibilitychange', resolve, { once: true })
    })`)
    expect(server.pings).toBe(pingsBefore)

    await tab.activate()
    await server.waitForPings(pingsBefore + 1)
    expect(await tab.evaluate('visibility')).toEqual(['hidden', 'visible'])
    // The server's pong answered that ping: the latency the page shows was measured by it.
    await tab.evaluate(`new Promise((resolve) => {
      const check = () => connection.getState().latency !== null && resolve()
      connection.subscribe(check)
      check()
    })`)
    expect(await tab.evaluate('connection.getState().status')).toBe('open')
    await tab.evaluate('connection.destroy()')
  }, 30_000)
})
