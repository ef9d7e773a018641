import { describe, expect, it, vi } from 'vitest'
import { LifelineConnection } from '../../src/core/connection'
import { fakeConnection } from '../support/fake-connection'
import { FakeWebSocket } from '../support/fake-websocket'

/** Lets pending promise callbacks run (the URL function may be async). */
const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve))

describe('URLs', () => {
  it.each([
    'notaurl',
    'http://example.test/socket',
    'ftp://x',
    'ws://host/#frag',
    '',
  ])('fails with a clear error for the invalid URL %j, never throwing', (url) => {
    const { connection, sockets, clock } = fakeConnection({}, url)
    expect(() => connection.connect()).not.toThrow()
    expect(connection.getState().status).toBe('failed')
    expect(connection.getState().error).toBeInstanceOf(SyntaxError)
    expect(connection.getState().error?.message).toMatch(/Invalid WebSocket URL/)
    expect(sockets()).toHaveLength(0)
    expect(clock.pending).toBe(0)
  })

  it('quotes a blank URL in its error, so the user sees it was blank', () => {
    const { connection } = fakeConnection({}, '  ')
    connection.connect()
    expect(connection.getState().error?.message).toBe(
      'Invalid WebSocket URL "  ": expected a ws:// or wss:// URL string.',
    )
  })

  it('redacts secrets from URL errors', () => {
    const { connection } = fakeConnection({}, 'http://host/ws?token=abc123&room=1')
    connection.connect()
    expect(connection.getState().error?.message).toContain('token=[redacted]&room=1')
    expect(connection.getState().error?.message).not.toContain('abc123')
  })

  it('calls a URL function before every attempt', async () => {
    let n = 0
    const { connection, socket, clock } = fakeConnection(
      { retry: { jitter: 'none' } },
      () => `ws://h/s?token=t${++n}`,
    )
    connection.connect()
    expect(socket().url).toBe('ws://h/s?token=t1')
    socket().closeFromServer(1006)
    clock.next()
    expect(socket().url).toBe('ws://h/s?token=t2')
  })

  it('awaits an async URL function', async () => {
    const { connection, socket, sockets } = fakeConnection({}, async () => 'ws://h/async')
    connection.connect()
    expect(sockets()).toHaveLength(0)
    expect(connection.getState().status).toBe('connecting')
    await settle()
    expect(socket().url).toBe('ws://h/async')
  })

  it('retries when the URL function throws, with the error in state', () => {
    let calls = 0
    const { connection, socket, clock } = fakeConnection(
      { retry: { jitter: 'none', initialDelay: 100 } },
      () => {
        calls += 1
        if (calls === 1) throw new Error('auth service down')
        return 'ws://h/ok'
      },
    )
    connection.connect()
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(connection.getState().error?.message).toMatch(/url function threw: auth service down/)
    expect((connection.getState().error?.cause as Error).message).toBe('auth service down')
    clock.advance(100)
    expect(socket().url).toBe('ws://h/ok')
  })

  it('retries when the URL function rejects or returns something that is not a URL', async () => {
    const results: (() => Promise<unknown>)[] = [
      () => Promise.reject(new Error('no token')),
      () => Promise.resolve(42),
      () => Promise.resolve('ws://h/third'),
    ]
    const { connection, sockets, clock } = fakeConnection(
      { retry: { jitter: 'none', initialDelay: 100 } },
      () => results.shift()!() as Promise<string>,
    )
    connection.connect()
    await settle()
    await settle()
    expect(connection.getState().error?.message).toMatch(/rejected: no token/)
    expect(connection.getState().status).toBe('reconnecting')
    clock.advance(100)
    await settle()
    await settle()
    expect(connection.getState().error?.message).toMatch(/Invalid WebSocket URL/)
    expect(connection.getState().status).toBe('reconnecting')
    clock.advance(200)
    await settle()
    await settle()
    expect(sockets().map((socket) => socket.url)).toEqual(['ws://h/third'])
  })

  it('ignores a URL that resolves after the attempt was abandoned', async () => {
    let resolveUrl: (url: string) => void = () => {}
    const { connection, sockets } = fakeConnection(
      {},
      () => new Promise<string>((resolve) => (resolveUrl = resolve)),
    )
    connection.connect()
    connection.close()
    resolveUrl('ws://h/late')
    await settle()
    expect(sockets()).toHaveLength(0)
    expect(connection.getState().status).toBe('closed')
  })

  it('fails with advice when there is no WebSocket implementation', () => {
    const connection = new LifelineConnection('ws://h/s', { WebSocket: undefined })
    // Node 20 has no global WebSocket.
    if (typeof globalThis.WebSocket === 'undefined') {
      connection.connect()
      expect(connection.getState().status).toBe('failed')
      expect(connection.getState().error?.message).toMatch(/pass one with the WebSocket option/)
    }
    connection.destroy()
  })
})

describe('transport hygiene', () => {
  it('warns once in development when an https page connects with ws://', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.stubGlobal('location', { protocol: 'https:', href: 'https://app.test/' })
    const { connection, clock } = fakeConnection(
      { retry: { jitter: 'none' } },
      'ws://plain.test/s?token=hush',
    )
    connection.connect()
    FakeWebSocket.last.closeFromServer(1006)
    clock.next()
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]?.[0]).toMatch(/Use wss:\/\//)
    expect(warn.mock.calls[0]?.[0]).not.toContain('hush')
    vi.unstubAllGlobals()
    warn.mockRestore()
  })

  it('resolves a path against an http page as ws://, and never a path without its slash', () => {
    vi.stubGlobal('location', { protocol: 'http:', href: 'http://app.test/room/1' })
    const { connection, socket } = fakeConnection({}, '/live')
    connection.connect()
    expect(socket().url).toBe('ws://app.test/live')
    const relative = fakeConnection({}, 'live')
    relative.connection.connect()
    expect(relative.connection.getState().error?.message).toBe(
      'Invalid WebSocket URL "live": expected an absolute ws:// or wss:// URL.',
    )
    vi.unstubAllGlobals()
  })

  it('resolves a path against the page, turning https into wss', () => {
    vi.stubGlobal('location', { protocol: 'https:', href: 'https://app.test/room/1' })
    const { connection, socket } = fakeConnection({}, '/live?x=1')
    connection.connect()
    expect(socket().url).toBe('wss://app.test/live?x=1')
    vi.unstubAllGlobals()
  })
})
