import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { type WebSocket, WebSocketServer } from 'ws'
import { type Client, clientFrames } from './client-frames'
import { planDrain } from './drain-plan'
import { memoryStore } from './memory-store'
import { checkCount } from './option-checks'
import { messageFrame, topicProblem } from './protocol'
import type { DrainOptions, LifelineServer, LifelineServerOptions } from './server-types'
import { SubscribeBudget } from './subscribe-budget'
import type { Subscription } from './subscription'
import { type StoredMessage, systemClock } from './types'

const SERVICE_UNAVAILABLE =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 30\r\n\r\nThis server is shutting down.\n'

const checkOption = (name: string, value: number, minimum: number) =>
  checkCount('createLifelineServer', name, value, minimum)

/** The TCP port a listening server is bound to; 0 for a pipe or a server not listening. */
function portOf(server: Server): number {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

function checkCloseCode(code: number): number {
  if (
    !Number.isInteger(code) ||
    !((code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999))
  )
    throw new RangeError(
      `drain: code ${code} cannot be sent in a close frame; use 1012 (Service Restart), 1001 (Going Away) or 3000-4999.`,
    )
  return code
}

/**
 * A WebSocket server that speaks react-lifeline's side of the wire: answers the heartbeat,
 * serves topics with history (docs/protocol.md) and drains without a reconnect storm.
 */
export function createLifelineServer(options: LifelineServerOptions = {}): LifelineServer {
  const clock = options.clock ?? systemClock
  const store = options.store ?? memoryStore()
  const path = options.path ?? '/'
  if (!path.startsWith('/'))
    throw new TypeError(`createLifelineServer: path must start with "/"; got ${JSON.stringify(path)}.`)
  const maxPayload = checkOption('maxPayload', options.maxPayload ?? 64 * 1024, 1)
  const maxTopics = checkOption('maxTopicsPerSocket', options.maxTopicsPerSocket ?? 100, 1)
  const subscribesPerSecond = options.subscribesPerSecond ?? 10
  if (!(subscribesPerSecond > 0))
    throw new RangeError(
      `createLifelineServer: subscribesPerSecond must be above 0; got ${subscribesPerSecond}.`,
    )
  const pingIntervalMs = checkOption('pingIntervalMs', options.pingIntervalMs ?? 30_000, 0)
  const closeTimeoutMs = checkOption('closeTimeoutMs', options.closeTimeoutMs ?? 5000, 0)
  const maxBufferedBytes = checkOption('maxBufferedBytes', options.maxBufferedBytes ?? 4 * 1024 * 1024, 1)
  if (options.server && options.port !== undefined)
    throw new TypeError('createLifelineServer: pass `server` or `port`, not both.')
  const onError = options.onError ?? ((error: unknown) => console.error('[react-lifeline/server]', error))

  const wss = new WebSocketServer({ noServer: true, maxPayload, clientTracking: false })
  const clients = new Set<Client>()
  /** Subscriptions per topic, for fan-out. */
  const subscribers = new Map<string, Set<Subscription>>()
  let draining: Promise<void> | null = null
  let pingTimer: unknown = null

  const dispatch = (message: StoredMessage) => {
    const subscriptions = subscribers.get(message.topic)
    if (!subscriptions) return
    const frame = messageFrame(message)
    for (const subscription of subscriptions) subscription.deliver(message, frame)
  }
  const stopListening = store.listen(dispatch)

  // ---- upgrades --------------------------------------------------------------------------

  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (draining) {
      // A load balancer reads 503 as "try another backend"; a refused TCP connection would
      // also do, but a 503 says why.
      socket.end(SERVICE_UNAVAILABLE)
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request))
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (request.url ?? '/').split('?')[0]
    if (pathname === path) return handleUpgrade(request, socket, head)
    // Another path belongs to another upgrade handler; with none, nobody would ever answer.
    if ((ownServer ?? options.server)?.listenerCount('upgrade') === 1)
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  }

  let ownServer: Server | null = null
  let listening: Promise<number>
  if (options.server) {
    const server = options.server
    server.on('upgrade', onUpgrade)
    listening = server.listening
      ? Promise.resolve(portOf(server))
      : new Promise((resolve) => server.once('listening', () => resolve(portOf(server))))
  } else if (options.port !== undefined) {
    const server = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
      response.end('This is a WebSocket endpoint (react-lifeline/server).\n')
    })
    ownServer = server
    server.on('upgrade', onUpgrade)
    listening = new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, options.host, () => {
        server.off('error', reject)
        resolve(portOf(server))
      })
    })
    // Unobserved, a failed listen would be an unhandled rejection; ready() reports it.
    listening.catch(() => {})
  } else {
    listening = Promise.resolve(0)
  }

  // ---- sockets ---------------------------------------------------------------------------

  const { drop, onFrame } = clientFrames({
    clock,
    store,
    options,
    maxTopics,
    maxBufferedBytes,
    subscribers,
    onError,
    closeSocket,
  })

  const accept = (socket: WebSocket, request: IncomingMessage) => {
    if (draining) {
      // Its handshake was under way when the drain began: it goes the way of the others.
      socket.on('error', () => {})
      closeSocket(socket, drainClose.code, drainClose.reason)
      return
    }
    const client: Client = {
      socket,
      request,
      topics: new Map(),
      budget: new SubscribeBudget(2 * maxTopics, subscribesPerSecond, clock.now()),
      alive: true,
    }
    clients.add(client)
    socket.on('message', (data, isBinary) => onFrame(client, data, isBinary))
    socket.on('pong', () => {
      client.alive = true
    })
    // ws reports a frame over maxPayload (it closes with 1009) and protocol errors here;
    // without a listener they would crash the process.
    socket.on('error', () => {})
    socket.on('close', () => {
      clients.delete(client)
      for (const subscription of [...client.topics.values()]) drop(client, subscription)
      if (draining && clients.size === 0) settleDrain?.()
    })
    if (pingTimer === null && pingIntervalMs > 0) schedulePings()
    try {
      options.onConnection?.(socket, request)
    } catch (error) {
      onError(error)
    }
  }

  // ---- protocol pings --------------------------------------------------------------------

  const schedulePings = () => {
    pingTimer = clock.setTimeout(() => {
      pingTimer = null
      for (const client of clients) {
        if (!client.alive) {
          // Half-open: the peer vanished without a FIN (a laptop lid, a NAT that forgot us).
          // A close handshake would wait for an answer that never comes.
          client.socket.terminate()
          continue
        }
        client.alive = false
        if (client.socket.readyState === client.socket.OPEN) client.socket.ping()
      }
      if (clients.size > 0 && !draining) schedulePings()
    }, pingIntervalMs)
  }

  // ---- drain -----------------------------------------------------------------------------

  let settleDrain: (() => void) | null = null
  let drainClose = { code: 1012, reason: 'server restart' }

  // A declaration, not a const: clientFrames above is given it.
  function closeSocket(socket: WebSocket, code: number, reason: string) {
    if (socket.readyState !== socket.OPEN && socket.readyState !== socket.CONNECTING) return
    socket.close(code, reason)
    const timer = clock.setTimeout(() => socket.terminate(), closeTimeoutMs)
    socket.once('close', () => clock.clearTimeout(timer))
  }

  const drain = (drainOptions: DrainOptions = {}): Promise<void> => {
    if (draining) return draining
    const windowMs = drainOptions.windowMs ?? 30_000
    if (!(windowMs >= 0) || !Number.isFinite(windowMs))
      return Promise.reject(new RangeError(`drain: windowMs must be a number of ms ≥ 0; got ${windowMs}.`))
    let code: number
    try {
      code = checkCloseCode(drainOptions.code ?? 1012)
    } catch (error) {
      return Promise.reject(error)
    }
    const reason = drainOptions.reason ?? 'server restart'
    if (Buffer.byteLength(reason) > 123)
      return Promise.reject(new RangeError('drain: a close reason has at most 123 bytes.'))

    drainClose = { code, reason }
    const timers: unknown[] = []
    draining = new Promise<void>((resolve) => {
      settleDrain = () => {
        settleDrain = null
        for (const timer of timers) clock.clearTimeout(timer)
        resolve()
      }
    }).then(async () => {
      if (pingTimer !== null) clock.clearTimeout(pingTimer)
      pingTimer = null
      stopListening()
      // An attached server keeps our upgrade listener: upgrades on our path still get a 503
      // rather than no answer at all.
      if (ownServer) {
        const server = ownServer
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    })

    const queue = [...clients]
    let next = 0
    for (const batch of planDrain(queue.length, windowMs)) {
      const closeBatch = () => {
        const end = next + batch.size
        for (; next < end; next++) closeSocket(queue[next]!.socket, code, reason)
      }
      if (batch.atMs === 0) closeBatch()
      else timers.push(clock.setTimeout(closeBatch, batch.atMs))
    }
    if (clients.size === 0) settleDrain?.()
    return draining
  }

  return {
    publish(topic, data) {
      const problem = topicProblem(topic)
      if (problem !== null) return Promise.reject(new TypeError(`publish: ${problem}`))
      let json: string | undefined
      try {
        json = JSON.stringify(data)
      } catch (error) {
        return Promise.reject(
          new TypeError(`publish: the data cannot be sent as JSON (${(error as Error).message}).`),
        )
      }
      if (json === undefined)
        return Promise.reject(
          new TypeError('publish: the data cannot be sent as JSON (undefined, a function or a symbol).'),
        )
      return store.append(topic, json)
    },
    drain,
    close: () => drain({ windowMs: 0 }),
    get clients() {
      return clients.size
    },
    get draining() {
      return draining !== null
    },
    ready: () => listening,
    handleUpgrade,
  }
}
