import { afterEach, describe, expect, test, vi } from 'vitest'
import { createConnection } from '../../src/core/index'
import { createMockServer, type MockServer } from '../../src/testing/index'

const URL = 'ws://app.test/live'
const servers: MockServer[] = []
function serve(...args: Parameters<typeof createMockServer>): MockServer {
  const server = createMockServer(...args)
  servers.push(server)
  return server
}

afterEach(() => {
  for (const server of servers.splice(0)) server.dispose()
  vi.useRealTimers()
})

/** Every event a raw socket fires, as text, so a test can compare what a page saw. */
function record(socket: WebSocket): string[] {
  const seen: string[] = []
  socket.addEventListener('open', () => seen.push('open'))
  socket.addEventListener('message', (event) => seen.push(`message ${String(event.data)}`))
  socket.addEventListener('error', () => seen.push('error'))
  socket.addEventListener('close', (event) =>
    seen.push(`close ${event.code} ${event.reason} ${event.wasClean}`),
  )
  return seen
}

function closed(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => socket.addEventListener('close', () => resolve()))
}

describe('the WebSocket stand-in', () => {
  test('exists only while a mock server does, and routes by URL (query aside)', async () => {
    const original = globalThis.WebSocket
    const server = serve(URL)
    expect(globalThis.WebSocket).not.toBe(original)
    const socket = new WebSocket(`${URL}?token=abc`)
    const seen = record(socket)
    const client = await server.nextConnection()
    expect(client.url).toBe(`${URL}?token=abc`)
    expect(socket.readyState).toBe(WebSocket.OPEN)
    expect(seen).toEqual(['open'])
    server.dispose()
    expect(globalThis.WebSocket).toBe(original)
  })

  test('a URL without a mock server throws when the socket is created, naming the URL redacted', () => {
    serve(URL)
    expect(() => new WebSocket('ws://other.test/x?token=secret')).toThrow(
      'no mock server for ws://other.test/x?token=[redacted] (mock servers: ws://app.test/live)',
    )
  })

  test('send, sendJson and received: text, JSON and binary both ways, in order', async () => {
    const server = serve(URL)
    const socket = new WebSocket(URL)
    socket.binaryType = 'arraybuffer'
    const seen = record(socket)
    await server.nextConnection()
    server.send('plain')
    server.sendJson({ n: 1 })
    server.send(new Uint8Array([1, 2]))
    socket.send('{"type":"chat","text":"hi"}')
    socket.send('not json')
    socket.send(new Uint8Array([7, 8]))
    const third = server.nextMessage((message) => message instanceof Uint8Array)
    expect(await third).toEqual(new Uint8Array([7, 8]))
    expect(seen).toEqual(['open', 'message plain', 'message {"n":1}', 'message [object ArrayBuffer]'])
    expect(server.received).toEqual([{ type: 'chat', text: 'hi' }, 'not json', new Uint8Array([7, 8])])
    expect(server.clients[0]?.received).toEqual(server.received)
  })

  test('close(code, reason) sends a close frame; the page sees it clean', async () => {
    const server = serve(URL)
    const socket = new WebSocket(URL)
    const seen = record(socket)
    await server.nextConnection()
    server.close(4001, 'go away')
    await closed(socket)
    expect(seen).toEqual(['open', 'close 4001 go away true'])
    expect(server.clients).toEqual([])
  })

  test('drop() ends without a close frame: error, then 1006 with wasClean false', async () => {
    const server = serve(URL)
    const socket = new WebSocket(URL)
    const seen = record(socket)
    await server.nextConnection()
    server.drop()
    await closed(socket)
    expect(seen).toEqual(['open', 'error', 'close 1006  false'])
  })

  test('refuse() fails new attempts before they open; refuse(n) only the next n; restore() accepts again', async () => {
    const server = serve(URL)
    server.refuse(1)
    const first = new WebSocket(URL)
    const seenFirst = record(first)
    await closed(first)
    expect(seenFirst).toEqual(['error', 'close 1006  false'])
    const second = new WebSocket(URL)
    await server.nextConnection()
    expect(second.readyState).toBe(WebSocket.OPEN)
    server.refuse()
    for (let n = 0; n < 3; n++) {
      const refused = new WebSocket(URL)
      await closed(refused)
    }
    server.restore()
    new WebSocket(URL)
    await server.nextConnection()
    expect(server.connections).toBe(2)
  })

  test('goSilent(): no pongs, no sends, handshakes hang; the page can still talk; restore() completes held handshakes', async () => {
    const replies: unknown[] = []
    const server = serve(URL, { onMessage: (message) => replies.push(message) })
    const socket = new WebSocket(URL)
    const seen = record(socket)
    await server.nextConnection()
    server.goSilent()
    socket.send('{"type":"ping"}')
    socket.send('{"type":"hello"}')
    server.send('lost')
    await server.nextMessage()
    const late = new WebSocket(URL)
    await Promise.resolve()
    await Promise.resolve()
    expect(late.readyState).toBe(WebSocket.CONNECTING)
    expect(seen).toEqual(['open'])
    expect(server.pings).toBe(1)
    expect(replies).toEqual([])
    const next = server.nextConnection()
    server.restore()
    await next
    expect(late.readyState).toBe(WebSocket.OPEN)
  })

  test('answers heartbeat pings by default, keeps them out of received, and can be told not to', async () => {
    const server = serve(URL)
    const socket = new WebSocket(URL)
    const seen = record(socket)
    await server.nextConnection()
    socket.send('{"type":"ping"}')
    socket.send('{"type":"after"}')
    await server.nextMessage()
    expect(seen).toEqual(['open', 'message {"type":"pong"}'])
    expect(server.received).toEqual([{ type: 'after' }])
    expect(server.pings).toBe(1)
    server.dispose()

    const plain = serve(URL, { heartbeat: false })
    const other = new WebSocket(URL)
    await plain.nextConnection()
    other.send('{"type":"ping"}')
    expect(await plain.nextMessage()).toEqual({ type: 'ping' })
    expect(plain.pings).toBe(0)
  })

  test('the page closing is seen by the server; a silent server never answers, so the page gets 1006', async () => {
    const server = serve(URL)
    const socket = new WebSocket(URL)
    const seen = record(socket)
    await server.nextConnection()
    socket.close(1000, 'bye')
    await closed(socket)
    expect(seen).toEqual(['open', 'close 1000 bye true'])
    expect(server.clients).toEqual([])

    const second = new WebSocket(URL)
    const seenSecond = record(second)
    await server.nextConnection()
    server.goSilent()
    second.close()
    await closed(second)
    expect(seenSecond).toEqual(['open', 'error', 'close 1006  false'])
  })

  test('the stand-in keeps the browser rules: no send while connecting, close codes 1000 or 3000-4999', () => {
    serve(URL)
    const socket = new WebSocket(URL)
    expect(() => socket.send('early')).toThrow('CONNECTING')
    expect(() => socket.close(1001)).toThrow('1000 or 3000-4999')
    expect(WebSocket.OPEN).toBe(1)
  })
})

describe('with the library under fake timers', () => {
  test('backoff and heartbeat run on the fake clock while socket events flow', async () => {
    vi.useFakeTimers()
    const server = serve(URL)
    const connection = createConnection(URL, {
      heartbeat: { interval: 1000, timeout: 500 },
      retry: { jitter: 'none', initialDelay: 1000 },
    })
    connection.connect()
    await vi.advanceTimersByTimeAsync(0)
    expect(connection.getState().status).toBe('open')

    // Pings are answered, so minutes pass without a drop.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(connection.getState().status).toBe('open')
    expect(server.pings).toBe(60)

    server.drop()
    await vi.advanceTimersByTimeAsync(0)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', lastClose: { code: 1006 } })
    await vi.advanceTimersByTimeAsync(1000)
    expect(connection.getState().status).toBe('open')
    expect(server.connections).toBe(2)

    // Ping at 1000 ms, no reply by 1500 ms, and one last macrotask (1 ms) for a late reply.
    server.goSilent()
    await vi.advanceTimersByTimeAsync(1500)
    expect(connection.getState().status).toBe('open')
    await vi.advanceTimersByTimeAsync(1)
    expect(connection.getState().status).toBe('reconnecting')
    connection.destroy()
  })
})
