#!/usr/bin/env node
// PNG screenshots of <ConnectionInspector> (with inspector.css) for docs/ and the README: the
// component over recorded histories, bundled with esbuild and shot in Debian's Chromium. Lighter
// than a Storybook build; the stories show the same panel live (stories/DiagnosisOverTime.stories.tsx).
//
//   node scripts/inspector-screenshots.mjs
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs'
import { shrinkPng } from './shrink-png.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const SHOTS = [
  { scene: 'scheduled', theme: 'light', file: 'inspector-scheduled.png' },
  { scene: 'scheduled', theme: 'dark', file: 'inspector-scheduled-dark.png' },
  { scene: 'idle-timeout', theme: 'light', file: 'inspector-idle-timeout.png' },
  { scene: 'flapping', theme: 'dark', file: 'inspector-flapping-dark.png' },
]

const bundle = await build({
  entryPoints: [join(root, 'scripts/inspector-shots/page.tsx')],
  bundle: true,
  format: 'esm',
  write: false,
  outdir: 'out',
  jsx: 'automatic',
  logLevel: 'error',
  define: { 'process.env.NODE_ENV': '"production"' },
})
const files = Object.fromEntries(
  bundle.outputFiles.map((file) => [`/${file.path.split('/').pop()}`, file.text]),
)
const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
  if (files[path]) {
    const type = path.endsWith('.css') ? 'text/css' : 'text/javascript'
    response.writeHead(200, { 'content-type': type }).end(files[path])
    return
  }
  response
    .writeHead(200, { 'content-type': 'text/html' })
    .end(
      '<!doctype html><html lang="en"><title>inspector</title><link rel="stylesheet" href="/page.css"><div id="root"></div><script type="module" src="/page.js"></script></html>',
    )
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
try {
  // One device pixel per CSS pixel, then a palette (shrink-png.mjs): the README's images ship
  // in the package, so they are kept to a few tens of kB each.
  const context = await browser.newContext({ viewport: { width: 820, height: 600 }, deviceScaleFactor: 1 })
  for (const shot of SHOTS) {
    const page = await context.newPage()
    await page.goto(`${base}/?scene=${shot.scene}&theme=${shot.theme}`)
    const panel = page.locator('.lifeline-inspector')
    await panel.locator('.lifeline-inspector__mark').first().waitFor()
    // Two readings a second apart give the messages-per-second figures.
    await page.waitForFunction(
      () => !document.querySelector('[data-term="Messages in"] dd')?.textContent?.includes('—'),
    )
    // Focus the newest drop so the shot shows its close record and focus ring.
    await panel.locator('.lifeline-inspector__mark[tabindex="0"]').focus()
    await panel.screenshot({ path: join(root, 'docs', shot.file) })
    shrinkPng(join(root, 'docs', shot.file))
    console.log(`[inspector-screenshots] docs/${shot.file}`)
    await page.close()
  }
} finally {
  await browser.close()
  server.close()
}
