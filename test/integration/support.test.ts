import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy'
import { waitFor } from '../support/wait'
import { startTestServer, type TestServer } from '../support/ws-server'

// Proves the fault helpers do what they claim, with a bare `ws` client and no library code,
// so a failing library test can be trusted to be about the library.

interface RawClient {
  socket: WebSocket
  messages: string[]
  closed: Promise<{ code: number; reason: string; wasClean: boolean; at: number }>
  /** Resolves when `count` messages have arrived in total. */
  waitForMessages(count: number): Promise<string[]>
}

const servers: TestServer[] = []
const proxies: TcpProxy[] = []
const sockets: WebSocket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate()
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function server(options?: Parameters<typeof startTestServer>[0]) {
  const started = await startTestServer(options)
  servers.push(started)
  return started
}

async function proxy(options: Parameters<typeof startTcpProxy>[0]) {
  const started = await startTcpProxy(options)
  proxies.push(started)
  return started
}

function rawClient(url: string): RawClient {
  const socket = new WebSocket(url)
  sockets.push(socket)
  const messages: string[] = []
  const events = new EventTarget()
  socket.on('error', () => {})
  socket.on('message', (data) => {
    messages.push(data.toString())
    events.dispatchEvent(new Event('change'))
  })
  const closed = new Promise<{ code: number; reason: string; wasClean: boolean; at: number }>((resolve) => {
    socket.addEventListener('close', (event) => {
      resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean, at: Date.now() })
    })
  })
  return {
    socket,
    messages,
    closed,
    waitForMessages: (count) =>
      waitFor(
        (onChange) => {
          events.addEventListener('change', onChange)
          return () => events.removeEventListener('change', onChange)
        },
        () => messages.length >= count && messages,
        { description: `${count} client messages` },
      ),
  }
}

async function opened(client: RawClient) {
  if (client.socket.readyState !== WebSocket.OPEN) await once(client.socket, 'open')
}

describe('test server', () => {
  it('accepts on 127.0.0.1, logs messages, answers pings and echoes on request', async () => {
    const srv = await server()
    expect(srv.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/)
    const client = rawClient(srv.url)
    const accepted = await srv.waitForConnection()
    await opened(client)
    expect(accepted.id).toBe(1)
    expect(srv.connections).toBe(1)
    expect(srv.totalConnections).toBe(1)

    client.socket.send('{"type":"ping"}')
    expect(await client.waitForMessages(1)).toEqual(['{"type":"pong"}'])
    expect(srv.pings).toBe(1)

    client.socket.send('hello')
    await srv.waitForMessage((m) => m.data === 'hello')
    srv.setEcho(true)
    client.socket.send('echo me')
    expect(await client.waitForMessages(2)).toEqual(['{"type":"pong"}', 'echo me'])

    srv.setAutoPong(false)
    srv.setEcho(false)
    client.socket.send('{"type":"ping"}')
    client.socket.send('after')
    await srv.waitForMessage((m) => m.data === 'after')
    expect(srv.pings).toBe(2)
    expect(client.messages).toHaveLength(2)
    expect(srv.received.map((m) => m.data)).toEqual([
      '{"type":"ping"}',
      'hello',
      'echo me',
      '{"type":"ping"}',
      'after',
    ])
  })

  it('closeAll sends a close frame with the code and reason', async () => {
    const srv = await server()
    const client = rawClient(srv.url)
    await opened(client)
    const disconnect = srv.waitForDisconnect()
    await srv.closeAll(4001, 'go away')
    expect(await client.closed).toMatchObject({ code: 4001, reason: 'go away', wasClean: true })
    expect(await disconnect).toMatchObject({ code: 4001 })
    expect(srv.connections).toBe(0)
  })

  it('destroyAll drops TCP with no close frame: the client sees 1006', async () => {
    const srv = await server()
    const client = rawClient(srv.url)
    await opened(client)
    await srv.destroyAll()
    expect(await client.closed).toMatchObject({ code: 1006, wasClean: false })
  })

  it('refuse(true) answers the handshake with 503', async () => {
    const srv = await server()
    srv.refuse(true)
    const client = rawClient(srv.url)
    const [, response] = (await once(client.socket, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ]
    expect(response.statusCode).toBe(503)
    expect(srv.refusedHandshakes).toBe(1)
    expect(srv.totalConnections).toBe(0)

    srv.refuse(false)
    const second = rawClient(srv.url)
    await opened(second)
    expect(srv.totalConnections).toBe(1)
    expect(srv.upgradeTimes).toHaveLength(2)
  })

  it('stop() drops everyone and refuses TCP; start() listens again on the same port', async () => {
    const srv = await server()
    const port = srv.port
    const first = rawClient(srv.url)
    await opened(first)
    await srv.stop()
    expect((await first.closed).code).toBe(1006)
    expect(srv.listening).toBe(false)

    const refused = rawClient(srv.url)
    const [error] = (await once(refused.socket, 'error')) as [NodeJS.ErrnoException]
    expect(error.code).toBe('ECONNREFUSED')

    await srv.start()
    expect(srv.port).toBe(port)
    const again = rawClient(srv.url)
    await opened(again)
    expect(srv.totalConnections).toBe(2)
  })

  it('stop({ code }) closes with a close frame first', async () => {
    const srv = await server()
    const client = rawClient(srv.url)
    await opened(client)
    await srv.stop({ code: 1012, reason: 'restart' })
    expect(await client.closed).toMatchObject({ code: 1012, reason: 'restart', wasClean: true })
  })

  it('onConnection hooks see every accepted socket', async () => {
    const srv = await server({ onConnection: (client) => client.send('welcome') })
    const seen: number[] = []
    const off = srv.onConnection((client) => seen.push(client.id))
    const client = rawClient(srv.url)
    expect(await client.waitForMessages(1)).toEqual(['welcome'])
    off()
    const second = rawClient(srv.url)
    await second.waitForMessages(1)
    expect(seen).toEqual([1])
  })
})

describe('tcp proxy', () => {
  it('forwards both ways', async () => {
    const srv = await server({ echo: true })
    const px = await proxy({ targetPort: srv.port })
    const client = rawClient(px.url('/room?x=1'))
    const accepted = await srv.waitForConnection()
    expect(accepted.request.url).toBe('/room?x=1')
    await opened(client)
    client.socket.send('through')
    expect(await client.waitForMessages(1)).toEqual(['through'])
    expect(px.connections).toBe(1)
    expect(px.bytesForwarded.toTarget).toBeGreaterThan(0)
    expect(px.bytesForwarded.toClient).toBeGreaterThan(0)
  })

  it('silence() stops bytes both ways with both sockets open; resume() delivers what was held, in order', async () => {
    const srv = await server()
    const px = await proxy({ targetPort: srv.port })
    const client = rawClient(px.url())
    const accepted = await srv.waitForConnection()
    await opened(client)

    px.silence()
    const forwarded = { ...px.bytesForwarded }
    client.socket.send('one')
    client.socket.send('two')
    accepted.send('down')
    // Both frames are at the proxy (held), and not one byte went on.
    // Client frames: 2 header bytes, 4 mask bytes, payload; server frames: 2 header bytes, payload.
    await px.waitUntil(() => px.heldBytes === 2 * (2 + 4 + 3) + (2 + 4), { description: 'held bytes' })
    expect(px.bytesForwarded).toEqual(forwarded)
    expect(srv.received).toHaveLength(0)
    expect(client.messages).toHaveLength(0)
    // Half-open: neither end knows.
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    expect(accepted.isOpen()).toBe(true)

    px.resume()
    const messages = await srv.waitForMessages(2)
    expect(messages.map((m) => m.data)).toEqual(['one', 'two'])
    expect(await client.waitForMessages(1)).toEqual(['down'])
    expect(px.heldBytes).toBe(0)
  })

  it('silence() also holds a close, so the server never learns the client left', async () => {
    const srv = await server()
    const px = await proxy({ targetPort: srv.port })
    const client = rawClient(px.url())
    const accepted = await srv.waitForConnection()
    await opened(client)

    px.silence()
    client.socket.terminate()
    await client.closed
    await px.waitUntil(() => px.heldCloses >= 1, { description: 'the close to reach the proxy' })
    expect(px.connections).toBe(1)
    expect(accepted.isOpen()).toBe(true)

    px.resume()
    const disconnect = await accepted.closed
    expect(disconnect.code).toBe(1006)
    await px.waitUntil(() => px.connections === 0, { description: 'no links' })
  })

  it('cutAll() resets the connection: the client sees 1006 and the server loses it too', async () => {
    const srv = await server()
    const px = await proxy({ targetPort: srv.port })
    const client = rawClient(px.url())
    const accepted = await srv.waitForConnection()
    await opened(client)
    px.cutAll()
    expect(await client.closed).toMatchObject({ code: 1006, wasClean: false })
    expect((await accepted.closed).code).toBe(1006)
    expect(px.connections).toBe(0)
  })

  it('the idle timeout closes a quiet connection without a close frame', async () => {
    const srv = await server()
    const px = await proxy({ targetPort: srv.port, idleTimeoutMs: 150 })
    const client = rawClient(px.url())
    await opened(client)
    const openedAt = Date.now()
    const closed = await client.closed
    expect(closed).toMatchObject({ code: 1006, wasClean: false })
    expect(closed.at - openedAt).toBeGreaterThanOrEqual(140)
    expect(px.idleTimeouts).toBe(1)
  })

  it('traffic keeps the idle timeout at bay', async () => {
    const srv = await server()
    const px = await proxy({ targetPort: srv.port, idleTimeoutMs: 150 })
    const client = rawClient(px.url())
    await opened(client)
    // The client's own ping timer is the traffic; the test waits on the pings it causes.
    const pinger = setInterval(() => client.socket.send('{"type":"ping"}'), 50)
    try {
      await srv.waitForPings(10)
    } finally {
      clearInterval(pinger)
    }
    expect(px.idleTimeouts).toBe(0)
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    expect(client.messages.length).toBeGreaterThanOrEqual(9)
  })

  it('a connection to a target that is down is dropped', async () => {
    const srv = await server()
    const px = await proxy({ targetPort: srv.port })
    await srv.stop()
    const client = rawClient(px.url())
    expect((await client.closed).code).toBe(1006)
  })
})
