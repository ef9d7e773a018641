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
  close: { code: number; reason: string; wasClean: boolean; initiator: CloseInitiator },
): CloseInfo {
  const now = ctx.now
  const opened =
    state.phase === 'open' ||
    state.phase === 'handshake' ||
    (state.phase === 'closing' && state.openedAt !== null)
  return {
    ...close,
    at: now,
    openForMs: opened && state.openedAt !== null ? now - state.openedAt : null,
    idleForMs: opened && state.lastInboundAt !== null ? now - state.lastInboundAt : null,
    info: describeCloseCode(close.code, ctx.closeCodes),
    offline: !state.online,
  }
}
