// `node bench/readme-pings/run.mjs [src-dir] [seconds]`: issue 21's figure. README's React example
// (page.tsx), bundled for production (NODE_ENV "production", minified, React's production
// build), runs in real Chromium against a `ws` server on 127.0.0.1 that answers pings; prints
// how many pings the server saw in `seconds` [60] of real time. `src-dir` [this checkout's
// src] is the library to bundle, so an older checkout can be measured for "before":
//   git archive <commit> src | tar -x -C /tmp/before && node bench/readme-pings/run.mjs /tmp/before/src
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { WebSocketServer } from 'ws'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../..')
const src = resolve(process.argv[2] ?? join(root, 'src'))
const seconds = Number(process.argv[3] ?? 60)

const bundle = await build({
  entryPoints: [join(here, 'page.tsx')],
  bundle: true,
  minify: true,
  format: 'iife',
  jsx: 'automatic',
  write: false,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { 'react-lifeline': join(src, 'index.ts') },
  nodePaths: [join(root, 'node_modules')],
})

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
await new Promise((done) => server.once('listening', done))
let pings = 0
let sockets = 0
server.on('connection', (socket) => {
  sockets += 1
  socket.on('message', (data) => {
    if (String(data) === '{"type":"ping"}') {
      pings += 1
      socket.send('{"type":"pong"}')
    }
  })
})
const url = `ws://127.0.0.1:${server.address().port}/chat`

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage()
  await page.setContent('<!doctype html><title>README example</title><div id="root"></div>')
  await page.evaluate((address) => {
    globalThis.LIFELINE_URL = address
  }, url)
  await page.addScriptTag({ content: bundle.outputFiles[0].text })
  await page.waitForFunction(() => document.body.textContent.includes('open'), null, { timeout: 10_000 })
  await new Promise((done) => setTimeout(done, seconds * 1000))
  console.log(
    JSON.stringify({
      src,
      productionBuild: true,
      seconds,
      sockets,
      pings,
      page: await page.textContent('#root'),
    }),
  )
} finally {
  await browser.close()
  server.close()
}
