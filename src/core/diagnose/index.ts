import { deploys } from './deploys'
import type { Detector } from './detector'
import { flapping } from './flapping'
import { heartbeat } from './heartbeat'
import { idleTimeout } from './idle-timeout'
import { network } from './network'
import { policy } from './policy'
import { refusedHandshake } from './refused-handshake'
import { scheduled } from './scheduled'
import { serverError } from './server-error'

export type { Detector, DetectorContext } from './detector'

/**
 * Specific causes first, so the records they explain are claimed before the general patterns
 * look: idle timeouts before deploys (both see 1001), everything before flapping. A schedule
 * comes last: it is about when drops happen, not why, so it looks only at what the causes
 * above left unexplained. This is also the order of the diagnoses `diagnose` returns.
 */
export const detectors: readonly Detector[] = [
  policy,
  serverError,
  idleTimeout,
  heartbeat,
  network,
  refusedHandshake,
  deploys,
  flapping,
  scheduled,
]
