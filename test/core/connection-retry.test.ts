import { describe, expect, it, vi } from 'vitest'
import { fakeConnection } from '../support/fake-connection'

const noJitter = { initialDelay: 1000, maxDelay: 8000, factor: 2, jitter: 'none' as const, minUptime: 5000 }

describe('connection lifecycle', () => {
  it('stays idle until connect(), then goes connecting → open', () => {
    const { connection, socket, sockets, statuses, clock } = fakeConnection()
    expect(connection.getState().status).toBe('idle')
    expect(sockets()).toHaveLength(0)
    connection.connect()
    expect(connection.getState().status).toBe('connecting')
    expect(socket().url).toBe('ws://test.local/socket')
    socket().open()
    expect(connection.getState()).toMatchObject({
      status: 'open',
      attempt: 0,
      nextRetryAt: null,
      lastOpenAt: clock.now(),
    })
    expect(statuses).toEqual(['connecting', 'open'])
  })

  it('keeps the same state object until a field changes', () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    const before = connection.getState()
    socket().receive('hello')
    expect(connection.getState()).toBe(before)
    socket().closeFromServer(1006)
    expect(connection.getState()).not.toBe(before)
  })

  it('passes protocols and binaryType to the socket', () => {
    const { connection, socket } = fakeConnection({ protocols: ['v2', 'v1'], binaryType: 'arraybuffer' })
    connection.connect()
    expect(socket().protocols).toEqual(['v2', 'v1'])
    expect(socket().binaryType).toBe('arraybuffer')
  })
})

describe('retry with backoff', () => {
  it('schedules the next attempt with full jitter and sets nextRetryAt exactly while waiting', () => {
    const { connection, socket, sockets, clock } = fakeConnection({
      retry: { initialDelay: 1000, maxDelay: 30000 },
    })
    connection.connect()
    socket().open()
    socket().closeFromServer(1006)
    // random() is 0.5, so full jitter draws half the 1000 ms cap.
    expect(connection.getState()).toMatchObject({
      status: 'reconnecting',
      attempt: 1,
      nextRetryAt: clock.now() + 500,
    })
    clock.advance(499)
    expect(sockets()).toHaveLength(1)
    clock.advance(1)
    expect(sockets()).toHaveLength(2)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1, nextRetryAt: null })
    socket().open()
    expect(connection.getState()).toMatchObject({ status: 'open', nextRetryAt: null })
  })

  it('gives a server that accepts and closes at once growing delays, not a hammering loop', () => {
    const { connection, socket, clock } = fakeConnection({ retry: noJitter })
    connection.connect()
    const delays: number[] = []
    for (let i = 0; i < 6; i++) {
      socket().open()
      clock.advance(10)
      socket().closeFromServer(1011, 'crash')
      const state = connection.getState()
      delays.push(state.nextRetryAt! - clock.now())
      clock.advance(state.nextRetryAt! - clock.now())
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
    expect(connection.getState().attempt).toBe(6)
  })

  it('resets the attempt counter only after the socket stayed open for minUptime', () => {
    const { connection, socket, clock } = fakeConnection({ retry: noJitter })
    connection.connect()
    socket().closeFromServer(1006)
    clock.advance(1000)
    socket().closeFromServer(1006)
    clock.advance(2000)
    socket().open()
    expect(connection.getState().attempt).toBe(2)
    clock.advance(4999)
    expect(connection.getState().attempt).toBe(2)
    clock.advance(1)
    expect(connection.getState().attempt).toBe(0)
    socket().closeFromServer(1006)
    expect(connection.getState().nextRetryAt! - clock.now()).toBe(1000)
  })

  it('does not retry after 1000: status closed', () => {
    const { connection, socket, clock } = fakeConnection()
    connection.connect()
    socket().open()
    socket().closeFromServer(1000, 'bye')
    expect(connection.getState()).toMatchObject({ status: 'closed', nextRetryAt: null })
    expect(connection.getState().lastClose).toMatchObject({ code: 1000, reason: 'bye', initiator: 'server' })
    expect(clock.pending).toBe(0)
  })

  it.each([1002, 1003, 1007, 1008, 1009, 1010, 1015])('gives up after %i: status failed', (code) => {
    const { connection, socket, clock } = fakeConnection()
    connection.connect()
    socket().open()
    socket().closeFromServer(code, 'no')
    expect(connection.getState()).toMatchObject({ status: 'failed', nextRetryAt: null })
    expect(connection.getState().lastClose?.info.retry).toBe(false)
    expect(clock.pending).toBe(0)
  })

  it.each([1001, 1005, 1006, 1011, 1012, 1014, 4000])('retries after %i', (code) => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    socket().closeFromServer(code)
    expect(connection.getState().status).toBe('reconnecting')
  })

  it('waits at least maxDelay / 2 after 1013 Try Again Later, jittered up to maxDelay', () => {
    const { connection, socket, clock } = fakeConnection({ retry: { initialDelay: 100, maxDelay: 10000 } })
    connection.connect()
    socket().open()
    socket().closeFromServer(1013, 'busy')
    // random() is 0.5 here: the middle of [maxDelay / 2, maxDelay].
    expect(connection.getState().nextRetryAt! - clock.now()).toBe(7500)
  })

  it('honours closeCodes for application codes', () => {
    const { connection, socket } = fakeConnection({
      closeCodes: { 4401: { name: 'Unauthorized', retry: false } },
    })
    connection.connect()
    socket().open()
    socket().closeFromServer(4401, 'token expired')
    expect(connection.getState().status).toBe('failed')
    expect(connection.getState().lastClose?.info.name).toBe('Unauthorized')
  })

  it('stops after maxAttempts with an error that says so', () => {
    const { connection, socket, clock } = fakeConnection({ retry: { ...noJitter, maxAttempts: 2 } })
    connection.connect()
    socket().closeFromServer(1006)
    clock.next()
    socket().closeFromServer(1006)
    clock.next()
    socket().closeFromServer(1006)
    expect(connection.getState().status).toBe('failed')
    expect(connection.getState().error?.message).toMatch(/maxAttempts/)
    expect(clock.pending).toBe(0)
  })

  it('asks shouldRetry with the close and the attempt about to be made', () => {
    const shouldRetry = vi.fn((_close, attempt: number) => attempt < 2)
    const { connection, socket, clock } = fakeConnection({ retry: { ...noJitter, shouldRetry } })
    connection.connect()
    socket().closeFromServer(1000)
    expect(shouldRetry).toHaveBeenLastCalledWith(expect.objectContaining({ code: 1000 }), 1)
    expect(connection.getState().status).toBe('reconnecting')
    clock.next()
    socket().closeFromServer(1006)
    expect(shouldRetry).toHaveBeenLastCalledWith(expect.objectContaining({ code: 1006 }), 2)
    expect(connection.getState().status).toBe('failed')
  })

  it('falls back to the close-code table when shouldRetry throws, and reports it', () => {
    const { connection, socket } = fakeConnection({
      retry: {
        shouldRetry: () => {
          throw new Error('bug')
        },
      },
    })
    connection.connect()
    socket().closeFromServer(1006)
    expect(connection.getState().status).toBe('reconnecting')
    expect(connection.getState().error?.message).toMatch(/shouldRetry threw/)
  })

  it('never retries with retry: false', () => {
    const { connection, socket, clock } = fakeConnection({ retry: false })
    connection.connect()
    socket().open()
    socket().closeFromServer(1006)
    expect(connection.getState().status).toBe('failed')
    expect(clock.pending).toBe(0)
  })

  it('retries at once on connect() while waiting', () => {
    const { connection, socket, sockets } = fakeConnection({ retry: noJitter })
    connection.connect()
    socket().closeFromServer(1006)
    expect(connection.getState().nextRetryAt).not.toBeNull()
    connection.connect()
    expect(sockets()).toHaveLength(2)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', nextRetryAt: null, attempt: 1 })
  })

  it('connect() after failing starts over from attempt 0', () => {
    const { connection, socket, clock } = fakeConnection({ retry: { maxAttempts: 2, jitter: 'none' } })
    connection.connect()
    // Three drops: attempts 1 and 2 are retries, the third gives up with the attempt count at 2.
    for (let drop = 0; drop < 3; drop++) {
      socket().closeFromServer(1006)
      clock.next()
    }
    expect(connection.getState()).toMatchObject({ status: 'failed', attempt: 2 })
    expect(connection.getState().error?.message).toMatch(/Gave up after 2/)
    connection.connect()
    // 'connecting', not 'reconnecting': a fresh start, with the old error gone.
    expect(connection.getState()).toMatchObject({ status: 'connecting', attempt: 0, error: null })
    socket().closeFromServer(1006)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
  })

  it('reconnect() drops the open socket and connects again now', () => {
    const { connection, socket, sockets } = fakeConnection()
    connection.connect()
    socket().open()
    const first = socket()
    connection.reconnect()
    expect(first.closeCalls).toEqual([{ code: 1000, reason: 'reconnect' }])
    expect(sockets()).toHaveLength(2)
    expect(connection.getState().status).toBe('connecting')
    first.closeFromServer(1000)
    expect(connection.getState().status).toBe('connecting')
    expect(connection.getHistory().at(-1)).toMatchObject({ initiator: 'client', code: 1000 })
  })
})
