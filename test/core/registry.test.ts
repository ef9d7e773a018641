import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConnection } from '../../src/core/create-connection'
import { getConnection, isShared, resetConnections } from '../../src/core/registry'
import { expectConsole } from '../support/console-clean'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'

afterEach(() => {
  resetConnections()
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
})

describe('getConnection', () => {
  it('shares one connection per url and protocols', () => {
    const a = getConnection('ws://h/a')
    expect(getConnection('ws://h/a')).toBe(a)
    expect(getConnection('ws://h/b')).not.toBe(a)
    expect(getConnection('ws://h/a', { protocols: 'v2' })).not.toBe(a)
    expect(getConnection('ws://h/a', { protocols: ['v2'] })).toBe(
      getConnection('ws://h/a', { protocols: 'v2' }),
    )
  })

  it("treats 'v2' and ['v2'] as the same protocols, without an options warning", () => {
    const warn = vi.spyOn(console, 'warn')
    const first = getConnection('ws://h/same', { protocols: 'v2', heartbeat: true })
    expect(getConnection('ws://h/same', { protocols: ['v2'], heartbeat: true })).toBe(first)
    expect(warn).not.toHaveBeenCalled()
  })

  it('never shares a connection between different protocols, and each socket asks for its own', () => {
    FakeWebSocket.reset()
    const WebSocket = FakeWebSocketConstructor
    const requests: [string, string | string[] | undefined][] = [
      ['ws://h/p', undefined],
      ['ws://h/p', 'v1'],
      ['ws://h/p', 'v2'],
      ['ws://h/p', ['v1', 'v2']],
      ['ws://h/p', ['v2', 'v1']],
      // The URL and the protocols must not run together in the key.
      ['ws://h/pv1', undefined],
    ]
    const connections = requests.map(([url, protocols]) =>
      getConnection(url, protocols === undefined ? { WebSocket } : { WebSocket, protocols }),
    )
    expect(new Set(connections).size).toBe(requests.length)
    for (const connection of connections) connection.connect()
    expect(FakeWebSocket.instances.map((socket) => [socket.url, socket.protocols])).toEqual(requests)
  })

  it('keeps protocol lists apart from look-alike strings', () => {
    const none = getConnection('ws://h/look')
    expect(getConnection('ws://h/look', { protocols: 'undefined' })).not.toBe(none)
    expect(getConnection('ws://h/look', { protocols: ['v1', 'v2'] })).not.toBe(
      getConnection('ws://h/look', { protocols: 'v1v2' }),
    )
  })

  it('ignores the hook-only options and compares callbacks by presence', () => {
    const warn = vi.spyOn(console, 'warn')
    getConnection('ws://h/hook', { heartbeat: true, enabled: true } as never)
    getConnection('ws://h/hook', { heartbeat: true, enabled: false, filter: () => true } as never)
    expect(warn).not.toHaveBeenCalled()
    // A callback given once and not again is a difference worth the warning.
    expectConsole('warn', /getConnection\("ws:\/\/h\/fn"\) was called with options that differ/)
    getConnection('ws://h/fn', { retry: { shouldRetry: () => true } })
    getConnection('ws://h/fn', { retry: {} })
  })

  it('lets the first caller with options configure a connection several watchers created', () => {
    const watcher = getConnection('ws://h/watchers')
    expect(getConnection('ws://h/watchers')).toBe(watcher)
    getConnection('ws://h/watchers', { heartbeat: true, WebSocket: FakeWebSocketConstructor })
    expect(watcher.options.heartbeat).not.toBeNull()
  })

  it('warns in development when a later call brings different socket options', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    getConnection('ws://h/warn', { heartbeat: true })
    getConnection('ws://h/warn', { heartbeat: true, onMessage: () => {} } as never)
    expect(warn).not.toHaveBeenCalled()
    getConnection('ws://h/warn', { heartbeat: false })
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]?.[0]).toMatch(/differ/)
  })

  it('refuses a URL function with advice', () => {
    expect(() => getConnection((() => 'ws://h') as never)).toThrow(/createConnection/)
  })

  it('forgets a connection that lingered out, so the next call starts afresh', () => {
    FakeWebSocket.reset()
    const clock = new FakeClock()
    const options = { WebSocket: FakeWebSocketConstructor, clock, lingerMs: 10 }
    const first = getConnection('ws://h/linger', options)
    const release = first.retain()
    FakeWebSocket.last.open()
    release()
    clock.advance(10)
    expect(first.getState().status).toBe('idle')
    expect(getConnection('ws://h/linger', options)).not.toBe(first)
  })

  it('forgets a connection destroyed after it was closed', () => {
    FakeWebSocket.reset()
    const first = getConnection('ws://h/closed-destroy', { WebSocket: FakeWebSocketConstructor })
    first.connect()
    FakeWebSocket.last.open()
    first.close()
    FakeWebSocket.last.closeFromServer(1000)
    expect(first.getState().status).toBe('closed')
    first.destroy()
    expect(isShared(first)).toBe(false)
    expect(getConnection('ws://h/closed-destroy')).not.toBe(first)
  })

  it('forgets a destroyed connection', () => {
    const first = getConnection('ws://h/destroy')
    first.destroy()
    expect(getConnection('ws://h/destroy')).not.toBe(first)
  })
})

describe('getConnection option order', () => {
  it('lets the first caller with options configure a connection a watcher created', () => {
    const watcher = getConnection('ws://h/order')
    expect(watcher.options.heartbeat).toBeNull()
    const holder = getConnection('ws://h/order', { heartbeat: true, WebSocket: FakeWebSocketConstructor })
    expect(holder).toBe(watcher)
    expect(holder.options.heartbeat).not.toBeNull()
    expect(holder.options.WebSocket).toBe(FakeWebSocketConstructor)
  })

  it('keeps messages queued before the options arrived', () => {
    FakeWebSocket.reset()
    const watcher = getConnection('ws://h/order-queue')
    watcher.send('early')
    getConnection('ws://h/order-queue', { WebSocket: FakeWebSocketConstructor }).connect()
    FakeWebSocket.last.open()
    expect(FakeWebSocket.last.sent).toEqual(['early'])
  })

  it('does not reconfigure a connection that has started', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const first = getConnection('ws://h/order-started', { WebSocket: FakeWebSocketConstructor })
    first.connect()
    getConnection('ws://h/order-started', { heartbeat: true, WebSocket: FakeWebSocketConstructor })
    expect(first.options.heartbeat).toBeNull()
    expect(warn).toHaveBeenCalledOnce()
  })
})

describe('getConnection bookkeeping', () => {
  it('isShared tells a registry connection from a private one, and a lingered-out one', () => {
    FakeWebSocket.reset()
    const clock = new FakeClock()
    const shared = getConnection('ws://h/shared', {
      WebSocket: FakeWebSocketConstructor,
      clock,
      lingerMs: 10,
    })
    expect(isShared(shared)).toBe(true)
    expect(isShared(createConnection('ws://h/shared'))).toBe(false)
    expect(isShared({})).toBe(false)
    const release = shared.retain()
    FakeWebSocket.last.open()
    release()
    clock.advance(10)
    expect(isShared(shared)).toBe(false)
  })

  it('keeps a connection shared while it has not started, and while it reconnects', () => {
    FakeWebSocket.reset()
    const clock = new FakeClock()
    const options = { WebSocket: FakeWebSocketConstructor, clock, retry: { jitter: 'none' as const } }
    const first = getConnection('ws://h/kept', options)
    first.connect()
    FakeWebSocket.last.open()
    FakeWebSocket.last.closeFromServer(1006)
    expect(first.getState().status).toBe('reconnecting')
    expect(getConnection('ws://h/kept', options)).toBe(first)
    clock.next()
    FakeWebSocket.last.open()
    expect(getConnection('ws://h/kept', options)).toBe(first)
    expect(isShared(first)).toBe(true)
  })

  it('resetConnections destroys every shared connection and forgets them', () => {
    const a = getConnection('ws://h/r1', { WebSocket: FakeWebSocketConstructor })
    const b = getConnection('ws://h/r2', { WebSocket: FakeWebSocketConstructor })
    a.connect()
    resetConnections()
    expect([a.destroyed, b.destroyed]).toEqual([true, true])
    expect(getConnection('ws://h/r1')).not.toBe(a)
  })

  it('compares functions by shape: new inline callbacks on every render do not warn', () => {
    const warn = vi.spyOn(console, 'warn')
    const make = () => ({ heartbeat: { isPong: () => true, message: () => 'ping' }, random: () => 0.5 })
    getConnection('ws://h/shape', make())
    getConnection('ws://h/shape', make())
    expect(warn).not.toHaveBeenCalled()
  })

  it('does not warn about differing options in production', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.spyOn(console, 'warn')
    getConnection('ws://h/prod', { heartbeat: true })
    getConnection('ws://h/prod', { heartbeat: false })
    expect(warn).not.toHaveBeenCalled()
  })

  it('names the redacted URL in the warning, once per message', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    getConnection('ws://h/once?token=secret', { heartbeat: true })
    getConnection('ws://h/once?token=secret', { heartbeat: false })
    getConnection('ws://h/once?token=secret', { heartbeat: false })
    expect(warn).toHaveBeenCalledOnce()
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^react-lifeline: getConnection\("ws:\/\/h\/once\?token=/)
    expect(String(warn.mock.calls[0]?.[0])).not.toContain('secret')
  })
})
