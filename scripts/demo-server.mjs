#!/usr/bin/env node
// A real WebSocket server for Storybook's live mode (Playground / Live), on 127.0.0.1 only.
//
//   ws://127.0.0.1:8787/<any path>   answers {"type":"ping"} with {"type":"pong"}, relays
//                                    {"type":"chat"} messages to everyone, echoes the rest
//   POST /control  {"action": ...}   misbehave on request (the same controls as the stories'
//   GET  /control?action=...         mocked server), e.g. curl '127.0.0.1:8787/control?action=close&code=1011'
//   GET  /status                     mode and open sockets, as JSON
//
// Actions: close {code, reason} | drop (no close frame: 1006) | silent (no pongs, no replies)
//          | refuse {ms} | flap {openMs, ms} | heal
//
// Environment: DEMO_PORT [8787], DEMO_HOST [127.0.0.1].
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

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
  if (mode !== 'up' && Number.isFinite(forMs) && forMs > 0) {
    state.until = Date.now() + forMs
    modeTimer = setTimeout(() => {
      setMode('up')
      log('healthy again')
    }, forMs)
  }
}

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })

function flapLater(socket) {
  setTimeout(() => {
    if (state.mode === 'flapping' && socket.readyState === socket.OPEN) {
      log('cut a flapping connection')
      socket.terminate()
    }
  }, state.flapOpenMs)
}

wss.on('connection', (socket, request) => {
  state.connections += 1
  const id = state.connections
  log(`connection #${id} opened (${request.url})`)
  socket.send(JSON.stringify({ type: 'welcome', id, at: Date.now() }))
  if (state.mode === 'flapping') flapLater(socket)

  socket.on('message', (raw, isBinary) => {
    if (state.mode === 'silent') return
    if (isBinary) {
      socket.send(raw, { binary: true })
      return
    }
    const text = raw.toString()
    let message = null
    try {
      message = JSON.parse(text)
    } catch {
      // Plain text is echoed below.
    }
    if (message?.type === 'ping') {
      socket.send('{"type":"pong"}')
      return
    }
    if (message?.type === 'chat' && typeof message.text === 'string') {
      chatId += 1
      const relayed = JSON.stringify({
        type: 'chat',
        id: chatId,
        from: String(message.from ?? 'anonymous').slice(0, 40),
        text: message.text.slice(0, 2000),
        clientId: message.clientId ?? null,
        at: Date.now(),
      })
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(relayed)
      return
    }
    socket.send(text)
  })
  socket.on('close', (code) => log(`connection #${id} closed (${code})`))
  socket.on('error', (error) => log(`connection #${id} error: ${error.message}`))
})

function control(params) {
  const action = String(params.action ?? '')
  const sockets = [...wss.clients]
  switch (action) {
    case 'close': {
      const code = Number(params.code ?? 1000)
      const reason = String(params.reason ?? '').slice(0, 120)
      if (!SENDABLE(code))
        return { status: 400, body: { error: `a server cannot send close code ${code}; use drop for 1006` } }
      for (const socket of sockets) socket.close(code, reason)
      log(`close ${code} ${reason}`)
      break
    }
    case 'drop':
      for (const socket of sockets) socket.terminate()
      log('drop: sockets terminated without a close frame')
      break
    case 'silent':
      setMode('silent', Number(params.ms ?? Number.POSITIVE_INFINITY))
      log('silent: no pongs, no replies')
      break
    case 'refuse':
      setMode('refusing', Number(params.ms ?? 5000))
      for (const socket of sockets) socket.terminate()
      log(`refusing connections for ${state.until ? state.until - Date.now() : '∞'} ms`)
      break
    case 'flap':
      state.flapOpenMs = Number(params.openMs ?? 300)
      setMode('flapping', Number(params.ms ?? 10000))
      for (const socket of sockets) flapLater(socket)
      log(`flapping: each socket is cut after ${state.flapOpenMs} ms`)
      break
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
  return { mode: state.mode, until: state.until, open: wss.clients.size, connections: state.connections }
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
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
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
  for (const socket of wss.clients) socket.close(1001, 'demo server shutting down')
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 500).unref()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
