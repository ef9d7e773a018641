import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY } from '../../src/core/backoff'
import { initialState, transition } from '../../src/core/machine'
import type { MachineContext, MachineEvent, MachineState } from '../../src/core/machine-types'

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
