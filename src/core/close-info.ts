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
  // Both stamps are set when the socket opens and cleared when the machine leaves it, so they
  // are non-null exactly while an opened socket is open or closing.
  return {
    ...close,
    at: now,
    openForMs: state.openedAt === null ? null : now - state.openedAt,
    idleForMs: state.lastInboundAt === null ? null : now - state.lastInboundAt,
    info: describeCloseCode(close.code, ctx.closeCodes),
    offline: !state.online,
  }
}
