import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY } from '../../src/core/backoff'
import { closeInfoOf } from '../../src/core/close-info'
import { initialState } from '../../src/core/machine'
import type { MachineContext, MachineState } from '../../src/core/machine-types'

// The history record of one socket's end, read straight from machine states: open time and
// idle time only for a socket that opened, the close code described, the network state kept.

const ctx: MachineContext = {
  now: 10_000,
  retry: DEFAULT_RETRY,
  heartbeat: null,
  connectTimeout: 10_000,
  lingerMs: 1000,
  closeCodes: { 4401: { name: 'Unauthorized', retry: false } },
  random: () => 0.5,
}
const close = { code: 4401, reason: 'token expired', wasClean: true, initiator: 'server' as const }

function state(patch: Partial<MachineState>): MachineState {
  return { ...initialState(true), ...patch }
}

describe('closeInfoOf', () => {
  it('measures open and idle time of an open socket from the machine clock', () => {
    const info = closeInfoOf(
      state({ phase: 'open', openedAt: 4000, lastInboundAt: 7500 }),
      ctx,
      close,
      close.initiator,
    )
    expect(info).toEqual({
      ...close,
      at: 10_000,
      openForMs: 6000,
      idleForMs: 2500,
      info: {
        code: 4401,
        name: 'Unauthorized',
        retry: false,
        description: expect.stringMatching(/application/),
      },
      offline: false,
    })
  })

  it('keeps open and idle time for a socket being closed after it opened', () => {
    const info = closeInfoOf(
      state({ phase: 'closing', openedAt: 9000, lastInboundAt: 9900 }),
      ctx,
      close,
      close.initiator,
    )
    expect(info).toMatchObject({ openForMs: 1000, idleForMs: 100 })
  })

  it('has neither for a socket closed before it opened', () => {
    for (const phase of ['closing', 'connecting', 'resolving', 'none'] as const) {
      const info = closeInfoOf(
        state({ phase, openedAt: null, lastInboundAt: null }),
        ctx,
        close,
        close.initiator,
      )
      expect(info, phase).toMatchObject({ openForMs: null, idleForMs: null })
    }
  })

  it('says whether the device was offline when the socket ended', () => {
    expect(closeInfoOf(state({ online: false }), ctx, close, close.initiator).offline).toBe(true)
    expect(closeInfoOf(state({ online: true }), ctx, close, close.initiator).offline).toBe(false)
  })
})
