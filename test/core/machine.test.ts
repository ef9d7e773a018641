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
    const again = run([{ type: 'reconnect' }], open)
    for (const event of [
      { type: 'socket-open', socket: 1 },
      { type: 'socket-message', socket: 1, pong: false },
      { type: 'socket-close', socket: 1, code: 1006, reason: '', wasClean: false },
    ] as MachineEvent[]) {
      const next = transition(again, event, ctx)
      expect(next.state.view).toBe(again.view)
      expect(next.effects).toEqual([])
    }
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
