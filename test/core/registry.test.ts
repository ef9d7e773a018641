import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConnection } from '../../src/core/create-connection'
import { getConnection, isShared, joinConnection, resetConnections } from '../../src/core/registry'
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

  it('reports a retry policy that differs from the one in force, and keeps the first', () => {
    const shouldRetry = () => true
    getConnection('ws://h/fn', { retry: { shouldRetry, maxAttempts: 3 } })
    // The same policy written again inline is the same policy.
    getConnection('ws://h/fn', { retry: { shouldRetry, maxAttempts: 3 } })
    expectConsole('warn', /the shared connection for "ws:\/\/h\/fn" keeps its "retry"/)
    const connection = getConnection('ws://h/fn', { retry: {} })
    expect(connection.options.retry?.maxAttempts).toBe(3)
  })

  it('lets the first caller with options configure a connection several watchers created', () => {
    const watcher = getConnection('ws://h/watchers')
    expect(getConnection('ws://h/watchers')).toBe(watcher)
    getConnection('ws://h/watchers', { heartbeat: true, WebSocket: FakeWebSocketConstructor })
    expect(watcher.options.heartbeat).not.toBeNull()
  })

  it('merges what later calls ask for: a heartbeat is never switched off by a call without one', () => {
    const warn = vi.spyOn(console, 'warn')
    const connection = getConnection('ws://h/merge', { heartbeat: { interval: 30000 } })
    getConnection('ws://h/merge', { heartbeat: false, lingerMs: 5000 })
    getConnection('ws://h/merge', { heartbeat: { interval: 5000 }, lingerMs: 10 })
    expect(warn).not.toHaveBeenCalled()
    expect(connection.options.heartbeat?.interval).toBe(5000)
    expect(connection.options.lingerMs).toBe(5000)
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

  it('turns the heartbeat on for a connection that has started, without a new socket', () => {
    FakeWebSocket.reset()
    const clock = new FakeClock()
    const first = getConnection('ws://h/order-started', { WebSocket: FakeWebSocketConstructor, clock })
    first.connect()
    FakeWebSocket.last.open()
    getConnection('ws://h/order-started', {
      heartbeat: { interval: 1000 },
      WebSocket: FakeWebSocketConstructor,
    })
    expect(first.options.heartbeat?.interval).toBe(1000)
    clock.advance(1000)
    expect(FakeWebSocket.last.sent).toEqual(['{"type":"ping"}'])
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('keeps the clock a started connection runs on, and says so', () => {
    FakeWebSocket.reset()
    const first = getConnection('ws://h/order-clock', { WebSocket: FakeWebSocketConstructor })
    first.connect()
    expectConsole('warn', /keeps its "clock"/)
    getConnection('ws://h/order-clock', { clock: new FakeClock() })
    expect(first.getState().status).toBe('connecting')
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

  it('compares functions by identity: the same functions again do not warn', () => {
    const warn = vi.spyOn(console, 'warn')
    const isPong = () => true
    const random = () => 0.5
    const make = () => ({ heartbeat: { isPong, message: 'ping' }, random })
    getConnection('ws://h/shape', make())
    getConnection('ws://h/shape', make())
    expect(warn).not.toHaveBeenCalled()
  })

  it('reports a differing option in production too, as a short code', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    getConnection('ws://h/prod', { binaryType: 'blob' })
    getConnection('ws://h/prod', { binaryType: 'arraybuffer' })
    expect(warn).toHaveBeenCalledOnce()
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^react-lifeline error 37 \(binaryType\); see /)
  })

  it('names the redacted URL in the warning, once per message', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    getConnection('ws://h/once?token=secret', { handshake: () => {} })
    getConnection('ws://h/once?token=secret', { handshake: () => {} })
    getConnection('ws://h/once?token=secret', { handshake: () => {} })
    expect(warn).toHaveBeenCalledOnce()
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^react-lifeline: the shared connection for "ws:\/\/h\/once\?token=/,
    )
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/keeps its "handshake"/)
    expect(String(warn.mock.calls[0]?.[0])).not.toContain('secret')
  })
})

describe('joinConnection', () => {
  it("counts a holder's options until it leaves, and a call without options never lowers them", () => {
    const [connection, change, leave] = joinConnection('ws://h/join', { heartbeat: { interval: 3000 } })
    getConnection('ws://h/join')
    expect(connection.options.heartbeat?.interval).toBe(3000)
    change({ heartbeat: { interval: 2000 } })
    expect(connection.options.heartbeat?.interval).toBe(2000)
    const [, , leaveOther] = joinConnection('ws://h/join', { lingerMs: 50 })
    leave()
    expect(connection.options.heartbeat).toBeNull()
    expect(connection.options.lingerMs).toBe(50)
    leaveOther()
    // No holder asks for anything: the options stay as they were.
    expect(connection.options.lingerMs).toBe(50)
  })

  it('tells a holder that its connection lingered out, so it can join the next one', () => {
    FakeWebSocket.reset()
    const clock = new FakeClock()
    const options = { WebSocket: FakeWebSocketConstructor, clock, lingerMs: 10 }
    const moved = vi.fn()
    const left = vi.fn()
    const [first] = joinConnection('ws://h/moved', options, moved)
    const [, , leave] = joinConnection('ws://h/moved', options, left)
    leave()
    const release = first.retain()
    FakeWebSocket.last.open()
    release()
    expect(moved).not.toHaveBeenCalled()
    clock.advance(10)
    expect(moved).toHaveBeenCalledOnce()
    expect(left).not.toHaveBeenCalled()
    expect(joinConnection('ws://h/moved', options, moved)[0]).not.toBe(first)
  })
})
