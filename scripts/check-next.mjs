#!/usr/bin/env node
// Checks react-lifeline in a real Next.js App Router app, as a user installs it: packs the
// library, installs the tarball into a copy of examples/next-app (its lock file pins Next and
// React), runs `next build` and `next start`, and drives the page in Chromium against a real
// `ws` server: the status becomes open, the console stays free of errors (hydration warnings
// included), and the banner rendered by the Server Component layout appears when the server
// goes away and leaves once it is back.
//
// Needs a built dist/ (`npm run build`). Everything stays on 127.0.0.1; Next's telemetry is off.
// Environment: CHROMIUM_PATH [/usr/bin/chromium], KEEP_NEXT_APP=1 keeps the temporary folder.
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { WebSocketServer } from 'ws'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const example = join(root, 'examples', 'next-app')
const work = mkdtempSync(join(tmpdir(), 'lifeline-next-'))
const app = join(work, 'app')
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
const figures = []
const cleanups = []
const WAIT_MS = 30_000

function step(name, started) {
  const ms = Math.round(performance.now() - started)
  figures.push([name, ms])
  console.log(`[check-next] ${name}: ${(ms / 1000).toFixed(1)} s`)
}

async function timed(name, work) {
  const started = performance.now()
  const result = await work()
  step(name, started)
  return result
}

function run(command, args, options) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env, ...options })
}

/** A port nobody listens on right now, on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** The app's WebSocket server: greets each client and answers the heartbeat's pings. */
function startWsServer(port) {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/live' })
    server.once('error', reject)
    server.on('connection', (socket) => {
      socket.send(JSON.stringify({ text: 'Hello from the ws server' }))
      socket.on('message', (data) => {
        if (String(data).includes('"ping"')) socket.send('{"type":"pong"}')
      })
    })
    server.once('listening', () => resolve(server))
  })
}

/** Closes every client as a deploy does (1012 Service Restart), then stops listening. */
function stopWsServer(server) {
  for (const client of server.clients) client.close(1012, 'Service Restart')
  return new Promise((resolve) => {
    server.close(() => resolve())
    setTimeout(() => {
      for (const client of server.clients) client.terminate()
    }, 1000).unref()
  })
}

function startNext(port) {
  const child = spawn(
    process.execPath,
    [
      join(app, 'node_modules', 'next', 'dist', 'bin', 'next'),
      'start',
      '-H',
      '127.0.0.1',
      '-p',
      String(port),
    ],
    { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  cleanups.push(() => {
    if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`next start did not get ready:\n${output}`)), WAIT_MS)
    child.once('exit', (code) => reject(new Error(`next start exited (${code}):\n${output}`)))
    const poll = async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`)
        if (response.ok) {
          clearTimeout(timer)
          resolve({ child, log: () => output })
          return
        }
      } catch {
        // not listening yet
      }
      setTimeout(poll, 200)
    }
    poll()
  })
}

const problems = []
const total = performance.now()
try {
  // The packed tarball, installed through the example's lock file. The lock records the
  // tarball's hash from when it was written; the library's build changes it, so the copy's lock
  // gets the hash of the tarball just packed (everything else installs exactly as locked).
  await timed('pack', async () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
        cwd: root,
        encoding: 'utf8',
      }),
    )
    cpSync(example, app, {
      recursive: true,
      filter: (path) => !/[\\/](node_modules|\.next|react-lifeline\.tgz)$/.test(path),
    })
    const tarball = join(app, 'react-lifeline.tgz')
    renameSync(join(work, packed.filename), tarball)
    const lockPath = join(app, 'package-lock.json')
    const lock = JSON.parse(readFileSync(lockPath, 'utf8'))
    const digest = createHash('sha512').update(readFileSync(tarball)).digest('base64')
    lock.packages['node_modules/react-lifeline'].integrity = `sha512-${digest}`
    writeFileSync(lockPath, JSON.stringify(lock, null, 2))
  })
  await timed('npm ci (example)', () => run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: app }))

  const wsPort = await freePort()
  let wsServer = await startWsServer(wsPort)
  cleanups.push(() => stopWsServer(wsServer))
  const liveUrl = `ws://127.0.0.1:${wsPort}/live`

  await timed('next build', () =>
    run(process.execPath, [join(app, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      cwd: app,
      env: { ...env, NEXT_PUBLIC_LIVE_URL: liveUrl },
    }),
  )
  const appPort = await freePort()
  const next = await timed('next start until it answers', () => startNext(appPort))

  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  })
  cleanups.push(() => browser.close())
  const page = await browser.newPage()
  const consoleMessages = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      consoleMessages.push(`${message.type()}: ${message.text()}`)
    }
  })
  page.on('pageerror', (error) => consoleMessages.push(`page error: ${error.message}`))
  // Nothing leaves 127.0.0.1: a request elsewhere is refused and reported.
  await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/])/, (route) => {
    problems.push(`the page requested ${route.request().url()}`)
    return route.abort()
  })

  const status = () => page.locator('[data-testid=status]').textContent()
  const bannerPhase = () => page.locator('.lifeline-banner').getAttribute('data-status')
  const waitFor = (predicate, arg) => page.waitForFunction(predicate, arg, { timeout: WAIT_MS })

  await timed('page load until status open', async () => {
    await page.goto(`http://127.0.0.1:${appPort}/`)
    await waitFor(() => document.querySelector('[data-testid=status]')?.textContent === 'open')
  })
  await waitFor(
    () => document.querySelector('[data-testid=message]')?.textContent === 'Hello from the ws server',
  )
  if ((await bannerPhase()) !== 'hidden') problems.push(`banner shows "${await bannerPhase()}" while open`)

  await stopWsServer(wsServer)
  const phaseWhileDown = await timed('ws server stopped until banner shows', async () => {
    await waitFor(() => {
      const phase = document.querySelector('.lifeline-banner')?.getAttribute('data-status')
      return phase !== undefined && phase !== 'hidden'
    })
    return bannerPhase()
  })
  const bannerText = await page.locator('.lifeline-banner').innerText()
  console.log(`[check-next] banner while down: ${phaseWhileDown}: ${JSON.stringify(bannerText)}`)

  wsServer = await startWsServer(wsPort)
  await timed('ws server back until status open', () =>
    waitFor(() => document.querySelector('[data-testid=status]')?.textContent === 'open'),
  )
  await timed('status open until banner gone', () =>
    waitFor(() => document.querySelector('.lifeline-banner')?.getAttribute('data-status') === 'hidden'),
  )
  console.log(`[check-next] final status: ${await status()}, banner: ${await bannerPhase()}`)
  // Chromium itself logs each refused socket while the server is down; that is the browser
  // reporting the outage we caused, not the app. Anything else in the console is a failure.
  const refused = `error: WebSocket connection to '${liveUrl}' failed: Error in connection establishment: net::ERR_CONNECTION_REFUSED`
  const refusals = consoleMessages.filter((message) => message === refused).length
  console.log(`[check-next] Chromium logged ${refusals} refused connection(s) during the outage`)
  for (const message of consoleMessages) if (message !== refused) problems.push(`console ${message}`)
  if (/warn|error/i.test(next.log())) console.log(`[check-next] next start said:\n${next.log()}`)
} catch (error) {
  problems.push(error.stack ?? String(error))
} finally {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup()
    } catch (error) {
      problems.push(`cleanup: ${error.message}`)
    }
  }
  if (process.env.KEEP_NEXT_APP !== '1') rmSync(work, { recursive: true, force: true })
}
step('total', total)
if (problems.length > 0) {
  console.error(`[check-next] FAILED:\n${problems.join('\n')}`)
  process.exit(1)
}
console.log(
  `[check-next] passed: ${figures.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join('; ')}`,
)
