import { describe, expect, it, vi } from 'vitest'
import { fakeConnection } from '../support/fake-connection'

describe('retain and linger', () => {
  it('opens on the first retain and closes with 1000 to idle once the linger passes', () => {
    const { connection, socket, clock } = fakeConnection({ lingerMs: 1000 })
    const release = connection.retain()
    socket().open()
    release()
    clock.advance(999)
    expect(connection.getState().status).toBe('open')
    clock.advance(1)
    expect(socket().closeCalls).toEqual([{ code: 1000, reason: '' }])
    expect(connection.getState().status).toBe('idle')
    expect(clock.pending).toBe(0)
  })

  it('reuses the open socket when retained again within the linger', () => {
    const { connection, socket, sockets, clock } = fakeConnection({ lingerMs: 1000 })
    const release = connection.retain()
    socket().open()
    release()
    clock.advance(500)
    connection.retain()
    clock.advance(5000)
    expect(sockets()).toHaveLength(1)
    expect(socket().closeCalls).toEqual([])
    expect(connection.getState().status).toBe('open')
  })

  it('releases through a timer even with lingerMs 0, so an immediate remount keeps the socket', () => {
    const { connection, socket, sockets, clock } = fakeConnection({ lingerMs: 0 })
    const release = connection.retain()
    socket().open()
    release()
    connection.retain()
    clock.advance(0)
    expect(sockets()).toHaveLength(1)
    expect(connection.getState().status).toBe('open')
  })

  it('counts holders and ignores a release called twice', () => {
    const { connection, socket, clock } = fakeConnection({ lingerMs: 10 })
    const a = connection.retain()
    const b = connection.retain()
    socket().open()
    a()
    a()
    clock.advance(100)
    expect(connection.getState().status).toBe('open')
    b()
    clock.advance(10)
    expect(connection.getState().status).toBe('idle')
  })

  it('also stops a pending retry when lingering out', () => {
    const { connection, socket, sockets, clock } = fakeConnection({
      lingerMs: 10,
      retry: { initialDelay: 5000 },
    })
    const release = connection.retain()
    socket().closeFromServer(1006)
    release()
    clock.advance(10)
    expect(connection.getState()).toMatchObject({ status: 'idle', attempt: 0, nextRetryAt: null })
    clock.advance(60000)
    expect(sockets()).toHaveLength(1)
  })
})

describe('network awareness', () => {
  it('pauses attempts while offline and connects at once when back online', () => {
    const { connection, socket, sockets, network, clock } = fakeConnection({ retry: { initialDelay: 5000 } })
    connection.connect()
    socket().open()
    network.set(false)
    socket().closeFromServer(1006)
    expect(connection.getState()).toMatchObject({ status: 'offline', nextRetryAt: null, attempt: 1 })
    expect(connection.getState().lastClose).toMatchObject({ initiator: 'network', offline: true })
    clock.advance(60000)
    expect(sockets()).toHaveLength(1)
    network.set(true)
    expect(sockets()).toHaveLength(2)
    expect(connection.getState().status).toBe('reconnecting')
  })

  it('moves a waiting retry to offline when the network goes away', () => {
    const { connection, socket, network, clock } = fakeConnection()
    connection.connect()
    socket().closeFromServer(1006)
    expect(connection.getState().status).toBe('reconnecting')
    network.set(false)
    expect(connection.getState()).toMatchObject({ status: 'offline', nextRetryAt: null })
    expect(clock.pending).toBe(0)
  })

  it('starts offline when retained while the network is down', () => {
    const { connection, sockets, network } = fakeConnection()
    network.set(false)
    connection.retain()
    expect(connection.getState().status).toBe('offline')
    expect(sockets()).toHaveLength(0)
    network.set(true)
    expect(sockets()).toHaveLength(1)
    expect(connection.getState().status).toBe('connecting')
  })

  it('checks an open socket with a ping at once when the network reports offline', () => {
    const { connection, socket, network } = fakeConnection({ heartbeat: { interval: 10000, timeout: 100 } })
    connection.connect()
    socket().open()
    network.set(false)
    expect(socket().sent).toEqual(['{"type":"ping"}'])
  })

  it('listens to the network only while in use', () => {
    const { connection, socket, network, clock } = fakeConnection({ lingerMs: 0 })
    expect(network.listenerCount).toBe(0)
    const release = connection.retain()
    socket().open()
    expect(network.listenerCount).toBe(1)
    release()
    clock.advance(0)
    expect(network.listenerCount).toBe(0)
  })
})

describe('close and destroy', () => {
  it('close() waits for the handshake in closing, then is closed with a client CloseInfo', () => {
    const { connection, socket, clock } = fakeConnection()
    connection.connect()
    socket().open()
    clock.advance(3000)
    connection.close(4000, 'done')
    expect(connection.getState().status).toBe('closing')
    expect(socket().closeCalls).toEqual([{ code: 4000, reason: 'done' }])
    socket().closeFromServer(4000, 'done')
    expect(connection.getState().status).toBe('closed')
    expect(connection.getState().lastClose).toMatchObject({
      code: 4000,
      initiator: 'client',
      openForMs: 3000,
    })
    expect(clock.pending).toBe(0)
  })

  it('gives up on a close handshake that never finishes', () => {
    const { connection, socket, clock } = fakeConnection({ connectTimeout: 1000 })
    connection.connect()
    socket().open()
    connection.close()
    clock.advance(1000)
    expect(connection.getState().status).toBe('closed')
  })

  it('close() while waiting to retry just stops', () => {
    const { connection, socket, sockets, clock } = fakeConnection()
    connection.connect()
    socket().closeFromServer(1006)
    connection.close()
    expect(connection.getState()).toMatchObject({ status: 'closed', nextRetryAt: null })
    clock.advance(60000)
    expect(sockets()).toHaveLength(1)
  })

  it('throws a clear error for codes a client may not send, before touching the socket', () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    for (const code of [999, 1001, 1006, 2000, 5000]) {
      expect(() => connection.close(code)).toThrow(RangeError)
    }
    expect(socket().closeCalls).toEqual([])
    expect(connection.getState().status).toBe('open')
  })

  it('truncates a reason to the 123 bytes the protocol allows without splitting characters', () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    connection.close(1000, 'é'.repeat(100))
    const reason = socket().closeCalls[0]?.reason ?? ''
    expect(new TextEncoder().encode(reason).length).toBe(122)
    expect(reason).toBe('é'.repeat(61))
  })

  it('destroy() closes the socket, cancels every timer and stops listening', () => {
    const { connection, socket, clock, network } = fakeConnection({ heartbeat: true })
    const listener = vi.fn()
    connection.connect()
    socket().open()
    connection.subscribe(listener)
    connection.destroy()
    expect(socket().closeCalls).toHaveLength(1)
    expect(clock.pending).toBe(0)
    expect(network.listenerCount).toBe(0)
    expect(connection.destroyed).toBe(true)
    listener.mockClear()
    connection.connect()
    expect(listener).not.toHaveBeenCalled()
    expect(connection.send('x')).toBe('dropped')
  })
})

describe('history and listeners', () => {
  it('records CloseInfo with open and idle times, capped at historySize', () => {
    const { connection, socket, clock } = fakeConnection({ historySize: 2, retry: { jitter: 'none' } })
    connection.connect()
    socket().open()
    clock.advance(3000)
    socket().receive('m')
    clock.advance(2000)
    socket().closeFromServer(1001, 'deploy')
    expect(connection.getHistory()).toEqual([
      expect.objectContaining({
        code: 1001,
        openForMs: 5000,
        idleForMs: 2000,
        initiator: 'server',
        wasClean: true,
      }),
    ])
    expect(connection.getHistory()[0]?.info.name).toBe('Going Away')
    for (let i = 0; i < 3; i++) {
      clock.next()
      socket().closeFromServer(1006)
    }
    expect(connection.getHistory()).toHaveLength(2)
    expect(connection.getHistory().every((close) => close.openForMs === null)).toBe(true)
    expect(connection.getStats()).toMatchObject({ closes: 4, attempts: 4, opens: 1, messagesReceived: 1 })
  })

  it("tells on('close') listeners about every disconnect", () => {
    const { connection, socket } = fakeConnection()
    const closes: number[] = []
    connection.on('close', (close) => closes.push(close.code))
    connection.connect()
    socket().open()
    socket().closeFromServer(1011)
    expect(closes).toEqual([1011])
  })

  it('keeps delivering to other listeners when one throws', () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const { connection, socket } = fakeConnection()
    const received: unknown[] = []
    connection.onMessage(() => {
      throw new Error('listener bug')
    })
    connection.onMessage((data) => received.push(data))
    connection.subscribe(() => {
      throw new Error('state listener bug')
    })
    connection.connect()
    socket().open()
    socket().receive('a')
    socket().receive('b')
    expect(received).toEqual(['a', 'b'])
    expect(connection.getState().status).toBe('open')
    expect(reportError).toHaveBeenCalled()
    vi.unstubAllGlobals()
  })

  it('stops delivering to a listener once unsubscribed', () => {
    const { connection, socket } = fakeConnection()
    const received: unknown[] = []
    const stop = connection.onMessage((data) => received.push(data))
    connection.connect()
    socket().open()
    socket().receive('a')
    stop()
    socket().receive('b')
    expect(received).toEqual(['a'])
  })
})
