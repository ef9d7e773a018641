import { type Browser, chromium, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs'
import type { Implementation } from './build-pages'
import type { BenchServer } from './server'

/** Headless Debian Chromium with nothing that could reach past 127.0.0.1. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--js-flags=--expose-gc',
      // A hidden or occluded page gets throttled timers, which would skew every number.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  })
}

export interface BenchContext {
  /** The implementations to measure, raw first. */
  implementations: readonly Implementation[]
  browser: Browser
  server: BenchServer
  log: (line: string) => void
}

/**
 * The implementations in the order run `run` measures them: rotated one place per run, so each
 * takes each position in turn and a machine that speeds up or slows down during a run (another
 * process, heat, a garbage collection) does not always favour the same one.
 */
export function runOrder(implementations: readonly Implementation[], run: number): Implementation[] {
  const shift = run % implementations.length
  return [...implementations.slice(shift), ...implementations.slice(0, shift)]
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Where a fresh page goes, what says it is ready, and what counts its sockets on the server. */
export interface FreshPage {
  url: string
  ready: (page: Page) => Promise<unknown>
  openSockets: () => number
}

/**
 * Runs `body` on a fresh page at `where.url` once `where.ready` holds, then closes it and waits
 * (up to 3 s) for its sockets to go; if `body` fails, the page's first errors are logged.
 */
export async function withFreshPage<T>(
  context: BenchContext,
  name: Implementation,
  where: FreshPage,
  body: (page: Page) => Promise<T>,
): Promise<T> {
  const page = await context.browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  try {
    await page.goto(where.url)
    await where.ready(page)
    return await body(page)
  } catch (error) {
    if (errors.length > 0) context.log(`  page errors (${name}): ${errors.slice(0, 3).join(' | ')}`)
    throw error
  } finally {
    await page.close()
    const deadline = Date.now() + 3000
    while (where.openSockets() > 0 && Date.now() < deadline) await sleep(10)
  }
}

/** Runs `body` on a fresh page of `name`, then closes it and waits for its sockets to go. */
export function withPage<T>(
  context: BenchContext,
  name: Implementation,
  body: (page: Page) => Promise<T>,
): Promise<T> {
  context.server.resetCounters()
  return withFreshPage(
    context,
    name,
    {
      url: context.server.pageUrl(name),
      ready: (page) => page.waitForFunction(() => window.bench !== undefined),
      openSockets: () => context.server.openSockets(),
    },
    body,
  )
}

/** Mounts `statusCount` + `messageCount` components and waits until every one is live. */
export async function mountLive(
  page: Page,
  server: BenchServer,
  url: string,
  statusCount: number,
  messageCount: number,
): Promise<void> {
  await page.evaluate((config) => window.bench.mount(config), { url, statusCount, messageCount })
  await page.evaluate(() => window.bench.whenAllOpen(10_000))
  if (messageCount === 0) return
  // Message components subscribe in effects; seq 0 proves every one of them is listening.
  for (let attempt = 0; attempt < 100; attempt++) {
    while (server.openSockets() === 0) await sleep(5)
    await page.evaluate(() => window.bench.expectSeq(0))
    server.broadcast(0)
    const seen = await page
      .evaluate(() => window.bench.whenSeen(100))
      .then(() => true)
      .catch(() => false)
    if (seen) return
  }
  throw new Error('message components never received a message')
}
