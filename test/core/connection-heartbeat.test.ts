import { describe, expect, it, vi } from 'vitest'
import { fakeConnection } from '../support/fake-connection'

const heartbeat = { interval: 1000, timeout: 500 }

function openWithHeartbeat(options = {}) {
  const setup = fakeConnection({
    heartbeat,
    retry: { jitter: 'none', initialDelay: 100, maxDelay: 1000 },
    ...options,
  })
  setup.connection.connect()
  setup.socket().open()
  return setup
}

describe('heartbeat', () => {
  it('is off by default', () => {
    const { connection, socket, clock } = fakeConnection()
    connection.connect()
    socket().open()
    clock.advance(60000)
    expect(socket().sent).toEqual([])
  })

  it('pings every interval and measures latency from the pong', () => {
    const { connection, socket, clock } = openWithHeartbeat()
    clock.advance(999)
    expect(socket().sent).toEqual([])
    clock.advance(1)
    expect(socket().sent).toEqual(['{"type":"ping"}'])
    clock.advance(42)
    socket().receive('{"type":"pong"}')
    expect(connection.getState().latency).toBe(42)
    clock.advance(1000)
    expect(socket().sent).toHaveLength(2)
  })

  it('hides pongs from message listeners but delivers everything else', () => {
    const { connection, socket, clock } = openWithHeartbeat()
    const received: unknown[] = []
    connection.onMessage((data) => received.push(data))
    clock.advance(1000)
    socket().receive('{"type":"pong"}')
    socket().receive('{"type":"chat","text":"pong"}')
    expect(received).toEqual(['{"type":"chat","text":"pong"}'])
  })

  it('declares the connection dead when nothing arrives within timeout after a ping, without waiting for the socket', () => {
    const { connection, socket, sockets, clock } = openWithHeartbeat()
    const dead = socket()
    clock.advance(1000)
    clock.advance(499)
    expect(connection.getState().status).toBe('open')
    clock.advance(1)
    const state = connection.getState()
    expect(state.status).toBe('reconnecting')
    expect(state.lastClose).toMatchObject({
      code: 1006,
      initiator: 'heartbeat',
      wasClean: false,
      openForMs: 1500,
    })
    expect(state.lastClose?.idleForMs).toBe(1500)
    expect(dead.closeCalls).toHaveLength(1)
    // The dead socket's close event, arriving late, changes nothing.
    dead.closeFromServer(1006)
    expect(connection.getState()).toBe(state)
    expect(connection.getHistory()).toHaveLength(1)
    clock.advance(100)
    expect(sockets()).toHaveLength(2)
  })

  it('counts any inbound message as life', () => {
    const { connection, socket, clock } = openWithHeartbeat()
    clock.advance(1000)
    clock.advance(400)
    socket().receive('{"type":"news"}')
    // Past the first ping's deadline (1500 ms) and up to the next ping, one interval after the message.
    clock.advance(999)
    expect(connection.getState().status).toBe('open')
    expect(connection.getState().latency).toBeNull()
    expect(socket().sent).toHaveLength(1)
    clock.advance(1)
    expect(socket().sent).toHaveLength(2)
  })

  it('pings at once when the page becomes visible again', () => {
    const { socket, visibility, clock } = openWithHeartbeat()
    clock.advance(300)
    visibility.set(false)
    expect(socket().sent).toHaveLength(0)
    visibility.set(true)
    expect(socket().sent).toEqual(['{"type":"ping"}'])
  })

  it('uses a custom ping message and pong test', () => {
    const isPong = vi.fn((data: unknown) => data === 'PONG')
    const { connection, socket, clock } = openWithHeartbeat({
      heartbeat: { ...heartbeat, message: () => 'PING', isPong },
    })
    clock.advance(1000)
    expect(socket().sent).toEqual(['PING'])
    clock.advance(7)
    socket().receive('PONG')
    expect(connection.getState().latency).toBe(7)
  })

  it('treats a throwing isPong as "not a pong" and keeps delivering', () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const { connection, socket } = openWithHeartbeat({
      heartbeat: {
        ...heartbeat,
        isPong: () => {
          throw new Error('bad isPong')
        },
      },
    })
    const received: unknown[] = []
    connection.onMessage((data) => received.push(data))
    socket().receive('x')
    expect(received).toEqual(['x'])
    expect(reportError).toHaveBeenCalledOnce()
    vi.unstubAllGlobals()
  })
})

describe('connect timeout', () => {
  it('abandons a socket stuck in CONNECTING and retries', () => {
    const { connection, socket, sockets, clock } = fakeConnection({
      connectTimeout: 2000,
      retry: { jitter: 'none', initialDelay: 100 },
    })
    connection.connect()
    const stuck = socket()
    clock.advance(1999)
    expect(connection.getState().status).toBe('connecting')
    clock.advance(1)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(connection.getState().lastClose).toMatchObject({
      initiator: 'timeout',
      code: 1006,
      openForMs: null,
    })
    expect(connection.getState().error?.message).toMatch(/Connect timeout/)
    clock.advance(100)
    expect(sockets()).toHaveLength(2)
    // The abandoned socket opening late is closed, not adopted.
    stuck.readyState = 1
    stuck.onopen?.({})
    expect(stuck.closeCalls.length).toBeGreaterThanOrEqual(2)
    expect(connection.getState().status).toBe('reconnecting')
  })
})
