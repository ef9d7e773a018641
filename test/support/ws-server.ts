import { EventEmitter } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { type WaitOptions, waitFor } from './wait'

/** One accepted socket, seen from the server. */
export interface ServerClient {
  /** 1, 2, 3 ... in accept order. */
  readonly id: number
  readonly socket: WebSocket
  readonly request: IncomingMessage
  /** `Date.now()` when the handshake completed. */
  readonly connectedAt: number
  /** Text of every message this client sent, pings included. */
  readonly received: readonly string[]
  /** Resolves when the socket is gone; code 1006 when no close frame arrived. */
  readonly closed: Promise<Disconnect>
  isOpen(): boolean
  send(data: string | Buffer): void
  /** Close handshake with `code` and `reason`. */
  close(code?: number, reason?: string): void
  /** Drop the TCP connection with no close frame. */
  destroy(): void
}

export interface ReceivedMessage {
  client: ServerClient
  /** UTF-8 text of the frame (binary frames are decoded too; see `isBinary`). */
  data: string
  isBinary: boolean
  at: number
}

export interface Disconnect {
  client: ServerClient
  code: number
  reason: string
  at: number
}

export type ConnectionHook = (client: ServerClient, request: IncomingMessage) => void

export interface TestServerOptions {
  /** Answer `{"type":"ping"}` with `{"type":"pong"}` [true]. */
  autoPong?: boolean
  /** Send every other message back to its sender [false]. */
  echo?: boolean
  onConnection?: ConnectionHook
}

export interface TestServer {
  readonly port: number
  /** `ws://127.0.0.1:<port>/`. */
  readonly url: string
  /** The URL with another path (and query). */
  urlFor(path: string): string
  readonly listening: boolean
  /** Open sockets now. */
  readonly connections: number
  /** Handshakes accepted since the server was created. */
  readonly totalConnections: number
  /** Upgrade requests refused with 503 by `refuse(true)`. */
  readonly refusedHandshakes: number
  /** `Date.now()` of every upgrade request, refused ones included: the attempt log. */
  readonly upgradeTimes: readonly number[]
  /** `Date.now()` of every accepted handshake. */
  readonly connectionTimes: readonly number[]
  readonly clients: readonly ServerClient[]
  /** Every message from every client, in arrival order, pings included. */
  readonly received: readonly ReceivedMessage[]
  /** `{"type":"ping"}` messages received. */
  readonly pings: number
  readonly disconnects: readonly Disconnect[]

  /**
   * Each accepted connection once, in accept order: one accepted before the call is
   * returned at once, so a test cannot miss a connection that won the race.
   */
  waitForConnection(options?: WaitOptions): Promise<ServerClient>
  /** Until at least `count` sockets are open at the same time; resolves with them. */
  waitForConnections(count: number, options?: WaitOptions): Promise<ServerClient[]>
  /** Until `totalConnections` reaches `count`. */
  waitForTotalConnections(count: number, options?: WaitOptions): Promise<void>
  /** The first message in the whole log (earlier ones included) that matches. */
  waitForMessage(
    predicate?: (message: ReceivedMessage) => boolean,
    options?: WaitOptions,
  ): Promise<ReceivedMessage>
  /** Until `count` messages in the log match; resolves with the matching ones in order. */
  waitForMessages(
    count: number,
    predicate?: (message: ReceivedMessage) => boolean,
    options?: WaitOptions,
  ): Promise<ReceivedMessage[]>
  /** Until `pings` reaches `count`. */
  waitForPings(count: number, options?: WaitOptions): Promise<void>
  /** The next disconnect after the call. */
  waitForDisconnect(options?: WaitOptions): Promise<Disconnect>
  /** The generic form: re-evaluates `check` on every server event. */
  waitUntil<T>(check: () => T | false | null | undefined, options?: WaitOptions): Promise<T>

  /** Close handshake on every open socket; resolves when they are all gone. */
  closeAll(code?: number, reason?: string): Promise<void>
  /** Drop every TCP connection with no close frame (a crash, a pulled cable); resolves when all are gone. */
  destroyAll(): Promise<void>
  /**
   * Stop listening and drop everyone: with no close frame by default (a crash), or with a
   * close handshake when `code` is given (a graceful restart). The port is kept for `start()`.
   */
  stop(options?: { code?: number; reason?: string }): Promise<void>
  /** Listen again on the same port. */
  start(): Promise<void>
  /** While on, upgrade requests get `HTTP/1.1 503 Service Unavailable`. */
  refuse(on?: boolean): void
  setAutoPong(on: boolean): void
  setEcho(on: boolean): void
  /** Runs for every accepted socket (after the built-in handlers); returns the unsubscribe. */
  onConnection(hook: ConnectionHook): () => void
  /** Stop for good and release the port. */
  close(): Promise<void>
}

const PONG = '{"type":"pong"}'

function isPing(text: string): boolean {
  if (!text.includes('ping')) return false
  try {
    const value = JSON.parse(text) as { type?: unknown } | null
    return value !== null && typeof value === 'object' && value.type === 'ping'
  } catch {
    return false
  }
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

/** A `ws` server on 127.0.0.1 with a random port and controls for the faults tests need. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const events = new EventEmitter()
  events.setMaxListeners(0)
  const changed = () => events.emit('change')
  const subscribe = (onChange: () => void) => {
    events.on('change', onChange)
    return () => {
      events.off('change', onChange)
    }
  }

  let autoPong = options.autoPong ?? true
  let echo = options.echo ?? false
  let refusing = false
  let listening = false
  let port = 0
  let pings = 0
  let refusedHandshakes = 0
  let connectionCursor = 0
  const hooks = new Set<ConnectionHook>()
  if (options.onConnection) hooks.add(options.onConnection)

  const allClients: ServerClient[] = []
  const openClients = new Set<ServerClient>()
  const received: ReceivedMessage[] = []
  const disconnects: Disconnect[] = []
  const upgradeTimes: number[] = []
  const connectionTimes: number[] = []
  // Every TCP socket the HTTP server accepted, upgraded or not, so stop() can drop them all.
  const tcpSockets = new Set<Socket>()

  const wss = new WebSocketServer({ noServer: true, clientTracking: false })
  const http: Server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only')
  })
  http.on('connection', (socket: Socket) => {
    tcpSockets.add(socket)
    socket.on('close', () => tcpSockets.delete(socket))
  })
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {})
    upgradeTimes.push(Date.now())
    if (refusing) {
      refusedHandshakes++
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      changed()
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request))
  })

  const accept = (ws: WebSocket, request: IncomingMessage) => {
    const messages: string[] = []
    let resolveClosed!: (value: Disconnect) => void
    const closed = new Promise<Disconnect>((resolve) => {
      resolveClosed = resolve
    })
    const client: ServerClient = {
      id: allClients.length + 1,
      socket: ws,
      request,
      connectedAt: Date.now(),
      received: messages,
      closed,
      isOpen: () => ws.readyState === ws.OPEN,
      send: (data) => {
        if (ws.readyState === ws.OPEN) ws.send(data)
      },
      close: (code, reason) => ws.close(code, reason),
      destroy: () => ws.terminate(),
    }
    allClients.push(client)
    openClients.add(client)
    connectionTimes.push(client.connectedAt)

    ws.on('error', () => {})
    ws.on('message', (data, isBinary) => {
      const text = rawToText(data)
      messages.push(text)
      received.push({ client, data: text, isBinary, at: Date.now() })
      if (!isBinary && isPing(text)) {
        pings++
        if (autoPong) client.send(PONG)
      } else if (echo) {
        client.send(isBinary ? Buffer.from(text) : text)
      }
      changed()
    })
    ws.on('close', (code, reason) => {
      openClients.delete(client)
      const record = { client, code, reason: reason.toString('utf8'), at: Date.now() }
      disconnects.push(record)
      resolveClosed(record)
      changed()
    })

    for (const hook of hooks) hook(client, request)
    changed()
  }

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        http.off('listening', onListening)
        reject(error)
      }
      const onListening = () => {
        http.off('error', onError)
        port = (http.address() as AddressInfo).port
        listening = true
        changed()
        resolve()
      }
      http.once('error', onError)
      http.once('listening', onListening)
      http.listen(port, '127.0.0.1')
    })

  const allGone = (clients: ServerClient[], options?: WaitOptions) =>
    waitFor(subscribe, () => clients.every((client) => !openClients.has(client)), {
      description: 'every socket to close',
      ...options,
    }).then(() => undefined)

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) {
        resolve()
        return
      }
      listening = false
      http.close(() => resolve())
      for (const socket of tcpSockets) socket.destroy()
      changed()
    })

  await listen()

  const server: TestServer = {
    get port() {
      return port
    },
    get url() {
      return `ws://127.0.0.1:${port}/`
    },
    urlFor: (path) => `ws://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    get listening() {
      return listening
    },
    get connections() {
      return openClients.size
    },
    get totalConnections() {
      return allClients.length
    },
    get refusedHandshakes() {
      return refusedHandshakes
    },
    upgradeTimes,
    connectionTimes,
    get clients() {
      return [...openClients]
    },
    received,
    get pings() {
      return pings
    },
    disconnects,

    waitForConnection: (options) =>
      waitFor(
        subscribe,
        () => {
          const client = allClients[connectionCursor]
          if (client) connectionCursor++
          return client
        },
        { description: `connection #${connectionCursor + 1}`, ...options },
      ),
    waitForConnections: (count, options) =>
      waitFor(subscribe, () => openClients.size >= count && [...openClients], {
        description: `${count} open connections (open: ${openClients.size})`,
        ...options,
      }),
    waitForTotalConnections: (count, options) =>
      waitFor(subscribe, () => allClients.length >= count, {
        description: `${count} accepted connections in total`,
        ...options,
      }).then(() => undefined),
    waitForMessage: (predicate = () => true, options) =>
      waitFor(subscribe, () => received.find(predicate), { description: 'a matching message', ...options }),
    waitForMessages: (count, predicate = () => true, options) =>
      waitFor(
        subscribe,
        () => {
          const matching = received.filter(predicate)
          return matching.length >= count && matching
        },
        { description: `${count} matching messages`, ...options },
      ),
    waitForPings: (count, options) =>
      waitFor(subscribe, () => pings >= count, { description: `${count} pings`, ...options }).then(
        () => undefined,
      ),
    waitForDisconnect: (options) => {
      const from = disconnects.length
      return waitFor(subscribe, () => disconnects[from], { description: 'a disconnect', ...options })
    },
    waitUntil: (check, options) => waitFor(subscribe, check, options),

    closeAll: (code, reason) => {
      const clients = [...openClients]
      for (const client of clients) client.close(code, reason)
      return allGone(clients)
    },
    destroyAll: () => {
      const clients = [...openClients]
      for (const client of clients) client.destroy()
      return allGone(clients)
    },
    stop: async (options = {}) => {
      const clients = [...openClients]
      if (options.code !== undefined) {
        for (const client of clients) client.close(options.code, options.reason)
        // A client that never answers the close frame is dropped after a second.
        await allGone(clients, { timeoutMs: 1000 }).catch(() => {
          for (const client of clients) client.destroy()
        })
      } else {
        for (const client of clients) client.destroy()
      }
      await stopListening()
      await allGone(clients)
    },
    start: async () => {
      if (listening) return
      await listen()
    },
    refuse: (on = true) => {
      refusing = on
    },
    setAutoPong: (on) => {
      autoPong = on
    },
    setEcho: (on) => {
      echo = on
    },
    onConnection: (hook) => {
      hooks.add(hook)
      return () => {
        hooks.delete(hook)
      }
    },
    close: async () => {
      for (const client of openClients) client.destroy()
      await stopListening()
      wss.close()
      hooks.clear()
      events.removeAllListeners()
    },
  }
  return server
}
