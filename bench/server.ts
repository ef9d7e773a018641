import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { type WebSocket, WebSocketServer } from 'ws'

const HOST = '127.0.0.1'
const PAD = 'abcdefghijklmnop'

/** The static pages and the `ws` server the pages talk to, both on 127.0.0.1. */
export interface BenchServer {
  readonly pageUrl: (name: string) => string
  readonly wsUrl: string
  /** Sockets currently open on the server. */
  openSockets(): number
  /** Sockets accepted since the last `resetCounters`. */
  accepted(): number
  resetCounters(): void
  /** Sends message `seq` to every open socket. */
  broadcast(seq: number): void
  /** Sends `from`..`to` as fast as the server can; resolves with the epoch ms it started. */
  burst(from: number, to: number): number
  /** Sends `from`..`to`, one every `intervalMs`. */
  paced(from: number, to: number, intervalMs: number): Promise<void>
  /** Streams `perSecond` messages until the returned stop is called. */
  stream(perSecond: number): () => void
  /** Closes every socket with 1012 (Service Restart), stays down `downtimeMs`, then listens again. */
  restart(downtimeMs: number): Promise<void>
  close(): Promise<void>
}

const epochNow = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function message(seq: number, echo: number): string {
  return `{"seq":${seq},"echo":${echo},"pad":"${PAD}"}`
}

export async function startServer(pagesDir: string): Promise<BenchServer> {
  const http = createServer(async (request, response) => {
    const name = (request.url ?? '/').slice(1).split('?')[0] ?? ''
    if (/^[\w-]+\.html$/.test(name)) {
      const script = name.replace(/\.html$/, '.js')
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end(
        `<!doctype html><meta charset="utf-8"><title>bench</title><link rel="icon" href="data:,"><body><script src="/${script}"></script>`,
      )
      return
    }
    if (/^[\w-]+\.js$/.test(name)) {
      try {
        const code = await readFile(join(pagesDir, name))
        response.writeHead(200, { 'content-type': 'text/javascript' })
        response.end(code)
      } catch {
        response.writeHead(404).end()
      }
      return
    }
    response.writeHead(404).end()
  })
  await listen(http, 0)
  const httpPort = (http.address() as AddressInfo).port

  let wss = await openWebSockets(0)
  const wsPort = (wss.address() as AddressInfo).port
  const sockets = new Set<WebSocket>()
  let acceptedCount = 0
  let lastEcho = 0
  let nextSeq = 1_000_000_000

  function attach(server: WebSocketServer) {
    server.on('connection', (socket) => {
      acceptedCount += 1
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => sockets.delete(socket))
      socket.on('message', (data) => {
        const request = JSON.parse(String(data)) as { echo?: number }
        if (typeof request.echo !== 'number') return
        lastEcho = Math.max(lastEcho, request.echo)
        sendAll(message(nextSeq++, lastEcho))
      })
    })
  }
  attach(wss)

  const sendAll = (text: string) => {
    for (const socket of sockets) if (socket.readyState === 1) socket.send(text)
  }

  return {
    pageUrl: (name) => `http://${HOST}:${httpPort}/${name}.html`,
    wsUrl: `ws://${HOST}:${wsPort}/`,
    openSockets: () => [...sockets].filter((socket) => socket.readyState === 1).length,
    accepted: () => acceptedCount,
    resetCounters() {
      acceptedCount = 0
      lastEcho = 0
      nextSeq = 1_000_000_000
    },
    broadcast: (seq) => sendAll(message(seq, lastEcho)),
    burst(from, to) {
      const started = epochNow()
      for (let seq = from; seq <= to; seq++) sendAll(message(seq, lastEcho))
      return started
    },
    async paced(from, to, intervalMs) {
      const started = performance.now()
      let seq = from
      while (seq <= to) {
        const due = from + Math.floor((performance.now() - started) / intervalMs)
        while (seq <= Math.min(due, to)) sendAll(message(seq++, lastEcho))
        await sleep(1)
      }
    },
    stream(perSecond) {
      const started = performance.now()
      let sent = 0
      const timer = setInterval(() => {
        const due = Math.floor(((performance.now() - started) * perSecond) / 1000)
        while (sent < due) {
          sent += 1
          sendAll(message(nextSeq++, lastEcho))
        }
      }, 2)
      return () => clearInterval(timer)
    },
    async restart(downtimeMs) {
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()))
      for (const socket of sockets) socket.close(1012, 'restart')
      // A client that never answers the close frame must not hold the restart up.
      const deadline = performance.now() + 1000
      while (sockets.size > 0 && performance.now() < deadline) await sleep(5)
      for (const socket of sockets) socket.terminate()
      await closed
      await sleep(downtimeMs)
      wss = await openWebSockets(wsPort)
      attach(wss)
    },
    async close() {
      for (const socket of sockets) socket.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => resolve())
  })
}

function openWebSockets(port: number): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: HOST, port })
    server.once('listening', () => resolve(server))
    server.once('error', reject)
  })
}
