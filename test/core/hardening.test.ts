import { afterEach, describe, expect, it, vi } from 'vitest'
import { backoffCap, DEFAULT_RETRY, retryDelayAfter } from '../../src/core/backoff'
import { LifelineConnection } from '../../src/core/connection'
import { redactText } from '../../src/core/redact'
import type { Clock, WebSocketConstructor } from '../../src/core/types'
import { FakeClock } from '../support/fake-clock'
import { fakeConnection } from '../support/fake-connection'
import { FakeNetwork, FakeVisibility } from '../support/fake-network'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'

// Regression tests for issue 10, a hostile review of the core: each names what went wrong on
// 0.1. The same cases against a real `ws` server are in test/integration/hardening.test.ts.

const MAX_TIMER_MS = 2 ** 31 - 1

afterEach(() => {
  vi.unstubAllGlobals()
  vi.unstubAllEnvs()
})

async function microtasks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve()
}

/** A clock that fires one timer at a time, even when another falls due at the same instant. */
function steppingClock() {
  let now = 0
  let nextId = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  const clock: Clock = {
    now: () => now,
    setTimeout: (callback, ms) => {
      timers.set(++nextId, { at: now + ms, callback })
      return nextId
    },
    clearTimeout: (handle) => timers.delete(handle as number),
  }
  const fireNext = () => {
    const [id, timer] = [...timers].sort(([a, x], [b, y]) => x.at - y.at || a - b)[0]!
    timers.delete(id)
    now = Math.max(now, timer.at)
    timer.callback()
  }
  return { clock, fireNext }
}

/** A fake clock that also remembers every delay it was asked for. */
function recordingClock() {
  const fake = new FakeClock()
  const delays: number[] = []
  const clock: Clock = {
    now: fake.now,
    setTimeout: (callback, ms) => {
      delays.push(ms)
      return fake.setTimeout(callback, ms)
    },
    clearTimeout: fake.clearTimeout,
  }
  return { fake, clock, delays }
}

describe('durations above the timer limit (2^31 - 1 ms) are never handed to a timer', () => {
  it('retry delays wait at the limit and nextRetryAt says so, instead of retrying after 1 ms', () => {
    const { clock, delays } = recordingClock()
    const { connection, socket } = fakeConnection({
      clock,
      retry: { initialDelay: 2 ** 31, maxDelay: 2 ** 31, jitter: 'none' },
    })
    connection.connect()
    socket().closeFromServer(1006)
    const state = connection.getState()
    expect(state.status).toBe('reconnecting')
    expect(state.nextRetryAt! - clock.now()).toBe(MAX_TIMER_MS)
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS)
  })

  it('lingerMs, connectTimeout and minUptime above the limit wait at the limit', () => {
    const { clock, delays } = recordingClock()
    const { connection, socket } = fakeConnection({
      clock,
      lingerMs: 2 ** 40,
      connectTimeout: 2 ** 35,
      retry: { minUptime: 2 ** 33 },
    })
    const release = connection.retain()
    socket().closeFromServer(1006)
    clock.setTimeout(() => {}, 0) // keeps the recording honest: the fake clock is not the subject
    release()
    expect(delays.length).toBeGreaterThan(2)
    expect(delays.every((ms) => ms >= 0 && ms <= MAX_TIMER_MS)).toBe(true)
  })

  it('heartbeat.interval and heartbeat.timeout above the limit are refused with a RangeError', () => {
    expect(() => fakeConnection({ heartbeat: { interval: 2 ** 31 } })).toThrow(
      /heartbeat\.interval must be a finite number of milliseconds >= 1 and <= 2147483647, got 2147483648/,
    )
    expect(() => fakeConnection({ heartbeat: { timeout: 2 ** 31 } })).toThrow(RangeError)
    expect(() => fakeConnection({ heartbeat: { interval: MAX_TIMER_MS } })).not.toThrow()
  })

  it('initialDelay 0 after a thousand attempts gives 0, not NaN (0 * Infinity)', () => {
    const retry = { ...DEFAULT_RETRY, initialDelay: 0, maxDelay: 1000, factor: 2 }
    expect(backoffCap(1100, retry)).toBe(0)
    expect(retryDelayAfter(1006, 1100, retry, () => 0.5)).toBe(0)
  })
})

describe('1013 Try Again Later', () => {
  it('draws the floor in [maxDelay / 2, maxDelay], so clients shed together do not return together', () => {
    const retry = { ...DEFAULT_RETRY }
    const delays = [0, 0.25, 0.5, 0.999].map((draw) => retryDelayAfter(1013, 1, retry, () => draw))
    expect(delays).toEqual([15000, 18750, 22500, 29985])
    // 0.1 had every client wait exactly maxDelay / 2.
    expect(new Set(delays).size).toBe(4)
  })

  it('stays within the timer limit when maxDelay is beyond it', () => {
    const retry = { ...DEFAULT_RETRY, maxDelay: 2 ** 40 }
    expect(retryDelayAfter(1013, 1, retry, () => 0.999)).toBeLessThanOrEqual(MAX_TIMER_MS)
  })
})

describe('a state listener that calls back into the connection', () => {
  it('is never re-entered: a send() from it while connecting neither recurses nor floods', async () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const { connection, socket } = fakeConnection()
    let depth = 0
    let deepest = 0
    let calls = 0
    connection.subscribe(() => {
      depth += 1
      calls += 1
      deepest = Math.max(deepest, depth)
      if (connection.getState().status === 'connecting') connection.send('hello')
      depth -= 1
    })
    connection.connect()
    await microtasks(200)
    expect(deepest).toBe(1)
    // One send per notification (a microtask apart): the queue fills (100), the first overflow
    // reports once, then the state stops changing. 0.1 recursed ~1,700 deep and dropped ~1,640.
    expect(connection.getState().queued).toBe(100)
    expect(connection.getStats().messagesDropped).toBeLessThanOrEqual(2)
    expect(calls).toBeLessThanOrEqual(103)
    expect(reportError).not.toHaveBeenCalled()
    socket().open()
    expect(socket().sent).toHaveLength(100)
  })

  it('delivers nested changes after the current round, and every listener sees the final state', () => {
    const { connection, socket } = fakeConnection()
    const seenByFirst: string[] = []
    const seenBySecond: string[] = []
    let running = false
    const reentered: string[] = []
    const listener = (seen: string[], act: boolean) => () => {
      if (running) reentered.push(connection.getState().status)
      running = true
      const { status } = connection.getState()
      seen.push(status)
      if (act && status === 'open') connection.close()
      running = false
    }
    connection.subscribe(listener(seenByFirst, true))
    connection.subscribe(listener(seenBySecond, false))
    connection.connect()
    socket().open()
    expect(reentered).toEqual([])
    // The first listener's close() reaches everyone in the next round; the second listener,
    // called after it in the same round, already reads the state close() left.
    expect(seenByFirst).toEqual(['connecting', 'open', 'closing'])
    expect(seenBySecond).toEqual(['connecting', 'closing', 'closing'])
  })

  it.each([
    ['development', /kept changing the state/],
    ['production', /^react-lifeline error 49; see .*#error-49$/],
  ])('stops a listener that changes the state on every call with an error (%s build) instead of hanging', (env, message) => {
    vi.stubEnv('NODE_ENV', env)
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const { connection } = fakeConnection()
    connection.subscribe(() => {
      if (connection.getState().status === 'connecting') connection.close()
      else connection.connect()
    })
    connection.connect()
    expect(reportError).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringMatching(message) }),
    )
  })

  it('a send from a listener, raised inside send() by a closing socket, does not jump the queue', async () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    socket().readyState = 2 // the server's close frame is in; the close event is not
    let sent = false
    connection.subscribe(() => {
      if (connection.getState().status !== 'closing' || sent) return
      sent = true
      connection.send('second')
    })
    expect(connection.send('first')).toBe('queued')
    await microtasks(1)
    expect(connection.getState().queued).toBe(2)
    socket().closeFromServer(1001)
    connection.connect()
    socket().open()
    expect(socket().sent).toEqual(['first', 'second'])
  })
})

describe('queued notifications are batched', () => {
  it('10,000 sends while down cost one notification, and getState() is right after each', () => {
    const { connection } = fakeConnection({ queue: { max: 20000 } })
    connection.connect()
    let notifications = 0
    connection.subscribe(() => notifications++)
    const before = connection.getState()
    for (let i = 1; i <= 10000; i++) {
      expect(connection.send(`m${i}`)).toBe('queued')
      if (i === 1 || i === 10000) expect(connection.getState().queued).toBe(i)
    }
    // A new snapshot at once, as useSyncExternalStore needs; the notification comes a microtask later.
    expect(connection.getState()).not.toBe(before)
    expect(notifications).toBe(0)
    return Promise.resolve().then(() => {
      expect(notifications).toBe(1)
    })
  })

  it('a send loop past the queue limit reports the overflow once, with the same error', async () => {
    const { connection } = fakeConnection({ queue: { max: 10 } })
    connection.connect()
    let notifications = 0
    connection.subscribe(() => notifications++)
    for (let i = 0; i < 1000; i++) connection.send('x')
    const error = connection.getState().error
    expect(error?.message).toMatch(/Send queue full \(max 10\)/)
    expect(connection.getStats().messagesDropped).toBe(990)
    await Promise.resolve()
    expect(notifications).toBe(1)
    connection.send('x')
    expect(connection.getState().error).toBe(error)
  })
})

describe('the heartbeat after a blocked event loop', () => {
  it('gives the socket one macrotask to deliver a waiting pong before declaring it dead', () => {
    const { clock, fireNext } = steppingClock()
    const { connection, socket } = fakeConnection({ clock, heartbeat: { interval: 1000, timeout: 500 } })
    connection.connect()
    socket().open()
    fireNext() // the ping
    // The pong timer fires before the pong waiting on the socket is read, as it does when a
    // blocked event loop resumes (timers run before I/O).
    fireNext()
    expect(connection.getState().status).toBe('open')
    socket().receive('{"type":"pong"}')
    expect(connection.getHistory()).toEqual([])
    expect(connection.getState()).toMatchObject({ status: 'open', latency: 500 })
  })

  it('still declares a silent socket dead right after that macrotask', () => {
    const { connection, socket, clock } = fakeConnection({ heartbeat: { interval: 1000, timeout: 500 } })
    connection.connect()
    socket().open()
    clock.advance(1500)
    expect(connection.getState().lastClose).toMatchObject({ initiator: 'heartbeat', openForMs: 1500 })
  })
})

describe('HTTP status of a refused upgrade (ws reports it in the error event)', () => {
  function refuse(status: number) {
    const target = socketOf()
    const error = new Error(`Unexpected server response: ${status}`)
    target.onerror?.({ type: 'error', error, message: error.message })
    target.closeFromServer(1006)
  }
  const socketOf = () => FakeWebSocket.last

  it('401 on a fixed URL: failed, with the status in state.error and lastClose', () => {
    const { connection } = fakeConnection()
    connection.connect()
    refuse(401)
    const state = connection.getState()
    expect(state.status).toBe('failed')
    expect(state.error?.message).toBe('Unexpected server response: 401')
    expect(state.lastClose).toMatchObject({ code: 1006, httpStatus: 401, info: { retry: false } })
  })

  it('403 from a URL function: retried with the normal backoff, so the function can bring a fresh token', () => {
    const url = vi.fn(() => 'ws://test.local/socket?token=t')
    const { connection } = fakeConnection({ retry: { initialDelay: 100, jitter: 'none' } }, url)
    connection.connect()
    refuse(403)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(connection.getState().lastClose?.httpStatus).toBe(403)
  })

  it('503 backs off like a drop, and shouldRetry sees the status', () => {
    const shouldRetry = vi.fn(() => true)
    const { connection } = fakeConnection({ retry: { shouldRetry } })
    connection.connect()
    refuse(503)
    expect(connection.getState().status).toBe('reconnecting')
    expect(shouldRetry).toHaveBeenCalledWith(expect.objectContaining({ httpStatus: 503 }), 1)
  })

  it('a browser-style error event with no message leaves error null and lastClose a plain 1006', () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().closeFromServer(1006)
    expect(connection.getState().error).toBeNull()
    expect(connection.getState().lastClose).not.toHaveProperty('httpStatus')
  })

  it('names the subprotocol that was asked for when the server selected none', () => {
    const { connection, socket } = fakeConnection({ protocols: ['chat.v2', 'chat.v1'] })
    connection.connect()
    const error = new Error('Server sent no subprotocol')
    socket().onerror?.({ type: 'error', error, message: error.message })
    socket().closeFromServer(1006)
    expect(connection.getState().error?.message).toBe(
      'Server sent no subprotocol (asked for chat.v2,chat.v1)',
    )
  })
})

describe('a socket the server is closing (close frame in, close event pending)', () => {
  it('moves the status to closing at the next send, then follows the close code', () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    socket().readyState = 2
    expect(connection.send('late')).toBe('queued')
    return Promise.resolve().then(() => {
      expect(connection.getState().status).toBe('closing')
      socket().closeFromServer(1001, 'restart')
      expect(connection.getState()).toMatchObject({ status: 'reconnecting', queued: 1 })
    })
  })

  it('notices at the heartbeat ping and stops pinging, waiting for the close code', () => {
    const { connection, socket, clock } = fakeConnection({ heartbeat: { interval: 1000, timeout: 500 } })
    connection.connect()
    socket().open()
    socket().readyState = 2
    clock.advance(1000)
    expect(connection.getState().status).toBe('closing')
    clock.advance(10000)
    expect(connection.getHistory()).toEqual([])
    socket().closeFromServer(1008, 'policy')
    expect(connection.getState().status).toBe('failed')
  })

  it('connect() does not wait for it', () => {
    const { connection, socket, sockets } = fakeConnection()
    connection.connect()
    socket().open()
    socket().readyState = 2
    connection.send('x')
    connection.connect()
    expect(sockets()).toHaveLength(2)
    expect(connection.getState().status).toBe('connecting')
  })
})

describe('after close()', () => {
  it('no more messages are delivered, even ones from the same read', () => {
    const { connection, socket } = fakeConnection()
    const received: unknown[] = []
    connection.onMessage((data) => {
      received.push(data)
      connection.close()
    })
    connection.onMessage((data) => received.push(`second listener: ${String(data)}`))
    connection.connect()
    socket().open()
    for (const data of ['a', 'b', 'c']) socket().receive(data)
    // The message in hand still reaches every listener; nothing after it.
    expect(received).toEqual(['a', 'second listener: a'])
  })
})

describe('a WebSocket constructor that throws', () => {
  it('something other than a SyntaxError counts as a failed attempt and is retried', () => {
    let calls = 0
    class FlakyWebSocket extends FakeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        calls += 1
        if (calls === 1) throw new TypeError('too many sockets')
        super(url, protocols)
      }
    }
    const { connection, clock } = fakeConnection({
      WebSocket: FlakyWebSocket as unknown as WebSocketConstructor,
      retry: { initialDelay: 100, jitter: 'none' },
    })
    connection.connect()
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(connection.getState().error?.message).toBe('too many sockets')
    clock.advance(100)
    FakeWebSocket.last.open()
    expect(connection.getState().status).toBe('open')
  })

  it('a SyntaxError for a fixed URL is still final', () => {
    const { connection } = fakeConnection({
      WebSocket: function Broken() {
        throw new SyntaxError('bad url')
      } as unknown as WebSocketConstructor,
    })
    connection.connect()
    expect(connection.getState().status).toBe('failed')
  })
})

describe('a wall clock set back', () => {
  function setBackClock() {
    const fake = new FakeClock()
    let offset = 0
    const clock: Clock = { ...fake, now: () => fake.now() - offset }
    return { fake, clock, setBack: (ms: number) => (offset += ms) }
  }

  it('never gives negative openForMs, idleForMs or latency', () => {
    const { clock, fake, setBack } = setBackClock()
    FakeWebSocket.reset()
    const connection = new LifelineConnection('ws://test.local/socket', {
      WebSocket: FakeWebSocketConstructor,
      clock,
      network: new FakeNetwork(),
      visibility: new FakeVisibility(),
      heartbeat: { interval: 1000, timeout: 500 },
    })
    connection.connect()
    FakeWebSocket.last.open()
    fake.advance(1000) // ping
    setBack(3_600_000)
    FakeWebSocket.last.receive('{"type":"pong"}')
    expect(connection.getState().latency).toBe(0)
    FakeWebSocket.last.closeFromServer(1001)
    expect(connection.getState().lastClose).toMatchObject({ openForMs: 0, idleForMs: 0 })
  })
})

describe('a broken random source', () => {
  it.each([
    Number.NaN,
    7,
    -1,
    1,
  ])('random() returning %s counts as 0.5: neither 0 ms nor past the cap', (draw) => {
    const { connection, socket, clock } = fakeConnection({
      random: () => draw,
      retry: { initialDelay: 1000, maxDelay: 30000 },
    })
    connection.connect()
    socket().closeFromServer(1006)
    expect(connection.getState().nextRetryAt! - clock.now()).toBe(500)
  })
})

describe('redaction of relative URLs in text', () => {
  it('redacts query secrets in paths and bare query strings, not only in absolute URLs', () => {
    expect(redactText('token fetch failed: GET /api/ws-token?token=abc123&room=1 returned 500')).toBe(
      'token fetch failed: GET /api/ws-token?token=[redacted]&room=1 returned 500',
    )
    expect(redactText('rejected ?access_token=xyz')).toBe('rejected ?access_token=[redacted]')
    expect(redactText('see ws-token?jwt=a.b.c, then retry')).toBe('see ws-token?jwt=[redacted] then retry')
  })

  it('leaves text without secrets alone', () => {
    const text = 'user@example.com asked "why?" at #3 (room=1)'
    expect(redactText(text)).toBe(text)
  })
})
