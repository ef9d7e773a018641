import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { describeCloseCode, diagnose, lifelineTopics, topicProtocol } from '../../src/core'
import type { LifelineConnection } from '../../src/core/connection'
import { createConnection } from '../../src/core/create-connection'
import { getConnection, resetConnections } from '../../src/core/registry'
import type { ConnectionOptions, WebSocketConstructor } from '../../src/core/types'
import type { FakeClock } from '../support/fake-clock'
import { fakeConnection } from '../support/fake-connection'
import { FakeWebSocket } from '../support/fake-websocket'

// Every public function and option given wrong types and values. Each row names the input and
// the documented outcome; docs/bad-input.md is the same table in prose and must stay in sync
// with this file (this file is the source of truth).
//
// The rules every row follows:
// - a programmer mistake throws at once (TypeError, RangeError or SyntaxError) with a message
//   that names the option or argument and says what to pass instead;
// - a run-time failure becomes `state.error` and a status that moves on (`failed`, or
//   `reconnecting` with a retry scheduled), never an exception out of a timer or socket event;
// - nothing ends in an unhandled rejection (checked by the last test of this file);
// - a throwing user callback never stops delivery to the other listeners.

const URL_OK = 'ws://test.local/socket'
const MB10 = 'x'.repeat(10 * 1024 * 1024)

/** Lets promise callbacks (an async URL function) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
let consoleError: ReturnType<typeof vi.spyOn>

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled)
})
afterAll(() => {
  process.off('unhandledRejection', onUnhandled)
})
// Throwing user callbacks are reported through reportError, or console.error where there is
// none (Node); this file takes console.error over from test/support/console-clean.ts and the
// rows check that the report happened.
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => {
  consoleError.mockRestore()
  resetConnections()
})

/** Asserts the connection is not wedged: either an attempt or a retry is coming, or it stopped on purpose. */
function expectNotStuck(connection: LifelineConnection, clock: FakeClock): void {
  const state = connection.getState()
  if (state.status === 'reconnecting' && state.nextRetryAt !== null) expect(clock.pending).toBeGreaterThan(0)
  if (state.status === 'failed' || state.status === 'closed' || state.status === 'idle') {
    expect(state.nextRetryAt).toBeNull()
  }
  expect(['open', 'closing', 'connecting', 'reconnecting', 'offline', 'failed', 'closed', 'idle']).toContain(
    state.status,
  )
}

interface Row {
  input: string
  outcome: string
  check: () => void | Promise<void>
}

/** The row of an option that must be refused when the connection is created. */
function refused(
  input: string,
  options: unknown,
  type: typeof TypeError | typeof RangeError | typeof SyntaxError,
  message: RegExp,
): Row {
  return {
    input,
    outcome: `${type.name} at creation, message matching ${message}`,
    check: () => {
      let thrown: unknown
      try {
        createConnection(URL_OK, options as ConnectionOptions)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(type)
      expect((thrown as Error).message).toMatch(message)
    },
  }
}

/** A fixed string URL that is not a WebSocket URL: accepted at creation, `failed` on start. */
function badUrl(input: string, url: string, message: RegExp): Row {
  return {
    input,
    outcome: `connect(): status 'failed', SyntaxError in state matching ${message}; no socket, no timer`,
    check: () => {
      const { connection, sockets, clock } = fakeConnection({}, url)
      expect(() => connection.connect()).not.toThrow()
      const state = connection.getState()
      expect(state.status).toBe('failed')
      expect(state.error).toBeInstanceOf(SyntaxError)
      expect(state.error?.message).toMatch(message)
      expect(sockets()).toHaveLength(0)
      expect(clock.pending).toBe(0)
    },
  }
}

/** A URL function that fails one way or another: an error in state, and a retry. */
function badUrlFunction(input: string, url: () => unknown, message: RegExp): Row {
  return {
    input,
    outcome: `status 'reconnecting' (attempt 1, retry scheduled), state.error matching ${message}`,
    check: async () => {
      const { connection, sockets, clock } = fakeConnection(
        { retry: { initialDelay: 100, jitter: 'none' } },
        url as () => string,
      )
      expect(() => connection.connect()).not.toThrow()
      await settle()
      const state = connection.getState()
      expect(state).toMatchObject({ status: 'reconnecting', attempt: 1 })
      expect(state.error?.message).toMatch(message)
      expect(sockets()).toHaveLength(0)
      expectNotStuck(connection, clock)
      connection.destroy()
    },
  }
}

const urlRows: Row[] = [
  {
    input: 'createConnection(42)',
    outcome: 'TypeError at creation: url must be a ws:// or wss:// string, or a function returning one',
    check: () => expect(() => createConnection(42 as never)).toThrow(/url must be a ws:\/\/ or wss:\/\//),
  },
  {
    input: 'createConnection(null)',
    outcome: 'TypeError at creation: url must be a ws:// or wss:// string, or a function returning one',
    check: () => expect(() => createConnection(null as never)).toThrow(TypeError),
  },
  badUrl("'notaurl'", 'notaurl', /Invalid WebSocket URL "notaurl": expected an absolute ws:\/\/ or wss:\/\//),
  badUrl("'http://x'", 'http://x', /the scheme must be ws:\/\/ or wss:\/\/, not http:\/\//),
  badUrl("''", '', /expected a ws:\/\/ or wss:\/\/ URL string/),
  badUrl("'ws://host/#fragment'", 'ws://host/#fragment', /cannot have a #fragment/),
  {
    input: 'getConnection(42)',
    outcome: 'TypeError at the call: getConnection(url) takes a URL string',
    check: () => expect(() => getConnection(42 as never)).toThrow(/getConnection\(url\) takes a URL string/),
  },
  {
    input: 'getConnection(() => url)',
    outcome: 'TypeError at the call: a URL function works only with createConnection(fn)',
    check: () =>
      expect(() => getConnection((() => URL_OK) as never)).toThrow(/works only with createConnection/),
  },
  badUrlFunction(
    'url function that throws',
    () => {
      throw new Error('token service down')
    },
    /The url function threw: token service down/,
  ),
  badUrlFunction('url function returning 42', () => 42, /Invalid WebSocket URL number/),
  badUrlFunction('url function returning null', () => null, /Invalid WebSocket URL null/),
  badUrlFunction('url function resolving to http://x', async () => 'http://x', /scheme must be ws:\/\//),
  badUrlFunction(
    'url function that rejects',
    () => Promise.reject(new Error('no token')),
    /The url function rejected: no token/,
  ),
  badUrlFunction(
    'url function that rejects with a non-Error',
    () => Promise.reject('nope'),
    /The url function rejected: nope/,
  ),
  {
    input: 'url function that throws, retry: false',
    outcome: "status 'failed' with the error in state; nothing scheduled",
    check: () => {
      const { connection, clock } = fakeConnection({ retry: false }, () => {
        throw new Error('token service down')
      })
      connection.connect()
      expect(connection.getState().status).toBe('failed')
      expect(connection.getState().error?.message).toMatch(/url function threw/)
      expect(clock.pending).toBe(0)
    },
  },
  {
    input: 'url function whose promise never settles',
    outcome: "connect timeout: status 'reconnecting', error 'Connect timeout: no open within N ms.'",
    check: () => {
      const { connection, clock } = fakeConnection(
        { connectTimeout: 500 },
        () => new Promise<string>(() => {}),
      )
      connection.connect()
      clock.advance(500)
      expect(connection.getState().status).toBe('reconnecting')
      expect(connection.getState().error?.message).toMatch(/Connect timeout: no open within 500 ms/)
      expectNotStuck(connection, clock)
    },
  },
]

const optionRows: Row[] = [
  refused('options null', null, TypeError, /options must be an object/),
  refused("options 'x'", 'x', TypeError, /options must be an object/),
  refused('connectTimeout -1', { connectTimeout: -1 }, RangeError, /connectTimeout must be a finite number/),
  refused('connectTimeout NaN', { connectTimeout: Number.NaN }, RangeError, /connectTimeout .*got NaN/),
  refused("connectTimeout '100'", { connectTimeout: '100' }, RangeError, /connectTimeout must be a finite/),
  refused('retry.initialDelay -1', { retry: { initialDelay: -1 } }, RangeError, /retry.initialDelay .*>= 0/),
  refused(
    'retry.initialDelay NaN',
    { retry: { initialDelay: Number.NaN } },
    RangeError,
    /retry.initialDelay/,
  ),
  refused('retry.maxDelay NaN', { retry: { maxDelay: Number.NaN } }, RangeError, /retry.maxDelay/),
  refused(
    'retry.maxDelay below initialDelay',
    { retry: { initialDelay: 5000, maxDelay: 100 } },
    RangeError,
    /retry.maxDelay \(100\) is below retry.initialDelay \(5000\); raise maxDelay/,
  ),
  refused('retry.minUptime -1', { retry: { minUptime: -1 } }, RangeError, /retry.minUptime/),
  refused('retry.factor 0.5', { retry: { factor: 0.5 } }, RangeError, /retry.factor must be .* at least 1/),
  refused('retry.factor NaN', { retry: { factor: Number.NaN } }, RangeError, /retry.factor/),
  refused(
    'retry.factor Infinity',
    { retry: { factor: Number.POSITIVE_INFINITY } },
    RangeError,
    /retry.factor/,
  ),
  refused(
    'retry.maxAttempts -1',
    { retry: { maxAttempts: -1 } },
    RangeError,
    /retry.maxAttempts must be a whole/,
  ),
  refused('retry.maxAttempts 1.5', { retry: { maxAttempts: 1.5 } }, RangeError, /retry.maxAttempts/),
  refused('retry.maxAttempts NaN', { retry: { maxAttempts: Number.NaN } }, RangeError, /retry.maxAttempts/),
  {
    input: 'retry.maxAttempts 0',
    outcome:
      "accepted (never retry): the first drop ends in 'failed', error 'Gave up after 0 retry attempt(s)'",
    check: () => {
      const { connection, socket, clock } = fakeConnection({ retry: { maxAttempts: 0 } })
      connection.connect()
      socket().open()
      socket().closeFromServer(1006)
      expect(connection.getState().status).toBe('failed')
      expect(connection.getState().error?.message).toMatch(/Gave up after 0 retry attempt\(s\)/)
      expect(clock.pending).toBe(0)
    },
  },
  refused("retry.jitter 'some'", { retry: { jitter: 'some' } }, TypeError, /retry.jitter must be 'full'/),
  refused(
    "retry.shouldRetry 'yes'",
    { retry: { shouldRetry: 'yes' } },
    TypeError,
    /retry.shouldRetry must be/,
  ),
  refused('retry: 5', { retry: 5 }, TypeError, /react-lifeline: retry must be/),
  refused('heartbeat.interval 0', { heartbeat: { interval: 0 } }, RangeError, /heartbeat.interval .*>= 1/),
  refused('heartbeat.interval -5', { heartbeat: { interval: -5 } }, RangeError, /heartbeat.interval/),
  refused('heartbeat.timeout NaN', { heartbeat: { timeout: Number.NaN } }, RangeError, /heartbeat.timeout/),
  refused("heartbeat: 'x'", { heartbeat: 'x' }, TypeError, /react-lifeline: heartbeat must be/),
  refused(
    "heartbeat.isPong 'x'",
    { heartbeat: { isPong: 'x' } },
    TypeError,
    /react-lifeline: heartbeat.isPong/,
  ),
  refused(
    'heartbeat.message 42',
    { heartbeat: { message: 42 } },
    TypeError,
    /react-lifeline: heartbeat.message/,
  ),
  {
    input: 'queue.max 0',
    outcome: "accepted: a send while not open returns 'dropped' and is counted and reported",
    check: () => {
      const { connection } = fakeConnection({ queue: { max: 0 } })
      expect(connection.send('a')).toBe('dropped')
      expect(connection.getStats().messagesDropped).toBe(1)
      expect(connection.getState().error?.message).toMatch(/Message dropped/)
    },
  },
  refused('queue.max -1', { queue: { max: -1 } }, RangeError, /queue.max must be a whole number >= 0/),
  refused('queue.max 1.5', { queue: { max: 1.5 } }, RangeError, /queue.max/),
  refused('queue: true', { queue: true }, TypeError, /queue must be false or an object, got true/),
  refused('lingerMs -1', { lingerMs: -1 }, RangeError, /lingerMs must be a finite number .*>= 0/),
  refused('lingerMs Infinity', { lingerMs: Number.POSITIVE_INFINITY }, RangeError, /lingerMs/),
  refused('historySize -1', { historySize: -1 }, RangeError, /historySize must be a whole number/),
  refused('historySize 1.5', { historySize: 1.5 }, RangeError, /historySize/),
  refused(
    "binaryType 'text'",
    { binaryType: 'text' },
    TypeError,
    /binaryType must be 'blob' or 'arraybuffer'/,
  ),
  refused(
    "protocols 'chat v2'",
    { protocols: 'chat v2' },
    SyntaxError,
    /protocols must be subprotocol tokens/,
  ),
  refused("protocols 'a,b'", { protocols: 'a,b' }, SyntaxError, /subprotocol tokens/),
  refused("protocols ''", { protocols: '' }, SyntaxError, /subprotocol tokens/),
  refused('protocols [42]', { protocols: [42] }, SyntaxError, /subprotocol tokens.*got 42/),
  refused("protocols ['a', 'a']", { protocols: ['a', 'a'] }, SyntaxError, /must not repeat/),
  refused("WebSocket 'ws'", { WebSocket: 'ws' }, TypeError, /WebSocket option must be a constructor/),
  refused('clock {}', { clock: {} }, TypeError, /react-lifeline: clock must/),
  refused('network 1', { network: 1 }, TypeError, /react-lifeline: network must/),
  refused("random 'x'", { random: 'x' }, TypeError, /react-lifeline: random must/),
]

const closeRows: Row[] = [999, 1001, 1004, 1005, 1006, 1015, 2999, 5000, 3000.5, Number.NaN, 'x'].map(
  (code): Row => ({
    input: `close(${typeof code === 'string' ? `'${code}'` : code})`,
    outcome: 'RangeError: a client may only send 1000 or 3000-4999; state and socket untouched',
    check: () => {
      const { connection, socket } = fakeConnection()
      connection.connect()
      socket().open()
      const before = connection.getState()
      expect(() => connection.close(code as number)).toThrow(RangeError)
      expect(() => connection.close(code as number)).toThrow(
        /a client may only send 1000 or a code from 3000 to 4999/,
      )
      expect(connection.getState()).toBe(before)
      expect(socket().closeCalls).toEqual([])
    },
  }),
)

closeRows.push(
  {
    input: 'close(1000, 42)',
    outcome: 'TypeError: reason must be a string; state untouched',
    check: () => {
      const { connection, socket } = fakeConnection()
      connection.connect()
      socket().open()
      expect(() => connection.close(1000, 42 as never)).toThrow(/reason must be a string/)
      expect(connection.getState().status).toBe('open')
    },
  },
  {
    input: "close(4000, 'é' x 100) (200 bytes of reason)",
    outcome: 'closes; the reason is cut to at most 123 bytes of UTF-8 without splitting a character',
    check: () => {
      const { connection, socket } = fakeConnection()
      connection.connect()
      socket().open()
      connection.close(4000, 'é'.repeat(100))
      const sent = socket().closeCalls[0]
      expect(sent?.code).toBe(4000)
      expect(new TextEncoder().encode(sent?.reason).length).toBeLessThanOrEqual(123)
      expect(sent?.reason).toBe('é'.repeat(61))
      expect(connection.getState().status).toBe('closing')
    },
  },
)

const sendRows: Row[] = [
  {
    input: 'send(10 MB string) while open, and while not open',
    outcome: "'sent' (the same string reaches the socket); 'queued' and sent whole on open",
    check: () => {
      const { connection, socket } = fakeConnection()
      expect(connection.send(MB10)).toBe('queued')
      connection.connect()
      socket().open()
      expect(connection.send(MB10)).toBe('sent')
      expect(socket().sent).toHaveLength(2)
      expect(socket().sent.every((data) => data === MB10)).toBe(true)
    },
  },
  ...(
    [
      ['ArrayBuffer', () => new ArrayBuffer(16)],
      ['Uint8Array', () => new Uint8Array([1, 2, 3])],
      ['Blob', () => new Blob(['binary'])],
    ] as const
  ).map(
    ([name, make]): Row => ({
      input: `send(${name})`,
      outcome: "'sent' while open, 'queued' before; the socket gets the very same object",
      check: () => {
        const { connection, socket } = fakeConnection()
        const early = make()
        const late = make()
        expect(connection.send(early)).toBe('queued')
        connection.connect()
        socket().open()
        expect(connection.send(late)).toBe('sent')
        expect(socket().sent[0]).toBe(early)
        expect(socket().sent[1]).toBe(late)
      },
    }),
  ),
  ...([{}, 42, null, undefined] as const).map(
    (value): Row => ({
      input: `send(${JSON.stringify(value) ?? 'undefined'})`,
      outcome: 'TypeError: send takes a string, ArrayBuffer, typed array or Blob (use sendJson for values)',
      check: () => {
        const { connection, socket } = fakeConnection()
        connection.connect()
        socket().open()
        expect(() => connection.send(value as never)).toThrow(TypeError)
        expect(() => connection.send(value as never)).toThrow(/sendJson/)
        expect(socket().sent).toEqual([])
      },
    }),
  ),
  {
    input: 'send while the server close frame is in (readyState CLOSING, close event pending)',
    outcome: "'queued', not lost: flushed on the next open; status 'closing' until the close event",
    check: async () => {
      const { connection, socket, clock } = fakeConnection({ retry: { initialDelay: 10, jitter: 'none' } })
      connection.connect()
      socket().open()
      socket().readyState = 2
      expect(connection.send('late')).toBe('queued')
      await settle()
      expect(connection.getState().status).toBe('closing')
      socket().closeFromServer(1001)
      clock.advance(10)
      socket().open()
      expect(socket().sent).toEqual(['late'])
    },
  },
  {
    input: 'send with queue: false while not open',
    outcome: "'dropped', counted in stats.messagesDropped, error 'Message dropped' in state",
    check: () => {
      const { connection } = fakeConnection({ queue: false })
      expect(connection.send('a')).toBe('dropped')
      expect(connection.getStats().messagesDropped).toBe(1)
      expect(connection.getState().error?.message).toMatch(/Message dropped/)
    },
  },
  {
    input: 'send after destroy()',
    outcome: "'dropped', counted; nothing else happens",
    check: () => {
      const { connection, clock } = fakeConnection()
      connection.destroy()
      expect(connection.send('a')).toBe('dropped')
      expect(connection.getStats().messagesDropped).toBe(1)
      expect(clock.pending).toBe(0)
    },
  },
  ...(
    [
      [
        'a cycle',
        () => {
          const value: Record<string, unknown> = {}
          value.self = value
          return value
        },
        /cannot be serialised \(.*circular/i,
      ],
      ['a BigInt', () => 10n, /cannot be serialised \(.*BigInt/],
      ['undefined', () => undefined, /JSON has no representation for undefined/],
      ['a function', () => () => 1, /JSON has no representation for function/],
      ['a Symbol', () => Symbol('s'), /JSON has no representation for symbol/],
      [
        'a throwing toJSON',
        () => ({
          toJSON: () => {
            throw new Error('nope')
          },
        }),
        /cannot be serialised \(nope\)/,
      ],
    ] as const
  ).map(
    ([name, make, message]): Row => ({
      input: `sendJson(${name})`,
      outcome: `'dropped', nothing sent or queued, TypeError in state matching ${message}`,
      check: () => {
        const { connection, socket } = fakeConnection()
        connection.connect()
        socket().open()
        expect(connection.sendJson(make())).toBe('dropped')
        expect(connection.getState().error).toBeInstanceOf(TypeError)
        expect(connection.getState().error?.message).toMatch(message)
        expect(connection.getState().error?.message).toMatch(/sendJson: nothing was sent/)
        expect(socket().sent).toEqual([])
        expect(connection.getState().queued).toBe(0)
        expect(connection.getState().status).toBe('open')
      },
    }),
  ),
]

const receiveRows: Row[] = [
  {
    input: 'receive a 10 MB text message',
    outcome: 'delivered whole to every listener',
    check: () => {
      const { connection, socket } = fakeConnection({ heartbeat: true })
      const got: unknown[] = []
      connection.onMessage((data) => got.push(data))
      connection.connect()
      socket().open()
      socket().receive(MB10)
      expect(got).toHaveLength(1)
      expect(got[0]).toBe(MB10)
    },
  },
  ...(
    [
      ['ArrayBuffer', () => new ArrayBuffer(8)],
      ['Uint8Array', () => new Uint8Array([1, 2])],
      ['Blob', () => new Blob(['b'])],
    ] as const
  ).map(
    ([name, make]): Row => ({
      input: `receive a binary ${name} (heartbeat on)`,
      outcome: 'delivered as is (the same object); not taken for a pong',
      check: () => {
        const { connection, socket } = fakeConnection({ heartbeat: true, binaryType: 'arraybuffer' })
        const got: unknown[] = []
        connection.onMessage((data) => got.push(data))
        connection.connect()
        socket().open()
        const data = make()
        socket().receive(data)
        expect(got).toEqual([data])
        expect(got[0]).toBe(data)
      },
    }),
  ),
  ...(['not json', '{"type":"pong"', '{"type":', '\u0000\uffff'] as const).map(
    (text): Row => ({
      input: `receive invalid JSON ${JSON.stringify(text)} (heartbeat on)`,
      outcome: 'delivered as the raw string; not a pong; no error, status open',
      check: () => {
        const { connection, socket } = fakeConnection({ heartbeat: true })
        const got: unknown[] = []
        connection.onMessage((data) => got.push(data))
        connection.connect()
        socket().open()
        socket().receive(text)
        expect(got).toEqual([text])
        expect(connection.getState()).toMatchObject({ status: 'open', error: null })
      },
    }),
  ),
]

const callbackRows: Row[] = [
  {
    input: 'retry.shouldRetry that throws',
    outcome:
      "falls back to the close-code table (1006: 'reconnecting'); error 'retry.shouldRetry threw' in state (error 48 in production builds)",
    check: () => {
      const { connection, socket, clock } = fakeConnection({
        retry: {
          shouldRetry: () => {
            throw new Error('boom')
          },
        },
      })
      connection.connect()
      socket().open()
      expect(() => socket().closeFromServer(1006)).not.toThrow()
      expect(connection.getState().status).toBe('reconnecting')
      expect(connection.getState().error?.message).toMatch(/retry.shouldRetry threw: Error: boom/)
      expectNotStuck(connection, clock)
      socket().closeFromServer(1008)
    },
  },
  {
    input: 'heartbeat.isPong that throws',
    outcome: 'reported (reportError/console.error); the message is delivered as an ordinary one; status open',
    check: () => {
      const { connection, socket } = fakeConnection({
        heartbeat: {
          isPong: () => {
            throw new Error('bad predicate')
          },
        },
      })
      const got: unknown[] = []
      connection.onMessage((data) => got.push(data))
      connection.connect()
      socket().open()
      expect(() => socket().receive('{"type":"pong"}')).not.toThrow()
      expect(got).toEqual(['{"type":"pong"}'])
      expect(consoleError).toHaveBeenCalledWith(expect.objectContaining({ message: 'bad predicate' }))
      expect(connection.getState().status).toBe('open')
    },
  },
  {
    input: 'heartbeat.message function that throws',
    outcome:
      'reported, nothing escapes the timer; the heartbeat keeps watching: a silent socket is still declared dead',
    check: () => {
      const { connection, socket, clock } = fakeConnection({
        heartbeat: {
          interval: 100,
          timeout: 50,
          message: () => {
            throw new Error('cannot build ping')
          },
        },
      })
      connection.connect()
      socket().open()
      expect(() => clock.advance(100)).not.toThrow()
      expect(consoleError).toHaveBeenCalledWith(expect.objectContaining({ message: 'cannot build ping' }))
      clock.advance(1000)
      expect(connection.getState().status).not.toBe('open')
      expectNotStuck(connection, clock)
    },
  },
  {
    input: 'onMessage listener that throws',
    outcome: 'reported; the listeners after it still get the message',
    check: () => {
      const { connection, socket } = fakeConnection()
      const got: unknown[] = []
      connection.onMessage(() => {
        throw new Error('listener bug')
      })
      connection.onMessage((data) => got.push(data))
      connection.connect()
      socket().open()
      expect(() => socket().receive('hello')).not.toThrow()
      expect(got).toEqual(['hello'])
      expect(consoleError).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }))
    },
  },
  {
    input: 'subscribe listener that throws',
    outcome: 'reported; the other subscribers are still notified; the connection carries on',
    check: () => {
      const { connection, socket } = fakeConnection()
      const seen: string[] = []
      connection.subscribe(() => {
        throw new Error('render bug')
      })
      connection.subscribe(() => seen.push(connection.getState().status))
      expect(() => connection.connect()).not.toThrow()
      expect(() => socket().open()).not.toThrow()
      expect(seen).toEqual(['connecting', 'open'])
      expect(consoleError).toHaveBeenCalledWith(expect.objectContaining({ message: 'render bug' }))
    },
  },
  {
    input: "on('close') listener that throws",
    outcome: 'reported; the close is still recorded and the retry scheduled',
    check: () => {
      const { connection, socket, clock } = fakeConnection()
      connection.on('close', () => {
        throw new Error('tracker down')
      })
      connection.connect()
      socket().open()
      expect(() => socket().closeFromServer(1011)).not.toThrow()
      expect(consoleError).toHaveBeenCalledWith(expect.objectContaining({ message: 'tracker down' }))
      expect(connection.getHistory()).toHaveLength(1)
      expect(connection.getState().status).toBe('reconnecting')
      expectNotStuck(connection, clock)
    },
  },
]

const functionRows: Row[] = [
  ...(['x', Number.NaN, -1, 99999] as const).map(
    (code): Row => ({
      input: `describeCloseCode(${typeof code === 'string' ? `'${code}'` : code})`,
      outcome: "never throws: { name: 'Unknown Code', retry: true }",
      check: () => {
        expect(describeCloseCode(code as number)).toMatchObject({ name: 'Unknown Code', retry: true })
      },
    }),
  ),
  {
    input: 'diagnose([])',
    outcome: '[] (nothing to say)',
    check: () => expect(diagnose([])).toEqual([]),
  },
  {
    input: 'diagnose(null)',
    outcome: 'TypeError at the call naming diagnose(history) and what it takes',
    check: () => {
      expect(() => diagnose(null as never)).toThrow(TypeError)
      expect(() => diagnose(null as never)).toThrow(/diagnose\(history\)/)
    },
  },
  ...(['x', null, 42] as const).map(
    (listener): Row => ({
      input: `subscribe(${JSON.stringify(listener)}) / onMessage(${JSON.stringify(listener)})`,
      outcome: 'TypeError at the call: the listener must be a function',
      check: () => {
        const { connection } = fakeConnection()
        expect(() => connection.subscribe(listener as never)).toThrow(TypeError)
        expect(() => connection.onMessage(listener as never)).toThrow(TypeError)
      },
    }),
  ),
  {
    input: "on('open', fn)",
    outcome: "TypeError: unknown event, only 'close' exists",
    check: () => {
      const { connection } = fakeConnection()
      expect(() => connection.on('open' as 'close', () => {})).toThrow(/only 'close' exists/)
    },
  },
  {
    input: 'a release() called twice',
    outcome: 'the second call does nothing (holders are counted once)',
    check: () => {
      const { connection, socket, clock } = fakeConnection({ lingerMs: 10 })
      const a = connection.retain()
      connection.retain()
      socket().open()
      a()
      a()
      clock.advance(100)
      expect(connection.getState().status).toBe('open')
    },
  },
  {
    input: 'destroy() twice, then connect(), retain(), reconnect(), close()',
    outcome: "no throw, nothing opens, status stays 'closed', no timer",
    check: () => {
      const { connection, sockets, clock } = fakeConnection()
      connection.destroy()
      expect(() => {
        connection.destroy()
        connection.connect()
        connection.retain()()
        connection.reconnect()
        connection.close()
      }).not.toThrow()
      expect(sockets()).toHaveLength(0)
      expect(connection.getState().status).toBe('closed')
      expect(clock.pending).toBe(0)
    },
  },
]

/** A WebSocket constructor that throws `error` on its first call, then works. */
function throwingOnce(error: Error) {
  let thrown = false
  return class extends FakeWebSocket {
    constructor(url: string, protocols?: string | string[]) {
      if (!thrown) {
        thrown = true
        throw error
      }
      super(url, protocols)
    }
  } as unknown as WebSocketConstructor
}

/** The error event Node's ws gives before the close event of a failed handshake. */
function failHandshake(socket: FakeWebSocket, message: string): void {
  const error = new Error(message)
  socket.onerror?.({ type: 'error', error, message })
  socket.closeFromServer(1006)
}

// The inputs of issue 10's hostile review: numbers past what timers keep, broken randomness,
// clocks set back, refused upgrades, and listeners that call back into the connection.
const limitRows: Row[] = [
  refused(
    'heartbeat.interval 2**31',
    { heartbeat: { interval: 2 ** 31 } },
    RangeError,
    /heartbeat.interval must be .* and <= 2147483647, got 2147483648/,
  ),
  refused('heartbeat.timeout 2**31', { heartbeat: { timeout: 2 ** 31 } }, RangeError, /<= 2147483647/),
  {
    input: "retry { initialDelay: 2**31, maxDelay: 2**31, jitter: 'none' }",
    outcome: 'accepted: the retry waits 2147483647 ms (the timer limit, 24.8 days) and nextRetryAt says so',
    check: () => {
      const { connection, socket, clock } = fakeConnection({
        retry: { initialDelay: 2 ** 31, maxDelay: 2 ** 31, jitter: 'none' },
      })
      connection.connect()
      socket().closeFromServer(1006)
      expect(connection.getState().nextRetryAt! - clock.now()).toBe(2 ** 31 - 1)
    },
  },
  {
    input: 'lingerMs 2**31, connectTimeout 2**31, retry.minUptime 2**31',
    outcome: 'accepted: each waits at the timer limit (24.8 days), never 1 ms',
    check: () => {
      const delays: number[] = []
      const { connection, socket, clock } = fakeConnection({
        lingerMs: 2 ** 31,
        connectTimeout: 2 ** 31,
        retry: { minUptime: 2 ** 31 },
      })
      const setTimeout = clock.setTimeout
      clock.setTimeout = (callback, ms) => {
        delays.push(ms)
        return setTimeout(callback, ms)
      }
      const release = connection.retain()
      clock.advance(1)
      socket().open()
      release()
      clock.advance(1000)
      expect(connection.getState().status).toBe('open')
      expect(Math.max(...delays)).toBe(2 ** 31 - 1)
    },
  },
  ...[Number.NaN, 7, -1].map(
    (draw): Row => ({
      input: `random returning ${draw}`,
      outcome: 'the draw counts as 0.5 (the middle of the jitter window): no 0 ms hammering',
      check: () => {
        const { connection, socket, clock } = fakeConnection({ random: () => draw })
        connection.connect()
        socket().closeFromServer(1006)
        expect(connection.getState().nextRetryAt! - clock.now()).toBe(500)
      },
    }),
  ),
  {
    input: 'clock.now() set back an hour while a socket is open',
    outcome: 'openForMs, idleForMs and latency are 0, never negative',
    check: () => {
      let setBack = 0
      const { connection, socket, clock } = fakeConnection({ heartbeat: { interval: 100, timeout: 50 } })
      const now = clock.now
      clock.now = () => now() - setBack
      connection.connect()
      socket().open()
      clock.advance(100)
      setBack = 3_600_000
      socket().receive('{"type":"pong"}')
      socket().closeFromServer(1001)
      expect(connection.getState().latency).toBe(0)
      expect(connection.getState().lastClose).toMatchObject({ openForMs: 0, idleForMs: 0 })
    },
  },
  {
    input: 'WebSocket constructor throwing a TypeError once, fixed URL',
    outcome: "a failed attempt: 'reconnecting', the error in state, then opens",
    check: () => {
      const { connection, clock } = fakeConnection({
        WebSocket: throwingOnce(new TypeError('no more sockets')),
        retry: { initialDelay: 10, jitter: 'none' },
      })
      connection.connect()
      expect(connection.getState()).toMatchObject({
        status: 'reconnecting',
        error: { message: 'no more sockets' },
      })
      clock.advance(10)
      FakeWebSocket.last.open()
      expect(connection.getState().status).toBe('open')
    },
  },
  {
    input: 'WebSocket constructor throwing a SyntaxError, fixed URL',
    outcome: "'failed': the same URL would be refused again",
    check: () => {
      const { connection } = fakeConnection({ WebSocket: throwingOnce(new SyntaxError('bad')) })
      connection.connect()
      expect(connection.getState().status).toBe('failed')
    },
  },
  {
    input: 'upgrade refused with HTTP 401 or 403, fixed URL (ws: "Unexpected server response: 401")',
    outcome: "'failed', that text in state.error, lastClose { code: 1006, httpStatus: 401 }",
    check: () => {
      const { connection, socket } = fakeConnection()
      connection.connect()
      failHandshake(socket(), 'Unexpected server response: 401')
      expect(connection.getState()).toMatchObject({
        status: 'failed',
        error: { message: 'Unexpected server response: 401' },
        lastClose: { code: 1006, httpStatus: 401 },
      })
    },
  },
  {
    input: 'upgrade refused with HTTP 401 or 403, URL function',
    outcome: "'reconnecting' with the normal backoff: the next call may bring a fresh token",
    check: () => {
      const { connection, socket } = fakeConnection({}, () => URL_OK)
      connection.connect()
      failHandshake(socket(), 'Unexpected server response: 403')
      expect(connection.getState()).toMatchObject({ status: 'reconnecting', lastClose: { httpStatus: 403 } })
    },
  },
  {
    input: 'upgrade refused with HTTP 404 or 5xx',
    outcome: "'reconnecting' with the normal backoff; httpStatus in lastClose for shouldRetry",
    check: () => {
      const { connection, socket } = fakeConnection()
      connection.connect()
      failHandshake(socket(), 'Unexpected server response: 503')
      expect(connection.getState()).toMatchObject({ status: 'reconnecting', lastClose: { httpStatus: 503 } })
    },
  },
  {
    input: "server selects no subprotocol (ws: 'Server sent no subprotocol')",
    outcome: "state.error names what was asked for: 'Server sent no subprotocol (asked for chat.v2)'",
    check: () => {
      const { connection, socket } = fakeConnection({ protocols: 'chat.v2' })
      connection.connect()
      failHandshake(socket(), 'Server sent no subprotocol')
      expect(connection.getState().error?.message).toBe('Server sent no subprotocol (asked for chat.v2)')
    },
  },
  {
    input: "url function rejecting with 'GET /api/ws-token?token=abc failed'",
    outcome: "state.error: 'The url function rejected: GET /api/ws-token?token=[redacted] failed'",
    check: async () => {
      const { connection } = fakeConnection({}, () =>
        Promise.reject(new Error('GET /api/ws-token?token=abc failed')),
      )
      connection.connect()
      await settle()
      expect(connection.getState().error?.message).toBe(
        'The url function rejected: GET /api/ws-token?token=[redacted] failed',
      )
    },
  },
  {
    input: "a subscribe listener that send()s on every call while 'connecting'",
    outcome:
      'never re-entered: one send per notification until the queue is full, the overflow reported once, then quiet',
    check: async () => {
      const { connection } = fakeConnection({ queue: { max: 5 } })
      let depth = 0
      let deepest = 0
      connection.subscribe(() => {
        deepest = Math.max(deepest, ++depth)
        if (connection.getState().status === 'connecting') connection.send('hello')
        depth--
      })
      connection.connect()
      await settle()
      expect(deepest).toBe(1)
      expect(connection.getState().queued).toBe(5)
      expect(connection.getStats().messagesDropped).toBe(2)
    },
  },
  {
    input: 'a subscribe listener that changes the state on every call (connect/close ping-pong)',
    outcome:
      "stopped after 100 rounds, reported: 'state listeners kept changing the state' (error 49 in production builds)",
    check: () => {
      const { connection } = fakeConnection()
      connection.subscribe(() => {
        if (connection.getState().status === 'connecting') connection.close()
        else connection.connect()
      })
      connection.connect()
      expect(consoleError).toHaveBeenCalledWith(
        expect.objectContaining({ message: expect.stringMatching(/kept changing the state/) }),
      )
    },
  },
  {
    input: 'close() inside an onMessage listener, more messages in the same read',
    outcome: 'the message in hand reaches every listener; nothing after it is delivered',
    check: () => {
      const { connection, socket } = fakeConnection()
      const received: unknown[] = []
      connection.onMessage((data) => {
        received.push(data)
        connection.close()
      })
      connection.connect()
      socket().open()
      socket().receive('a')
      socket().receive('b')
      expect(received).toEqual(['a'])
    },
  },
]

const topicFrame = (value: object) => JSON.stringify(value)

/** A connection with topics on the fake socket, open, holding `names`. */
function topicConnection(names: string[], options: ConnectionOptions = {}) {
  const fake = fakeConnection({ topics: lifelineTopics(), ...options })
  const topics = names.map((name) => fake.connection.topic(name))
  for (const topic of topics) topic.retain()
  fake.connection.connect()
  fake.socket().open()
  const received: unknown[] = []
  fake.connection.onMessage((data) => received.push(data))
  return { ...fake, topics, received }
}

const topicRows: Row[] = [
  {
    input: '`topic(name)` on a connection without `topics`',
    outcome: 'TypeError at the call: topic() needs the topics option, e.g. { topics: lifelineTopics() }',
    check: () => {
      expect(() => fakeConnection().connection.topic('room')).toThrow(/needs the topics option/)
    },
  },
  {
    input: "`topic(42)`, `topic('')`",
    outcome: 'TypeError at the call: topic(name) takes a non-empty string',
    check: () => {
      const { connection } = fakeConnection({ topics: lifelineTopics() })
      expect(() => connection.topic(42 as never)).toThrow(TypeError)
      expect(() => connection.topic('')).toThrow(/non-empty string/)
    },
  },
  refused(
    '`topics: {}` or a hand-written object not passed through `topicProtocol()`',
    { topics: { subscribe: () => 's', unsubscribe: () => null, read: () => null } },
    TypeError,
    /plain object; wrap it with topicProtocol\(\) from 'react-lifeline\/core'/,
  ),
  refused(
    '`{ ...lifelineTopics(), read: 5 }` (a method missing from a protocol that carries the engine)',
    { topics: { ...lifelineTopics(), read: 5 } },
    TypeError,
    /topics must be an object with subscribe\(\), unsubscribe\(\), read\(\); missing or not a function: read/,
  ),
  {
    input: '`topicProtocol({})`, `topicProtocol(null)`',
    outcome: 'TypeError at the call: topicProtocol must be an object with subscribe(), unsubscribe(), read()',
    check: () => {
      expect(() => topicProtocol({} as never)).toThrow(
        /topicProtocol must be an object with subscribe\(\), unsubscribe\(\), read\(\)/,
      )
      expect(() => topicProtocol(null as never)).toThrow(TypeError)
    },
  },
  {
    input: 'a topic frame of unknown type from a custom `read`',
    outcome: 'dropped, a development warning once; the topic and the socket carry on',
    check: () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      const base = lifelineTopics()
      const { socket, topics, connection } = topicConnection(['t'], {
        topics: {
          ...base,
          read: (message) =>
            message.data === 'odd' ? ({ type: 'odd', topic: 't' } as never) : base.read(message),
        },
      })
      socket().receive(topicFrame({ type: 'subscribed', topic: 't', position: { epoch: 'e', offset: 0 } }))
      socket().receive('odd')
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/unknown type "odd"/))
      expect(topics[0]!.getState().status).toBe('live')
      expect(connection.getState().status).toBe('open')
      warn.mockRestore()
    },
  },
  {
    input: 'a topic frame for a topic nobody holds',
    outcome: 'dropped (not delivered to onMessage), a development warning once',
    check: () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      const { socket, received } = topicConnection([])
      socket().receive(
        topicFrame({ type: 'message', topic: 'nobody', data: 1, position: { epoch: 'e', offset: 1 } }),
      )
      expect(received).toEqual([])
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/topic "nobody", which nothing holds/))
      warn.mockRestore()
    },
  },
  {
    input: 'offsets that go backwards (or repeat)',
    outcome: 'each offset at or below the last delivered is a duplicate and dropped; no gap is counted',
    check: () => {
      const { socket, topics } = topicConnection(['t'])
      const seen: unknown[] = []
      topics[0]!.onMessage((data) => seen.push(data))
      socket().receive(topicFrame({ type: 'subscribed', topic: 't', position: { epoch: 'e', offset: 0 } }))
      for (const offset of [1, 2, 1, 2, 3])
        socket().receive(
          topicFrame({ type: 'message', topic: 't', data: offset, position: { epoch: 'e', offset } }),
        )
      expect(seen).toEqual([1, 2, 3])
      expect(topics[0]!.getState().gaps).toBe(0)
    },
  },
  {
    input: 'a `read` that throws',
    outcome:
      '`state.error`: topics.read threw: …; the message goes to onMessage; the socket and the topics carry on',
    check: () => {
      const { socket, received, connection } = topicConnection([], {
        topics: {
          ...lifelineTopics(),
          read: () => {
            throw new Error('no parser')
          },
        },
      })
      socket().receive('x')
      expect(received).toEqual(['x'])
      expect(connection.getState().error?.message).toBe('topics.read threw: no parser')
      expect(connection.getState().status).toBe('open')
    },
  },
  {
    input: 'a `subscribe` that throws',
    outcome: "that topic's status 'error' with topics.subscribe threw: …; nothing sent",
    check: () => {
      const { socket, topics } = topicConnection(['t'], {
        topics: {
          ...lifelineTopics(),
          subscribe: () => {
            throw new Error('bad name')
          },
        },
      })
      expect(topics[0]!.getState().status).toBe('error')
      expect(topics[0]!.getState().error?.message).toMatch(/topics.subscribe threw: Error: bad name/)
      expect(socket().sent).toEqual([])
    },
  },
  {
    input: 'a server that never answers a subscribe',
    outcome:
      "after connectTimeout that topic's status 'error' (did not answer the subscribe within N ms), subscribed again on the same socket after the retry policy's delay; other topics and the socket unharmed",
    check: () => {
      const { socket, topics, clock, connection } = topicConnection(['quiet', 'fine'], {
        connectTimeout: 1000,
        retry: { initialDelay: 200, jitter: 'none' },
      })
      socket().receive(topicFrame({ type: 'subscribed', topic: 'fine', position: { epoch: 'e', offset: 0 } }))
      clock.advance(1000)
      expect(topics[0]!.getState().error?.message).toMatch(/did not answer the subscribe within 1000 ms/)
      expect(topics[1]!.getState().status).toBe('live')
      clock.advance(200)
      expect(socket().sent.filter((frame) => String(frame).includes('quiet'))).toHaveLength(2)
      expect(connection.getState().status).toBe('open')
    },
  },
  {
    input: 'the server refuses a topic (`authorize` says no: an `error` frame)',
    outcome:
      "that topic's status 'error' with the server's sentence; asked again on the next retain() or socket, not by a timer",
    check: () => {
      const { socket, topics, clock } = topicConnection(['secret'])
      socket().receive(
        topicFrame({ type: 'error', topic: 'secret', error: 'Not yours.', code: 'unauthorized' }),
      )
      expect(topics[0]!.getState()).toMatchObject({ status: 'error', error: new Error('Not yours.') })
      clock.advance(60_000)
      expect(socket().sent).toHaveLength(1)
      topics[0]!.retain()
      expect(socket().sent).toHaveLength(2)
    },
  },
]

const TABLES: [string, Row[]][] = [
  ['URLs', urlRows],
  ['options', optionRows],
  ['close()', closeRows],
  ['send() and sendJson()', sendRows],
  ['received messages', receiveRows],
  ['throwing user callbacks', callbackRows],
  ['other public functions', functionRows],
  ['limits, refusals and re-entrant listeners', limitRows],
  ['topics', topicRows],
]

for (const [name, rows] of TABLES) {
  describe(`bad input: ${name}`, () => {
    for (const { input, outcome, check } of rows) {
      it(`${input} → ${outcome}`, async () => {
        await check()
      })
    }
  })
}

describe('bad input: the whole table', () => {
  it('left no unhandled promise rejection behind', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(unhandled).toEqual([])
  })
})
