import { EventEmitter } from 'node:events'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import { type WaitOptions, waitFor } from './wait'

export interface TcpProxyOptions {
  /** Port of the server behind the proxy. */
  targetPort: number
  /** ['127.0.0.1'] */
  targetHost?: string
  /**
   * Close both sides of a connection when no byte has crossed it, either way, for this long,
   * the way nginx's `proxy_read_timeout` or a load balancer's idle timeout does: TCP goes,
   * no WebSocket close frame is sent. Off when absent.
   */
  idleTimeoutMs?: number
}

export interface TcpProxy {
  readonly port: number
  /** `ws://127.0.0.1:<port><path>`. */
  url(path?: string): string
  /** Client connections open now. */
  readonly connections: number
  /** Client connections accepted since the proxy was created. */
  readonly totalConnections: number
  /** Connections closed by the idle timeout. */
  readonly idleTimeouts: number
  readonly silenced: boolean
  /** Bytes held back by `silence()`, waiting for `resume()`. */
  readonly heldBytes: number
  /** Closes (FIN or reset) held back by `silence()`, one per direction and link. */
  readonly heldCloses: number
  /** Bytes forwarded to the target and to the clients. */
  readonly bytesForwarded: { readonly toTarget: number; readonly toClient: number }
  /**
   * Stop forwarding in both directions, on every connection, new ones included, while both
   * sockets stay open: a half-open path, as when a NAT or a Wi-Fi link silently stops
   * passing packets. Closes are held too, so neither end learns that the other went away.
   */
  silence(): void
  /**
   * Forward again. Held bytes are delivered, in order, before anything newer, and held
   * closes are passed on after them, the way TCP retransmission delivers once a path
   * heals. (Dropping bytes instead would cut WebSocket frames in half.)
   */
  resume(): void
  /** Reset every connection on both sides with no close frame, as when a NAT drops its state. */
  cutAll(): void
  /** Change the idle timeout for new and running connections; `null` turns it off. */
  setIdleTimeout(ms: number | null): void
  /** Re-evaluates `check` whenever a connection opens, closes or forwards bytes. */
  waitUntil<T>(check: () => T | false | null | undefined, options?: WaitOptions): Promise<T>
  close(): Promise<void>
}

type Direction = 'toTarget' | 'toClient'

interface Link {
  client: Socket
  target: Socket
  held: Record<Direction, Buffer[]>
  /** The source of this direction ended (FIN) while silenced; pass the FIN on at resume. */
  endHeld: Record<Direction, boolean>
  /** A socket closed abruptly while silenced; drop the other side at resume. */
  dropHeld: boolean
  idleTimer: ReturnType<typeof setTimeout> | null
  done: boolean
}

function reset(socket: Socket): void {
  if (socket.destroyed) return
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else socket.destroy()
}

/** A TCP proxy on 127.0.0.1 (random port) in front of `targetPort` that can go silent, cut and time out. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1'
  let idleTimeoutMs = options.idleTimeoutMs ?? null
  let silenced = false
  let totalConnections = 0
  let idleTimeouts = 0
  let heldBytes = 0
  const bytesForwarded = { toTarget: 0, toClient: 0 }
  const links = new Set<Link>()

  const events = new EventEmitter()
  events.setMaxListeners(0)
  const changed = () => events.emit('change')
  const subscribe = (onChange: () => void) => {
    events.on('change', onChange)
    return () => {
      events.off('change', onChange)
    }
  }

  const finish = (link: Link) => {
    if (link.done) return
    link.done = true
    if (link.idleTimer !== null) clearTimeout(link.idleTimer)
    heldBytes -= link.held.toTarget.reduce((sum, chunk) => sum + chunk.length, 0)
    heldBytes -= link.held.toClient.reduce((sum, chunk) => sum + chunk.length, 0)
    link.held.toTarget = []
    link.held.toClient = []
    links.delete(link)
    changed()
  }

  const armIdleTimer = (link: Link) => {
    if (link.idleTimer !== null) clearTimeout(link.idleTimer)
    link.idleTimer = null
    if (idleTimeoutMs === null || link.done) return
    link.idleTimer = setTimeout(() => {
      idleTimeouts++
      link.client.destroy()
      link.target.destroy()
      finish(link)
    }, idleTimeoutMs)
  }

  const forward = (link: Link, direction: Direction, chunk: Buffer) => {
    const destination = direction === 'toTarget' ? link.target : link.client
    if (destination.destroyed || destination.writableEnded) return
    destination.write(chunk)
    bytesForwarded[direction] += chunk.length
    armIdleTimer(link)
    changed()
  }

  const wire = (link: Link, source: Socket, destination: Socket, direction: Direction) => {
    let ended = false
    source.on('error', () => {})
    source.on('data', (chunk: Buffer) => {
      if (link.done) return
      if (silenced) {
        link.held[direction].push(chunk)
        heldBytes += chunk.length
        changed()
        return
      }
      forward(link, direction, chunk)
    })
    source.on('end', () => {
      ended = true
      if (link.done) return
      if (silenced) {
        link.endHeld[direction] = true
        changed()
      } else destination.end()
    })
    source.on('close', () => {
      if (link.done) return
      if (!ended) {
        // Reset or error: the other side is dropped too, unless the path is silent.
        if (silenced) {
          link.dropHeld = true
          changed()
          return
        }
        destination.destroy()
      }
      if (link.client.destroyed && link.target.destroyed) finish(link)
    })
  }

  const server = createServer({ allowHalfOpen: true }, (client) => {
    totalConnections++
    const target = connect({ port: options.targetPort, host: targetHost, allowHalfOpen: true })
    const link: Link = {
      client,
      target,
      held: { toTarget: [], toClient: [] },
      endHeld: { toTarget: false, toClient: false },
      dropHeld: false,
      idleTimer: null,
      done: false,
    }
    links.add(link)
    wire(link, client, target, 'toTarget')
    wire(link, target, client, 'toClient')
    armIdleTimer(link)
    changed()
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port

  return {
    port,
    url: (path = '/') => `ws://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    get connections() {
      return links.size
    },
    get totalConnections() {
      return totalConnections
    },
    get idleTimeouts() {
      return idleTimeouts
    },
    get silenced() {
      return silenced
    },
    get heldBytes() {
      return heldBytes
    },
    get heldCloses() {
      let count = 0
      for (const link of links) {
        count += Number(link.endHeld.toTarget) + Number(link.endHeld.toClient) + Number(link.dropHeld)
      }
      return count
    },
    bytesForwarded,
    silence: () => {
      silenced = true
      changed()
    },
    resume: () => {
      if (!silenced) return
      silenced = false
      for (const link of [...links]) {
        for (const direction of ['toTarget', 'toClient'] as const) {
          const chunks = link.held[direction]
          link.held[direction] = []
          for (const chunk of chunks) {
            heldBytes -= chunk.length
            forward(link, direction, chunk)
          }
          if (link.endHeld[direction]) (direction === 'toTarget' ? link.target : link.client).end()
        }
        if (link.dropHeld) {
          link.client.destroy()
          link.target.destroy()
          finish(link)
        }
      }
      changed()
    },
    cutAll: () => {
      for (const link of [...links]) {
        reset(link.client)
        reset(link.target)
        finish(link)
      }
    },
    setIdleTimeout: (ms) => {
      idleTimeoutMs = ms
      for (const link of links) armIdleTimer(link)
    },
    waitUntil: (check, waitOptions) => waitFor(subscribe, check, waitOptions),
    close: () =>
      new Promise<void>((resolve) => {
        for (const link of [...links]) {
          link.client.destroy()
          link.target.destroy()
          finish(link)
        }
        server.close(() => resolve())
        events.removeAllListeners()
      }),
  }
}
