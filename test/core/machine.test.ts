import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_RETRY } from '../../src/core/backoff'
import { resolveHeartbeat } from '../../src/core/heartbeat'
import { initialState, transition } from '../../src/core/machine'
import type { Effect, MachineContext, MachineEvent, MachineState } from '../../src/core/machine-types'

const ctx: MachineContext = {
  now: 1000,
  retry: { ...DEFAULT_RETRY, jitter: 'none' },
  heartbeat: null,
  connectTimeout: 10000,
  lingerMs: 1000,
  closeCodes: undefined,
  random: () => 0.5,
}

function run(events: MachineEvent[], state = initialState(true), context = ctx): MachineState {
  return events.reduce((current, event) => transition(current, event, context).state, state)
}

describe('transition', () => {
  it('asks to resolve the URL and start the connect timer on connect', () => {
    const { state, effects } = transition(initialState(true), { type: 'connect' }, ctx)
    expect(state.view.status).toBe('connecting')
    expect(effects).toEqual([
      { type: 'cancel-timer', name: 'retry' },
      { type: 'start-timer', name: 'connect', ms: 10000 },
      { type: 'resolve-url', socket: 1 },
    ])
  })

  it('opens the resolved URL, then flushes the queue on open', () => {
    const resolving = run([{ type: 'connect' }])
    const opened = transition(resolving, { type: 'url-resolved', socket: 1, url: 'ws://h' }, ctx)
    expect(opened.effects).toEqual([{ type: 'open-socket', socket: 1, url: 'ws://h' }])
    const open = transition(opened.state, { type: 'socket-open', socket: 1 }, ctx)
    expect(open.state.view).toMatchObject({ status: 'open', lastOpenAt: 1000 })
    expect(open.effects).toContainEqual({ type: 'flush-queue' })
  })

  it('ignores every event of a socket it has left', () => {
    const open = run([
      { type: 'connect' },
      { type: 'url-resolved', socket: 1, url: 'ws://h' },
      { type: 'socket-open', socket: 1 },
    ])
    // After reconnect() a new socket is the current one; each event of socket 1 arrives while
    // the new socket is in the very phase where the same event from it would count, so only
    // the socket id can tell them apart.
    const resolving = run([{ type: 'reconnect' }], open)
    const current = resolving.socket
    expect(current).not.toBe(1)
    expect(resolving.phase).toBe('resolving')
    const connecting = run([{ type: 'url-resolved', socket: current, url: 'ws://h' }], resolving)
    const reopened = run([{ type: 'socket-open', socket: current }], connecting)
    const stale: [MachineState, MachineEvent][] = [
      [resolving, { type: 'url-resolved', socket: 1, url: 'ws://old' }],
      [resolving, { type: 'attempt-failed', socket: 1, error: new Error('old'), fatal: true }],
      [connecting, { type: 'attempt-failed', socket: 1, error: new Error('old'), fatal: true }],
      [connecting, { type: 'socket-open', socket: 1 }],
      [connecting, { type: 'socket-close', socket: 1, code: 1008, reason: '', wasClean: true }],
      [reopened, { type: 'socket-message', socket: 1, pong: true }],
      [reopened, { type: 'socket-close', socket: 1, code: 1008, reason: '', wasClean: true }],
    ]
    for (const [state, event] of stale) {
      const next = transition(state, event, { ...ctx, now: 5000 })
      expect(next.state.view, event.type).toBe(state.view)
      expect(next.state.phase, event.type).toBe(state.phase)
      expect(next.state.lastInboundAt, event.type).toBe(state.lastInboundAt)
      expect(next.effects, event.type).toEqual([])
    }
    // The same events from the current socket do count, so the checks above pass for the id alone.
    expect(transition(connecting, { type: 'socket-open', socket: current }, ctx).state.view.status).toBe(
      'open',
    )
    const closed = { type: 'socket-close', socket: current, code: 1008, reason: '', wasClean: true } as const
    expect(transition(reopened, closed, ctx).state.view.status).toBe('failed')
  })

  it('returns the same view object when nothing public changed', () => {
    const open = run([
      { type: 'connect' },
      { type: 'url-resolved', socket: 1, url: 'ws://h' },
      { type: 'socket-open', socket: 1 },
    ])
    const next = transition(open, { type: 'socket-message', socket: 1, pong: false }, { ...ctx, now: 2000 })
    expect(next.state.view).toBe(open.view)
    expect(next.state.lastInboundAt).toBe(2000)
  })

  it('does nothing once destroyed', () => {
    const destroyed = run([{ type: 'connect' }, { type: 'destroy' }])
    expect(destroyed.view.status).toBe('closed')
    expect(transition(destroyed, { type: 'connect' }, ctx)).toEqual({ state: destroyed, effects: [] })
  })

  it('fails at once on a fatal attempt failure (a bad URL)', () => {
    const failed = run([
      { type: 'connect' },
      { type: 'attempt-failed', socket: 1, error: new SyntaxError('bad'), fatal: true },
    ])
    expect(failed.view).toMatchObject({ status: 'failed', nextRetryAt: null })
  })
})

const hbCtx: MachineContext = { ...ctx, heartbeat: resolveHeartbeat({ interval: 1000, timeout: 500 }) }
const CONNECTING: MachineEvent[] = [{ type: 'connect' }, { type: 'url-resolved', socket: 1, url: 'ws://h' }]
const OPEN: MachineEvent[] = [...CONNECTING, { type: 'socket-open', socket: 1 }]
const lost = (socket: number): MachineEvent => ({
  type: 'socket-close',
  socket,
  code: 1006,
  reason: '',
  wasClean: false,
})
/** Socket 1 is lost, the retry fires and socket 3 opens (socket ids count every attempt). */
const REOPEN: MachineEvent[] = [
  lost(1),
  { type: 'timer', name: 'retry' },
  { type: 'url-resolved', socket: 3, url: 'ws://h' },
  { type: 'socket-open', socket: 3 },
]
const sentPing = (effects: Effect[]) => effects.some((effect) => effect.type === 'send-ping')

describe('events in a phase where they cannot happen', () => {
  it('are ignored, even from the current socket', () => {
    const resolving = run([{ type: 'connect' }])
    const connecting = run(CONNECTING)
    const open = run(OPEN)
    const handshaking = run(OPEN, initialState(true), { ...ctx, handshake: true })
    const closing = run([...OPEN, { type: 'socket-closing', socket: 1 }])
    const closingOnPurpose = run([...OPEN, { type: 'close', code: 1000, reason: '' }])
    const failed = run([
      ...CONNECTING,
      { type: 'attempt-failed', socket: 1, error: new Error('x'), fatal: true },
    ])
    const cases: [string, MachineState, MachineEvent][] = [
      ['a second URL while connecting', connecting, { type: 'url-resolved', socket: 1, url: 'ws://other' }],
      ['a URL for an open socket', open, { type: 'url-resolved', socket: 1, url: 'ws://other' }],
      [
        'a failed attempt once open',
        open,
        { type: 'attempt-failed', socket: 1, error: new Error('x'), fatal: true },
      ],
      [
        'a failed attempt while handshaking',
        handshaking,
        { type: 'attempt-failed', socket: 1, error: new Error('x'), fatal: true },
      ],
      ['handshake-done without a handshake', open, { type: 'handshake-done', socket: 1 }],
      ['handshake-done while connecting', connecting, { type: 'handshake-done', socket: 1 }],
      [
        'handshake-failed without a handshake',
        open,
        { type: 'handshake-failed', socket: 1, error: new Error('x') },
      ],
      [
        'handshake-failed while connecting',
        connecting,
        { type: 'handshake-failed', socket: 1, error: new Error('x') },
      ],
      ['a close before any socket exists', resolving, lost(1)],
      ['a close with no socket', failed, lost(failed.socket)],
      ['a message before open', connecting, { type: 'socket-message', socket: 1, pong: false }],
      ['closing while connecting', connecting, { type: 'socket-closing', socket: 1 }],
      ['closing twice', closing, { type: 'socket-closing', socket: 1 }],
      [
        'the server closing a socket the user closes',
        closingOnPurpose,
        { type: 'socket-closing', socket: 1 },
      ],
      ['a connect timeout once open', open, { type: 'timer', name: 'connect' }],
      ['a connect timeout with no socket', failed, { type: 'timer', name: 'connect' }],
      ['a retry while connecting', resolving, { type: 'timer', name: 'retry' }],
      ['a retry once failed', failed, { type: 'timer', name: 'retry' }],
      ['a close timeout while open', open, { type: 'timer', name: 'closing' }],
      ['a close timeout while connecting', connecting, { type: 'timer', name: 'closing' }],
      ['a second open', open, { type: 'socket-open', socket: 1 }],
      ['an open while handshaking', handshaking, { type: 'socket-open', socket: 1 }],
      ['a pong timer with no ping out', open, { type: 'timer', name: 'pong' }],
    ]
    for (const [name, state, event] of cases) {
      const next = transition(state, event, { ...ctx, now: 5000 })
      expect(next.state.view, name).toBe(state.view)
      expect(next.state.phase, name).toBe(state.phase)
      expect(next.state.socket, name).toBe(state.socket)
      expect(next.state.lastInboundAt, name).toBe(state.lastInboundAt)
      expect(next.effects, name).toEqual([])
    }
  })

  it('handshake events of a socket it has left are ignored while a new handshake runs', () => {
    const handshakeCtx = { ...ctx, handshake: true }
    const first = run(OPEN, initialState(true), handshakeCtx)
    const second = run(REOPEN, first, handshakeCtx)
    expect(second.phase).toBe('handshake')
    for (const event of [
      { type: 'handshake-done', socket: 1 },
      { type: 'handshake-failed', socket: 1, error: new Error('old') },
    ] as const) {
      expect(transition(second, event, handshakeCtx)).toEqual({ state: second, effects: [] })
    }
  })

  it('an uptime timer left over from an open socket keeps the attempt count', () => {
    const reconnecting = run([
      ...OPEN,
      lost(1),
      { type: 'timer', name: 'retry' },
      { type: 'url-resolved', socket: 3, url: 'ws://h' },
      lost(3),
    ])
    expect(reconnecting.view).toMatchObject({ status: 'reconnecting', attempt: 2 })
    expect(run([{ type: 'timer', name: 'uptime' }], reconnecting).view.attempt).toBe(2)
  })

  it('a stale socket saying it is closing leaves the new open socket alone', () => {
    const reopened = run([...OPEN, ...REOPEN])
    expect(reopened.view.status).toBe('open')
    expect(transition(reopened, { type: 'socket-closing', socket: 1 }, ctx)).toEqual({
      state: reopened,
      effects: [],
    })
  })

  it('a URL function that never settles still times out', () => {
    const resolving = run([{ type: 'connect' }])
    const next = run([{ type: 'timer', name: 'connect' }], resolving)
    expect(next.view).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(next.view.lastClose).toMatchObject({ code: 1006, reason: 'connect timeout', initiator: 'timeout' })
  })

  it('a ping timer left over from a lost socket sends nothing', () => {
    const reconnecting = run([...OPEN, lost(1)], initialState(true), hbCtx)
    expect(transition(reconnecting, { type: 'timer', name: 'ping' }, hbCtx)).toEqual({
      state: reconnecting,
      effects: [],
    })
  })

  it('a new holder cancels the linger timer', () => {
    const released = run([{ type: 'retain' }, { type: 'release' }])
    expect(transition(released, { type: 'retain' }, ctx).effects).toEqual([
      { type: 'cancel-timer', name: 'linger' },
    ])
  })

  it('a linger timer that fires after a new holder came keeps the socket', () => {
    const held = run([{ type: 'retain' }, { type: 'release' }, { type: 'retain' }, ...OPEN.slice(1)])
    const next = transition(held, { type: 'timer', name: 'linger' }, ctx)
    expect(next).toEqual({ state: held, effects: [] })
  })
})

describe('starting and stopping', () => {
  it('retain starts an idle connection; the first open starts no uptime timer', () => {
    const retained = transition(initialState(true), { type: 'retain' }, ctx)
    expect(retained.state.view.status).toBe('connecting')
    const opened = transition(run(CONNECTING), { type: 'socket-open', socket: 1 }, ctx)
    expect(opened.effects).toEqual([{ type: 'cancel-timer', name: 'connect' }, { type: 'flush-queue' }])
  })

  it('connect() from closed, failed or idle starts over: attempt 0, no error, connecting', () => {
    const closedWhileRetrying = run([...OPEN, lost(1), { type: 'close', code: 1000, reason: '' }])
    expect(closedWhileRetrying.view).toMatchObject({ status: 'closed', attempt: 1 })
    const failed = run([
      ...CONNECTING,
      { type: 'attempt-failed', socket: 1, error: new Error('bad'), fatal: true },
    ])
    const idleWithError = run([{ type: 'error', error: new Error('old') }])
    for (const state of [closedWhileRetrying, failed, idleWithError]) {
      expect(run([{ type: 'connect' }], state).view).toMatchObject({
        status: 'connecting',
        attempt: 0,
        error: null,
      })
    }
  })

  it('destroy cancels every timer and closes no socket when there is none', () => {
    const { effects } = transition(initialState(true), { type: 'destroy' }, ctx)
    expect(effects).toEqual(
      ['retry', 'connect', 'ping', 'pong', 'uptime', 'linger', 'closing'].map((name) => ({
        type: 'cancel-timer',
        name,
      })),
    )
  })

  it('reconnect() closes the socket normally; connect and heartbeat timeouts terminate it', () => {
    const close = (effects: Effect[]) => effects.find((effect) => effect.type === 'close-socket')
    expect(close(transition(run(OPEN), { type: 'reconnect' }, ctx).effects)).toEqual({
      type: 'close-socket',
      code: 1000,
      reason: 'reconnect',
      detach: true,
      dead: false,
    })
    expect(close(transition(run(CONNECTING), { type: 'timer', name: 'connect' }, ctx).effects)).toEqual({
      type: 'close-socket',
      code: 1000,
      reason: 'connect timeout',
      detach: true,
      dead: true,
    })
    const waiting = run(
      [...OPEN, { type: 'timer', name: 'ping' }, { type: 'timer', name: 'pong' }],
      initialState(true),
      hbCtx,
    )
    expect(close(transition(waiting, { type: 'timer', name: 'pong' }, hbCtx).effects)).toMatchObject({
      reason: 'heartbeat timeout',
      dead: true,
    })
  })

  it('the first pong timeout of a fresh connection yields once before giving up', () => {
    const waiting = run([...OPEN, { type: 'timer', name: 'ping' }], initialState(true), hbCtx)
    const yielded = transition(waiting, { type: 'timer', name: 'pong' }, hbCtx)
    expect(yielded.effects).toEqual([{ type: 'start-timer', name: 'pong', ms: 0 }])
    expect(yielded.state.view.status).toBe('open')
  })

  it('close() on a connection with no socket stops retrying and cancels the linger timer', () => {
    const { state, effects } = transition(
      run([...OPEN, lost(1)]),
      { type: 'close', code: 1000, reason: '' },
      ctx,
    )
    expect(state.view.status).toBe('closed')
    expect(effects).toEqual([
      { type: 'cancel-timer', name: 'retry' },
      { type: 'cancel-timer', name: 'linger' },
    ])
  })

  it('a handshake failure keeps the reason within 123 characters', () => {
    const handshakeCtx = { ...ctx, handshake: true }
    const handshaking = run(OPEN, initialState(true), handshakeCtx)
    const failed = run(
      [{ type: 'handshake-failed', socket: 1, error: new Error('x'.repeat(300)) }],
      handshaking,
      handshakeCtx,
    )
    expect(failed.view.lastClose?.reason).toBe(`handshake failed: ${'x'.repeat(300)}`.slice(0, 123))
  })

  it('a throwing shouldRetry is reported with the thrown value as the cause', () => {
    const thrown = new Error('policy bug')
    const retry = {
      ...ctx.retry!,
      shouldRetry: () => {
        throw thrown
      },
    }
    const state = run([...OPEN, lost(1)], initialState(true), { ...ctx, retry })
    expect(state.view.error?.message).toBe('retry.shouldRetry threw: Error: policy bug')
    expect(state.view.error?.cause).toBe(thrown)
  })

  it('a throwing shouldRetry in a production build: error 48 with what it threw', () => {
    vi.stubEnv('NODE_ENV', 'production')
    try {
      const retry = {
        ...ctx.retry!,
        shouldRetry: () => {
          throw new Error('policy bug')
        },
      }
      const state = run([...OPEN, lost(1)], initialState(true), { ...ctx, retry })
      expect(state.view.error?.message).toMatch(
        /^react-lifeline error 48 \(Error: policy bug\); see https:\/\/unpkg\.com\/react-lifeline\/docs\/errors\.md#error-48$/,
      )
      // The default policy still decides: the lost socket is retried.
      expect(state.view.status).toBe('reconnecting')
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe('offline and visible', () => {
  it('going offline while an attempt is in flight or after failing leaves the status alone', () => {
    const retrying = run([...OPEN, lost(1), { type: 'timer', name: 'retry' }])
    expect(retrying).toMatchObject({ phase: 'resolving', view: { status: 'reconnecting' } })
    expect(run([{ type: 'offline' }], retrying).view.status).toBe('reconnecting')
    const failed = run([
      ...CONNECTING,
      { type: 'attempt-failed', socket: 1, error: new Error('x'), fatal: true },
    ])
    expect(run([{ type: 'offline' }], failed).view.status).toBe('failed')
  })

  it('ping only an open socket that is not already awaiting an answer', () => {
    const open = run(OPEN, initialState(true), hbCtx)
    const awaiting = run([{ type: 'timer', name: 'ping' }], open, hbCtx)
    const reconnecting = run([lost(1)], open, hbCtx)
    const serverClosing = run([{ type: 'socket-closing', socket: 1 }], open, hbCtx)
    for (const event of [{ type: 'offline' }, { type: 'visible' }] as const) {
      expect(sentPing(transition(open, event, hbCtx).effects), event.type).toBe(true)
      expect(sentPing(transition(awaiting, event, hbCtx).effects), event.type).toBe(false)
      expect(sentPing(transition(reconnecting, event, hbCtx).effects), event.type).toBe(false)
      expect(sentPing(transition(serverClosing, event, hbCtx).effects), event.type).toBe(false)
    }
  })

  it('any frame ends the wait for life, so the next visible pings again, on this socket or the next', () => {
    const awaiting = run([...OPEN, { type: 'timer', name: 'ping' }], initialState(true), hbCtx)
    const message = transition(awaiting, { type: 'socket-message', socket: 1, pong: false }, hbCtx)
    expect(message.effects).toEqual([
      { type: 'cancel-timer', name: 'pong' },
      { type: 'start-timer', name: 'ping', ms: 1000 },
    ])
    expect(transition(message.state, { type: 'visible' }, hbCtx).effects).toEqual([
      { type: 'cancel-timer', name: 'ping' },
      { type: 'send-ping' },
      { type: 'start-timer', name: 'pong', ms: 500 },
    ])
    const reopened = run(REOPEN, awaiting, hbCtx)
    expect(reopened.view.status).toBe('open')
    expect(sentPing(transition(reopened, { type: 'visible' }, hbCtx).effects)).toBe(true)
  })
})
