import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import { fakeConnection } from '../support/fake-connection'
import { FakeWebSocket } from '../support/fake-websocket'

// Calls made at the "wrong" moment, and timed-out closes: what the user sees in the state, the
// history and on the socket, for the corners a reordered condition would silently change.

/** A Map behind the Storage methods, like localStorage. */
function memoryStorage() {
  const items = new Map<string, string>()
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  }
}

function openConnection(options = {}) {
  const setup = fakeConnection(options)
  setup.connection.connect()
  setup.socket().open()
  return setup
}

describe('connect(), reconnect() and close() at every moment', () => {
  it('connect() while open keeps the socket: no close, no new socket, nothing recorded', () => {
    const { connection, socket, sockets, statuses } = openConnection()
    const state = connection.getState()
    connection.connect()
    expect(sockets()).toHaveLength(1)
    expect(socket().closeCalls).toEqual([])
    expect(connection.getState()).toBe(state)
    expect(connection.getHistory()).toEqual([])
    expect(statuses).toEqual(['connecting', 'open'])
  })

  it('connect() while connecting waits for the socket already on its way', () => {
    const { connection, socket, sockets } = fakeConnection()
    connection.connect()
    connection.connect()
    expect(sockets()).toHaveLength(1)
    expect(socket().closeCalls).toEqual([])
    socket().open()
    expect(connection.getState().status).toBe('open')
  })

  it('reconnect() while connecting starts again without recording a close that never happened', () => {
    const { connection, sockets, statuses } = fakeConnection()
    connection.connect()
    const first = sockets()[0]
    connection.reconnect()
    expect(sockets()).toHaveLength(2)
    expect(first?.closeCalls).toEqual([{ code: 1000, reason: 'reconnect' }])
    expect(connection.getHistory()).toEqual([])
    expect(connection.getState()).toMatchObject({ status: 'connecting', attempt: 0, lastClose: null })
    expect(statuses).toEqual(['connecting'])
  })

  it('reconnect() while waiting to retry connects now, from attempt 0, without a fake close', () => {
    const { connection, socket, sockets } = fakeConnection()
    connection.connect()
    socket().open()
    socket().closeFromServer(1011)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    connection.reconnect()
    expect(sockets()).toHaveLength(2)
    expect(connection.getState()).toMatchObject({ status: 'connecting', attempt: 0, nextRetryAt: null })
    expect(connection.getHistory().map((close) => close.code)).toEqual([1011])
  })

  it('reconnect() while open records one client close with its reason and opens a new socket', () => {
    const { connection, socket, clock } = openConnection()
    clock.advance(2500)
    connection.reconnect()
    expect(connection.getHistory()).toEqual([
      expect.objectContaining({
        code: 1000,
        reason: 'reconnect() called',
        wasClean: true,
        initiator: 'client',
        openForMs: 2500,
      }),
    ])
    socket().open()
    expect(connection.getState()).toMatchObject({ status: 'open', attempt: 0 })
  })

  it('close() twice sends one close frame and records one close', () => {
    const { connection, socket, clock } = openConnection()
    connection.close(4000, 'first')
    connection.close(4001, 'second')
    expect(socket().closeCalls).toEqual([{ code: 4000, reason: 'first' }])
    expect(connection.getState().status).toBe('closing')
    socket().closeFromServer(4000, 'first')
    const calls = socket().closeCalls.length
    connection.close(4002, 'third')
    expect(socket().closeCalls).toHaveLength(calls)
    expect(socket().closeCalls).not.toContainEqual({ code: 4002, reason: 'third' })
    expect(connection.getHistory()).toEqual([
      expect.objectContaining({ code: 4000, reason: 'first', initiator: 'client' }),
    ])
    expect(connection.getState().status).toBe('closed')
    expect(clock.pending).toBe(0)
  })

  it('close() while connecting closes that socket and ends closed, recording no open time', () => {
    const { connection, socket, sockets, clock } = fakeConnection()
    connection.connect()
    connection.close(4000, 'never mind')
    expect(socket().closeCalls).toEqual([{ code: 4000, reason: 'never mind' }])
    expect(connection.getState().status).toBe('closing')
    socket().closeFromServer(1006, '', false)
    expect(connection.getState()).toMatchObject({ status: 'closed', nextRetryAt: null })
    expect(connection.getHistory()).toEqual([
      expect.objectContaining({ code: 1006, initiator: 'client', openForMs: null, idleForMs: null }),
    ])
    clock.advance(120_000)
    expect(sockets()).toHaveLength(1)
  })

  it('close() before anything started is closed at once and opens nothing', () => {
    const { connection, sockets } = fakeConnection()
    connection.close()
    expect(connection.getState()).toMatchObject({ status: 'closed', nextRetryAt: null })
    expect(sockets()).toHaveLength(0)
    expect(connection.getHistory()).toEqual([])
  })

  it('a close handshake that never finishes is recorded as such, then the connection is closed', () => {
    const { connection, socket, clock } = openConnection({ connectTimeout: 1000 })
    clock.advance(400)
    connection.close(4000, 'bye')
    clock.advance(999)
    expect(connection.getState().status).toBe('closing')
    clock.advance(1)
    expect(connection.getState().status).toBe('closed')
    expect(connection.getState().lastClose).toMatchObject({
      code: 1006,
      reason: 'close handshake timed out',
      wasClean: false,
      initiator: 'client',
      openForMs: 1400,
    })
    // The late close event of that socket changes nothing.
    const state = connection.getState()
    socket().closeFromServer(4000, 'bye')
    expect(connection.getState()).toBe(state)
    expect(connection.getHistory()).toHaveLength(1)
  })
})

describe('timed-out closes keep what diagnosis needs', () => {
  it('a connect timeout records 1006 "connect timeout", unclean, initiated by the timeout', () => {
    const { connection, socket, clock } = fakeConnection({ connectTimeout: 2000 })
    connection.connect()
    clock.advance(1999)
    expect(connection.getState().status).toBe('connecting')
    clock.advance(1)
    expect(connection.getState().lastClose).toMatchObject({
      code: 1006,
      reason: 'connect timeout',
      wasClean: false,
      initiator: 'timeout',
      openForMs: null,
      idleForMs: null,
    })
    expect(connection.getState().error?.message).toBe('Connect timeout: no open within 2000 ms.')
    expect(socket().closeCalls).toEqual([{ code: 1000, reason: 'connect timeout' }])
  })

  it('a heartbeat timeout records 1006 "heartbeat timeout", unclean, initiated by the heartbeat, and diagnosis reads it', () => {
    const { connection, socket, clock } = openConnection({ heartbeat: { interval: 1000, timeout: 500 } })
    clock.advance(1500)
    expect(connection.getState().lastClose).toMatchObject({
      code: 1006,
      reason: 'heartbeat timeout',
      wasClean: false,
      initiator: 'heartbeat',
    })
    expect(socket().closeCalls).toEqual([{ code: 1000, reason: 'heartbeat timeout' }])
    // A second dead socket: one is the heartbeat doing its job, a habit of them is a diagnosis.
    clock.next()
    socket().open()
    clock.advance(1500)
    const history = connection.getHistory()
    expect(history.map((close) => close.initiator)).toEqual(['heartbeat', 'heartbeat'])
    // The heartbeat detector keys on the initiator: the same close from the server is not it.
    expect(diagnose(history).map((d) => d.id)).toContain('heartbeat')
    const asServer = history.map((close) => ({ ...close, initiator: 'server' as const }))
    expect(diagnose(asServer).map((d) => d.id)).not.toContain('heartbeat')
  })
})

describe('the class that carries out the machine', () => {
  it('configure() on a connection that has tried changes its options live, but not its clock, network or visibility', () => {
    const pending = fakeConnection({}, () => new Promise<string>(() => {}))
    pending.connection.connect()
    expect(pending.connection.getState().status).toBe('connecting')
    expect(pending.connection.configure({ lingerMs: 5 })).toBe(false)
    expect(pending.connection.options.lingerMs).toBe(5)

    const lingered = fakeConnection({ lingerMs: 0 })
    const clock = lingered.connection.options.clock
    const release = lingered.connection.retain()
    lingered.socket().open()
    release()
    lingered.clock.advance(0)
    expect(lingered.connection.getState().status).toBe('idle')
    expect(lingered.connection.configure({ lingerMs: 5 })).toBe(false)
    expect(lingered.connection.options.lingerMs).toBe(5)
    // The timers it runs were set on this clock: a new one would not cancel them.
    expect(lingered.connection.options.clock).toBe(clock)
  })

  it('configure() on a connection without a queue, and reads the history the new storage keeps', () => {
    const { connection } = fakeConnection({ queue: { max: 0 } })
    const stored = fakeConnection({ historyStorage: memoryStorage() })
    const storage = stored.connection.options.historyStorage as ReturnType<typeof memoryStorage>
    stored.connection.connect()
    stored.socket().open()
    stored.socket().closeFromServer(1011, 'boom')
    expect(connection.configure({ historyStorage: storage })).toBe(true)
    expect(connection.getHistory().map((close) => close.reason)).toEqual(['boom'])
  })

  it('names the method a non-function listener was given to', () => {
    const { connection } = fakeConnection()
    expect(() => connection.subscribe(1 as never)).toThrow(
      'react-lifeline: subscribe(listener) takes a function, got number.',
    )
    expect(() => connection.onMessage(1 as never)).toThrow(/onMessage/)
    expect(() => connection.on('close', 1 as never)).toThrow(/\bon\b/)
  })

  it('an unsubscribed listener hears no more changes', () => {
    const { connection } = fakeConnection()
    let calls = 0
    const unsubscribe = connection.subscribe(() => {
      calls += 1
    })
    connection.connect()
    expect(calls).toBe(1)
    unsubscribe()
    connection.close()
    expect(calls).toBe(1)
  })

  it('close() with no reason sends an empty one', () => {
    const { connection, socket } = openConnection()
    connection.close()
    expect(socket().closeCalls).toEqual([{ code: 1000, reason: '' }])
  })

  it('counts sent and invalid messages', () => {
    const { connection } = openConnection()
    connection.send('a')
    connection.send('b')
    connection.countInvalidMessage()
    expect(connection.getStats()).toMatchObject({ messagesSent: 2, messagesInvalid: 1 })
  })

  it('sendJson keeps why serialising failed as the cause, and reports a dropped send after the tick', async () => {
    const { connection } = fakeConnection({ queue: { max: 0 } })
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(connection.sendJson(circular)).toBe('dropped')
    expect(connection.getState().error?.cause).toBeInstanceOf(TypeError)
    let heard = 0
    connection.subscribe(() => {
      heard += 1
    })
    expect(connection.send('x')).toBe('dropped')
    expect(heard).toBe(0)
    await Promise.resolve()
    expect(heard).toBe(1)
  })

  it('terminates a socket the heartbeat found dead, where the implementation can', () => {
    class Terminable extends FakeWebSocket {
      terminated = 0
      terminate() {
        this.terminated += 1
      }
    }
    const { connection, clock, sockets } = fakeConnection({
      WebSocket: Terminable as never,
      heartbeat: { interval: 1000, timeout: 500 },
    })
    connection.connect()
    const socket = sockets()[0] as Terminable
    socket.open()
    clock.advance(1500)
    expect(connection.getState().lastClose?.reason).toBe('heartbeat timeout')
    expect(socket.terminated).toBe(1)
    expect(socket.closeCalls).toEqual([])
  })

  it('a URL function whose socket throws SyntaxError retries; a throw of null does not escape', () => {
    let throwing: unknown = new SyntaxError('bad')
    class Throwing extends FakeWebSocket {
      constructor(url: string) {
        super(url)
        throw throwing
      }
    }
    const fromFunction = fakeConnection({ WebSocket: Throwing as never }, () => 'ws://h/s')
    fromFunction.connection.connect()
    return Promise.resolve().then(() => {
      expect(fromFunction.connection.getState().status).toBe('reconnecting')
      throwing = null
      const fixed = fakeConnection({ WebSocket: Throwing as never })
      expect(() => fixed.connection.connect()).not.toThrow()
      expect(fixed.connection.getState().status).toBe('reconnecting')
    })
  })

  it('a close event without a numeric code or a string reason is recorded as 1006 with no reason', () => {
    const { connection, socket } = openConnection()
    socket().onclose?.({ type: 'close' })
    expect(connection.getState().lastClose).toMatchObject({ code: 1006, reason: '' })
  })
})
