import { build } from 'esbuild'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs'
import { startTestServer, type TestServer } from '../support/ws-server'

// The browser's own online/offline events, once, in real Chromium: the core with its default
// network source (no injected fake) against a real `ws` server. Playwright's
// context.setOffline() makes Chromium fire `offline`/`online` and flip navigator.onLine.
// Visibility is not here: headless Chromium under Playwright keeps every page 'visible' (a
// second tab in front, a minimised window and focus emulation off were all tried), so the
// `visible` ping is covered with a fake visibility source in test/core only.

let browser: Browser
let context: BrowserContext
let page: Page
let server: TestServer

beforeAll(async () => {
  const bundle = await build({
    entryPoints: ['src/core/index.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'Lifeline',
    write: false,
    logLevel: 'silent',
  })
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  context = await browser.newContext()
  page = await context.newPage()
  await page.setContent('<!doctype html><title>lifeline</title>')
  await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' })
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
