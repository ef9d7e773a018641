import { describeCloseCode } from './close-codes'
import type { MachineContext, MachineState } from './machine-types'
import type { CloseInfo, CloseInitiator } from './types'

/**
 * The history record of the current socket's end: how long it was open and how long it had
 * been quiet are what tell an idle timeout from a flapping server, so they are measured here
 * from the machine's own timestamps. A socket that never opened has neither.
 */
export function closeInfoOf(
  state: MachineState,
  ctx: MachineContext,
  close: {
    code: number
    reason: string
    wasClean: boolean
    httpStatus?: number
    /** The default policy must not retry (a 401 on a fixed URL). */
    fatal?: boolean
  },
  initiator: CloseInitiator,
): CloseInfo {
  const { code, httpStatus } = close
  const now = ctx.now
  // Clamped: a clock set back (NTP, a user changing the time) must not give negative durations.
  const openForMs = state.openedAt !== null ? Math.max(0, now - state.openedAt) : null
  const info = describeCloseCode(code, ctx.closeCodes)
  return {
    code,
    reason: close.reason,
    wasClean: close.wasClean,
    initiator,
    at: now,
    openForMs,
    idleForMs:
      openForMs !== null && state.lastInboundAt !== null
        ? Math.min(openForMs, Math.max(0, now - state.lastInboundAt))
        : null,
    info: close.fatal ? { ...info, retry: false } : info,
    offline: !state.online,
    ...(httpStatus && { httpStatus }),
  }
}
