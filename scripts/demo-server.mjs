#!/usr/bin/env node
// A real WebSocket server for Storybook's live mode (Playground / Live), on 127.0.0.1 only. It
// runs on react-lifeline/server (built from src/server by esbuild at start), as apps would.
//
//   ws://127.0.0.1:8787/<any path>   answers {"type":"ping"} with {"type":"pong"}, serves topics
//                                    (docs/protocol.md: "ticks" gets one message a second,
//                                    "chat" every chat message), relays {"type":"chat"}
//                                    messages to everyone, publishes {"type":"post","topic","data"}
//                                    to its topic (the topic stories), echoes the rest
//   POST /control  {"action": ...}   misbehave on request (the same controls as the stories'
//   GET  /control?action=...         mocked server), e.g. curl '127.0.0.1:8787/control?action=close&code=1011'
//   GET  /status                     mode and open sockets, as JSON
//
// Actions: close {code, reason} | drop (no close frame: 1006) | silent (no pongs, no replies)
//          | refuse {ms} | flap {openMs, ms} | drain {windowMs} (a deploy: 1012 spread over
//          the window, 503 meanwhile, then a fresh server with new epochs) | heal
//          | publish {topic, data, count} (count copies numbered up from data.n; the topic stories)
//
// Environment: DEMO_PORT [8787], DEMO_HOST [127.0.0.1].
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { SYMBOLS } from '../stories/support/tickers.mjs'

const PORT = Number(process.env.DEMO_PORT ?? 8787)
const HOST = process.env.DEMO_HOST ?? '127.0.0.1'

/** Codes a server may send in a close frame (ws rejects 1004-1006 and 1015 as reserved). */
const SENDABLE = (code) =>
  (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999)

const state = { mode: 'up', until: null, flapOpenMs: 300, connections: 0 }
let modeTimer
let chatId = 0

function log(text) {
  process.stdout.write(`[demo-server] ${new Date().toISOString().slice(11, 23)} ${text}\n`)
}

function setMode(mode, forMs) {
  clearTimeout(modeTimer)
  state.mode = mode
  state.until = null
  if (mode !== 'silent') setSilent(false)
  if (mode !== 'up' && Number.isFinite(forMs) && forMs > 0) {
    state.until = Date.now() + forMs
    modeTimer = setTimeout(() => {
      setMode('up')
      log('healthy again')
    }, forMs)
  }
}

/** react-lifeline/server from the sources, so `npm start` needs no build first. */
async function loadServerEntry() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const result = await build({
    entryPoints: [join(root, 'src/server/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['ws', 'redis'],
    write: false,
  })
  // Written inside the project so that its `import 'ws'` finds the project's node_modules.
  const dir = join(root, 'node_modules', '.cache', 'demo-server')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'server.mjs')
  writeFileSync(file, result.outputFiles[0].text)
  return import(pathToFileURL(file).href)
}
const { createLifelineServer, memoryStore } = await loadServerEntry()

/** Open sockets, for the controls. */
const sockets = new Set()
let lifeline = startLifeline()
let ticks = 0
const ticker = setInterval(() => {
  ticks += 1
  lifeline.publish('ticks', { n: ticks, at: Date.now() }).catch(() => {})
}, 1000)

// Quotes for the topic dashboard story (stories/TopicDashboard.stories.tsx): one of its twelve
// `ticker:<symbol>` topics every 100 ms.
const quotes = new Map(SYMBOLS.map((symbol) => [symbol, 100]))
const quoter = setInterval(() => {
  const symbol = SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)]
  const price = Math.max(1, Math.round((quotes.get(symbol) + (Math.random() - 0.5) * 4) * 100) / 100)
  quotes.set(symbol, price)
  lifeline.publish(`ticker:${symbol}`, { price }).catch(() => {})
}, 100)

function startLifeline() {
  return createLifelineServer({
    maxPayload: 64 * 1024,
    // A fresh store per server: after a drain the topics start new epochs, as after a restart.
    store: memoryStore({ historySize: 200 }),
    onConnection: welcome,
    onMessage: relayOrEcho,
    onError: (error) => log(`error: ${error?.message ?? error}`),
  })
}

function flapLater(socket) {
  setTimeout(() => {
    if (state.mode === 'flapping' && socket.readyState === socket.OPEN) {
      log('cut a flapping connection')
      socket.terminate()
    }
  }, state.flapOpenMs)
}

function welcome(socket, request) {
  state.connections += 1
  const id = state.connections
  sockets.add(socket)
  log(`connection #${id} opened (${request.url})`)
  socket.send(JSON.stringify({ type: 'welcome', id, at: Date.now() }))
  if (state.mode === 'flapping') flapLater(socket)
  // Silent: the socket is not read at all, so pings, pongs and messages all go unanswered.
  if (state.mode === 'silent') socket.pause()
  socket.on('close', (code) => {
    sockets.delete(socket)
    log(`connection #${id} closed (${code})`)
  })
  socket.on('error', (error) => log(`connection #${id} error: ${error.message}`))
}

/** Frames that are not the topic protocol: chat is relayed (and kept in the `chat` topic), the rest echoed. */
function relayOrEcho(socket, frame) {
  if (frame.isBinary) {
    socket.send(frame.data, { binary: true })
    return
  }
  const message = frame.json
  // The topic stories' chat rooms post to a room; the room's subscribers get it as a topic message.
  if (message?.type === 'post' && typeof message.topic === 'string' && message.topic.length <= 100) {
    lifeline.publish(message.topic, message.data ?? null).catch(() => {})
    return
  }
  if (message?.type === 'chat' && typeof message.text === 'string') {
    chatId += 1
    const chat = {
      type: 'chat',
      id: chatId,
      from: String(message.from ?? 'anonymous').slice(0, 40),
      text: message.text.slice(0, 2000),
      clientId: message.clientId ?? null,
      at: Date.now(),
    }
    const relayed = JSON.stringify(chat)
    for (const client of sockets) if (client.readyState === client.OPEN) client.send(relayed)
    lifeline.publish('chat', chat).catch(() => {})
    return
  }
  socket.send(frame.text)
}

function setSilent(silent) {
  for (const socket of sockets) {
    if (silent) socket.pause()
    else socket.resume()
  }
}

function control(params) {
  const action = String(params.action ?? '')
  const open = [...sockets]
  switch (action) {
    case 'close': {
      const code = Number(params.code ?? 1000)
      const reason = String(params.reason ?? '').slice(0, 120)
      if (!SENDABLE(code))
        return { status: 400, body: { error: `a server cannot send close code ${code}; use drop for 1006` } }
      for (const socket of open) socket.close(code, reason)
      log(`close ${code} ${reason}`)
      break
    }
    case 'drop':
      for (const socket of open) socket.terminate()
      log('drop: sockets terminated without a close frame')
      break
    case 'silent':
      setMode('silent', Number(params.ms ?? Number.POSITIVE_INFINITY))
      setSilent(true)
      log('silent: no pongs, no replies')
      break
    case 'refuse':
      setMode('refusing', Number(params.ms ?? 5000))
      for (const socket of open) socket.terminate()
      log(`refusing connections for ${state.until ? state.until - Date.now() : '∞'} ms`)
      break
    case 'flap':
      state.flapOpenMs = Number(params.openMs ?? 300)
      setMode('flapping', Number(params.ms ?? 10000))
      for (const socket of open) flapLater(socket)
      log(`flapping: each socket is cut after ${state.flapOpenMs} ms`)
      break
    case 'drain': {
      const windowMs = Number(params.windowMs ?? 5000)
      if (!(windowMs >= 0)) return { status: 400, body: { error: 'windowMs must be a number of ms ≥ 0' } }
      if (lifeline.draining) return { status: 409, body: { error: 'already draining' } }
      const draining = lifeline
      log(`drain: ${open.length} sockets closed with 1012 over ${windowMs} ms; 503 meanwhile`)
      draining.drain({ windowMs }).then(() => {
        // The "new version" comes up: a fresh server, fresh epochs.
        if (lifeline === draining) lifeline = startLifeline()
        log('drained: a fresh server takes connections again')
      })
      break
    }
    case 'publish': {
      // For the topic stories' live mode: what "others" publish while the page is cut off.
      const topic = String(params.topic ?? '')
      const count = Math.min(1000, Math.max(1, Number(params.count ?? 1) || 1))
      if (!topic || topic.length > 100) return { status: 400, body: { error: 'publish needs a topic name' } }
      for (let i = 1; i <= count; i++) {
        // Copies count up from the given `n`, so a page can number what it asked for.
        const data = count === 1 ? params.data : { ...params.data, n: (Number(params.data?.n) || 1) + i - 1 }
        lifeline.publish(topic, data).catch(() => {})
      }
      log(`publish ${count} on ${topic}`)
      break
    }
    case 'heal':
      setMode('up')
      log('healthy')
      break
    default:
      return { status: 400, body: { error: `unknown action "${action}"` } }
  }
  return { status: 200, body: status() }
}

function status() {
  return {
    mode: state.mode,
    until: state.until,
    open: sockets.size,
    connections: state.connections,
    draining: lifeline.draining,
  }
}

function reply(response, statusCode, body) {
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    // Storybook (another origin: port 6006) calls these endpoints from the page.
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
  })
  response.end(body === undefined ? '' : JSON.stringify(body))
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', `http://${HOST}`)
  if (request.method === 'OPTIONS') return reply(response, 204)
  if (url.pathname === '/status') return reply(response, 200, status())
  if (url.pathname !== '/control')
    return reply(response, 404, { error: 'not found: try /control or /status' })
  if (request.method === 'GET') {
    const result = control(Object.fromEntries(url.searchParams))
    return reply(response, result.status, result.body)
  }
  let body = ''
  request.setEncoding('utf8')
  request.on('data', (chunk) => {
    body += chunk
    if (body.length > 10_000) request.destroy()
  })
  request.on('end', () => {
    let params
    try {
      params = body ? JSON.parse(body) : {}
    } catch {
      return reply(response, 400, { error: 'body must be JSON' })
    }
    const result = control(params)
    reply(response, result.status, result.body)
  })
})

server.on('upgrade', (request, socket, head) => {
  if (state.mode === 'refusing') {
    // Like a backend that is down behind a proxy: the handshake fails, the page sees 1006.
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    log('refused a connection')
    return
  }
  lifeline.handleUpgrade(request, socket, head)
})

server.on('error', (error) => {
  log(`cannot listen on ${HOST}:${PORT}: ${error.message}`)
  process.exit(1)
})

server.listen(PORT, HOST, () =>
  log(`listening on ws://${HOST}:${PORT} (controls: http://${HOST}:${PORT}/control)`),
)

function shutdown() {
  clearTimeout(modeTimer)
  clearInterval(ticker)
  clearInterval(quoter)
  lifeline.drain({ windowMs: 0, code: 1001, reason: 'demo server shutting down' })
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 500).unref()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
