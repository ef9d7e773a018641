#!/usr/bin/env node
// `npm run screenshots`: PNG screenshots (palette PNGs at 1x; needs pngquant, see shrink-png.mjs) of the ConnectionBanner states (and the examples) for
// the docs, taken from the static Storybook build in Debian's Chromium.
//
//   node scripts/screenshots.mjs           build storybook-static if it is missing, then shoot
//   node scripts/screenshots.mjs --build   rebuild first
//
// Environment: CHROMIUM_PATH [/usr/bin/chromium]. Everything stays on 127.0.0.1: the build is
// served by a small static server here, and the stories mock their sockets in the page.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { dirname, extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs'
import { shrinkPng } from './shrink-png.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const staticDir = join(root, 'storybook-static')
const outDir = join(root, 'docs')

/** What to shoot: the story, the text that says it reached the state, and the file name. */
const SHOTS = [
  { id: 'connectionbanner--connecting', waitFor: 'Connecting…', file: 'banner-connecting.png' },
  {
    id: 'connectionbanner--reconnecting',
    waitFor: /Reconnecting in \d+s, attempt 1/,
    file: 'banner-reconnecting.png',
  },
  { id: 'connectionbanner--offline', waitFor: 'Offline', file: 'banner-offline.png' },
  { id: 'connectionbanner--failed', waitFor: 'Failed: Policy Violation', file: 'banner-failed.png' },
  { id: 'connectionbanner--closed-by-server', waitFor: 'Disconnected', file: 'banner-closed.png' },
  { id: 'connectionbanner--reconnected', waitFor: 'Reconnected', file: 'banner-reconnected.png' },
  { id: 'connectionbanner--german-messages', waitFor: /Verbindung unterbrochen/, file: 'banner-german.png' },
  { id: 'connectionbanner--custom-render', waitFor: /Live updates paused/, file: 'banner-custom-render.png' },
  {
    id: 'connectionbanner--dark',
    waitFor: /Reconnecting in \d+s, attempt 1/,
    file: 'banner-dark-reconnecting.png',
  },
  {
    id: 'connectionbanner--dark-failed',
    waitFor: 'Failed: Policy Violation',
    file: 'banner-dark-failed.png',
  },
]

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

function build() {
  console.log('[screenshots] building Storybook…')
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'storybook', 'dist', 'bin', 'dispatcher.js'),
      'build',
      '--disable-telemetry',
      '--quiet',
      '-o',
      staticDir,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' } },
  )
  if (result.status !== 0) process.exit(result.status ?? 1)
}

/** Serves storybook-static on 127.0.0.1 (a service worker needs http(s), not file://). */
function serve() {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)
    const file = normalize(join(staticDir, path.endsWith('/') ? `${path}index.html` : path))
    if (!file.startsWith(staticDir + sep)) {
      response.writeHead(403).end()
      return
    }
    try {
      const body = await readFile(file)
      response.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' })
      response.end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

if (process.argv.includes('--build') || !existsSync(join(staticDir, 'index.json'))) build()
mkdirSync(outDir, { recursive: true })

const server = await serve()
const base = `http://127.0.0.1:${server.address().port}`
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })

let failed = 0
try {
  // Reduced motion: banner.css then skips its fade-in, so no shot catches it half-transparent.
  const context = await browser.newContext({
    viewport: { width: 640, height: 400 },
    // One device pixel per CSS pixel, then a palette (shrink-png.mjs): the README's images ship
    // in the package.
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  })
  for (const shot of SHOTS) {
    const page = await context.newPage()
    const problems = []
    page.on('pageerror', (error) => problems.push(String(error)))
    try {
      await page.goto(`${base}/iframe.html?id=${shot.id}&viewMode=story`)
      // Inside the banner: "Socket: offline" in the demo app must not count as the banner's "Offline".
      await page.locator('.lifeline-banner', { hasText: shot.waitFor }).waitFor({ timeout: 15_000 })
      // The theme wrapper holds the story with its page colours.
      await page
        .locator('#storybook-root [data-theme]')
        .first()
        .screenshot({ path: join(outDir, shot.file) })
      shrinkPng(join(outDir, shot.file))
      console.log(`[screenshots] docs/${shot.file}`)
    } catch (error) {
      failed += 1
      console.error(
        `[screenshots] ${shot.id} failed: ${error.message}${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`,
      )
    } finally {
      await page.close()
    }
  }
} finally {
  await browser.close()
  server.close()
}
process.exit(failed === 0 ? 0 : 1)
