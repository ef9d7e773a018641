import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs'

const SECRET = 's3cr3t-t0ken-9f2c'
const CLOSES = 12

interface Envelope {
  url: string
  items: { header: { type: string }; payload: Record<string, unknown> }[]
}

interface SentryEvent {
  message?: string | { formatted?: string }
  fingerprint?: string[]
  tags?: Record<string, string>
  breadcrumbs?: { category?: string; message?: string; data?: { code?: number } }[] | { values: unknown[] }
}

// Envelopes are newline-separated JSON: a header, then a header and a payload per item.
function parseEnvelope(url: string, body: string): Envelope {
  const [, ...lines] = body.split('\n').filter((line) => line.length > 0)
  const items: Envelope['items'] = []
  for (let index = 0; index + 1 < lines.length; index += 2) {
    items.push({ header: JSON.parse(lines[index]!), payload: JSON.parse(lines[index + 1]!) })
  }
  return { url, items }
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./sentry/page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return result.outputFiles[0]!.text
}

function listen(server: Server | WebSocketServer): Promise<number> {
  return new Promise((resolve) => {
    const http = server instanceof WebSocketServer ? null : server
    if (http) http.listen(0, '127.0.0.1', () => resolve((http.address() as AddressInfo).port))
    else (server as WebSocketServer).once('listening', () => resolve((server.address() as AddressInfo).port))
  })
}

const stops: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
})

/** A server that accepts every socket and drops it 100 ms later, half of them with a reason that echoes the URL. */
async function flappingServer(): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  let accepted = 0
  server.on('connection', (socket, request: IncomingMessage) => {
    const echo = `reconnect to ws://127.0.0.1${request.url}`
    const odd = ++accepted % 2 === 1
    setTimeout(() => (odd ? socket.terminate() : socket.close(4000, echo)), 100)
  })
  const port = await listen(server)
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate()
        server.close(() => resolve())
      }),
  )
  return port
}

/** Serves the page and collects what the Sentry SDK sends, as a Sentry server would. */
async function collector(page: string) {
  const envelopes: Envelope[] = []
  const raw: string[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const url = request.url ?? ''
      if (request.method === 'POST' && url.startsWith('/api/1/envelope/')) {
        const body = Buffer.concat(chunks).toString('utf8')
        raw.push(url, JSON.stringify(request.headers), body)
        envelopes.push(parseEnvelope(url, body))
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      } else if (url === '/token') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(SECRET)
      } else if (url === '/page.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(page)
      } else if (url.startsWith('/?')) {
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>sentry recipe</title><script type="module" src="/page.js"></script>')
      } else {
        response.writeHead(404).end()
      }
    })
  })
  const port = await listen(server)
  stops.push(() => new Promise((resolve) => server.close(resolve)))
  return { port, envelopes, raw }
}

describe('the Sentry recipe, with the real @sentry/browser in Chromium', () => {
  it('groups a flapping server by diagnosis, leaves one breadcrumb per close and no secret', async () => {
    const [page, wsPort] = await Promise.all([bundlePage(), flappingServer()])
    const sentry = await collector(page)
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
    stops.push(() => browser.close())
    const tab = await browser.newPage()
    const errors: string[] = []
    tab.on('pageerror', (error) => errors.push(String(error)))

    const params = new URLSearchParams({
      dsn: `http://publickey@127.0.0.1:${sentry.port}/1`,
      ws: `ws://127.0.0.1:${wsPort}/feed?room=7`,
      closes: String(CLOSES),
    })
    await tab.goto(`http://127.0.0.1:${sentry.port}/?${params}`)
    const done = await tab.waitForFunction(() => (window as { lifelineDone?: unknown }).lifelineDone, null, {
      timeout: 15_000,
    })
    const { flushed, history } = (await done.jsonValue()) as { flushed: boolean; history: { code: number }[] }
    expect(errors).toEqual([])
    expect(flushed).toBe(true)

    const events = sentry.envelopes.flatMap((envelope) =>
      envelope.items
        .filter((item) => item.header.type === 'event')
        .map((item) => item.payload as SentryEvent),
    )
    const message = (event: SentryEvent) =>
      typeof event.message === 'string' ? event.message : (event.message?.formatted ?? '')
    const crumbs = (event: SentryEvent) => {
      const list = Array.isArray(event.breadcrumbs)
        ? event.breadcrumbs
        : ((event.breadcrumbs?.values ?? []) as never[])
      return (list as NonNullable<Exclude<SentryEvent['breadcrumbs'], { values: unknown[] }>>).filter(
        (crumb) => crumb.category === 'websocket',
      )
    }
    const disconnects = events.filter((event) => event.fingerprint?.[0] === 'react-lifeline')
    const probe = events.find((event) => message(event) === 'sentry test finished')

    // Grouping: one event per diagnosis group within the dedupe window, fingerprinted by it.
    const groups = disconnects.map((event) => event.tags?.['websocket.group'])
    expect(groups).toEqual(['close-1006', 'close-4000', 'flapping'])
    for (const event of disconnects) {
      expect(event.fingerprint).toEqual(['react-lifeline', event.tags?.['websocket.group']])
    }
    expect(message(disconnects[2]!)).toBe('WebSocket closed: 1006 Abnormal Closure (flapping)')

    // Breadcrumbs: one per close, in order, each event carrying the closes up to its own.
    expect(history).toHaveLength(CLOSES)
    disconnects.forEach((event, index) => {
      expect(crumbs(event).map((crumb) => crumb.data?.code)).toEqual(
        history.slice(0, index + 1).map((r) => r.code),
      )
    })
    expect(crumbs(probe!).map((crumb) => crumb.data?.code)).toEqual(history.map((record) => record.code))

    // Nothing the SDK sent, URLs and headers included, carries the token.
    const everything = sentry.raw.join('\n')
    expect(everything).toContain('token=[redacted]')
    expect(everything).not.toContain(SECRET)

    console.info(
      `sentry envelopes: ${sentry.envelopes.length}, events: ${events.length} ` +
        `(${disconnects.length} disconnect events for ${CLOSES} closes, groups ${groups.join(', ')}; 1 probe), ` +
        `websocket breadcrumbs per disconnect event: ${disconnects.map((event) => crumbs(event).length).join(', ')}, ` +
        `on the probe: ${crumbs(probe!).length}`,
    )
  })
})
