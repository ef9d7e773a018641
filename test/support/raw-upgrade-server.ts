import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * An HTTP server on 127.0.0.1 that answers WebSocket upgrades by hand, for the handshakes a
 * well-behaved `ws` server never gives: a refusal with any HTTP status, an accept that selects
 * no subprotocol, a close frame whose TCP connection then stays open.
 */
export interface RawUpgradeServer {
  readonly url: string
  urlFor(path: string): string
  /** Every upgrade request, in order. */
  readonly requests: IncomingMessage[]
  /** How the next upgrades are answered (the default refuses with 503). */
  answer(how: (request: IncomingMessage, socket: Socket) => void): void
  close(): Promise<void>
}

/** Refuses the upgrade with an HTTP status, as an auth proxy or a missing route does. */
export function refuseWith(status: number) {
  return (_request: IncomingMessage, socket: Socket) => {
    socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }
}

/** Completes the handshake; `protocol` null answers without the Sec-WebSocket-Protocol header. */
export function accept(request: IncomingMessage, socket: Socket, protocol: string | null = null): void {
  const key = String(request.headers['sec-websocket-key'])
  const acceptKey = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${acceptKey}`,
      ...(protocol === null ? [] : [`Sec-WebSocket-Protocol: ${protocol}`]),
      '',
      '',
    ].join('\r\n'),
  )
}

/** A server-to-client close frame (unmasked) with `code` and no reason. */
export function closeFrame(code: number): Buffer {
  return Buffer.from([0x88, 0x02, code >> 8, code & 0xff])
}

export async function startRawUpgradeServer(): Promise<RawUpgradeServer> {
  const requests: IncomingMessage[] = []
  const sockets = new Set<Socket>()
  let how: (request: IncomingMessage, socket: Socket) => void = refuseWith(503)
  const http = createServer((_request, response) => response.writeHead(426).end())
  http.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  http.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    socket.on('error', () => {})
    requests.push(request)
    how(request, socket)
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}/`,
    urlFor: (path) => `ws://127.0.0.1:${port}${path}`,
    requests,
    answer: (next) => {
      how = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        http.close(() => resolve())
      }),
  }
}
