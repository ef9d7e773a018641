import { afterEach, describe, expect, it, vi } from 'vitest'
import { getConnection, resetConnections } from '../../src/core/registry'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'

afterEach(() => {
  resetConnections()
  vi.restoreAllMocks()
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

  it('forgets a destroyed connection', () => {
    const first = getConnection('ws://h/destroy')
    first.destroy()
    expect(getConnection('ws://h/destroy')).not.toBe(first)
  })
})
