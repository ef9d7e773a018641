import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build } from 'esbuild'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { ROOT } from '../../bench/sizes'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs'

/**
 * Real tabs for sharing tests and the hand-over benchmark: the test page bundled with esbuild,
 * served from 127.0.0.1, and opened in several pages of one Chromium context (one origin, so
 * they share Web Locks and BroadcastChannels as tabs do).
 */
export interface TabBrowser {
  /** Opens one more tab of the app, connected to `wsUrl`, and starts using the connection. */
  openTab(wsUrl: string): Promise<Page>
  close(): Promise<void>
}

export interface TabBrowserOptions {
  /** The page script in test/support/share-page/ ['page.ts']. */
  page?: string
  /** Other paths the page's origin serves, as text (e.g. a token endpoint). */
  routes?: Record<string, () => string>
}

export async function startTabBrowser(options: TabBrowserOptions = {}): Promise<TabBrowser> {
  const bundle = await build({
    entryPoints: [join(ROOT, 'test', 'support', 'share-page', options.page ?? 'page.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
  })
  const script = bundle.outputFiles[0]!.text
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/page.js')) {
      response.writeHead(200, { 'content-type': 'text/javascript' })
      return response.end(script)
    }
    const route = options.routes?.[request.url?.split('?')[0] ?? '']
    if (route) {
      response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' })
      return response.end(route())
    }
    response.writeHead(200, { 'content-type': 'text/html' })
    response.end('<!doctype html><title>tab</title><script src="/page.js"></script>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  const context: BrowserContext = await browser.newContext()
  return {
    async openTab(wsUrl) {
      const page = await context.newPage()
      await page.goto(`${origin}/?ws=${encodeURIComponent(wsUrl)}`)
      await page.evaluate(() => (window as any).lifeline.start())
      return page
    },
    async close() {
      await browser.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
