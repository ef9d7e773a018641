import { abruptShutdown } from './abrupt-shutdown'
import { deploys } from './deploys'
import type { Detector } from './detector'
import { flapping } from './flapping'
import { heartbeat } from './heartbeat'
import { idleTimeout } from './idle-timeout'
import { lifetimeCap } from './lifetime-cap'
import { network } from './network'
import { policy } from './policy'
import { refusedHandshake } from './refused-handshake'
import { scheduled } from './scheduled'
import { serverError } from './server-error'

export type { Detector, DetectorContext } from './detector'

/**
 * Specific causes first, so the records they explain are claimed before the general patterns
 * look: idle timeouts before lifetime caps (a quiet socket's age is its idle time) and both
 * before deploys (all see 1001), a server that vanished before the refused handshakes that
 * follow it, everything before flapping. A schedule
 * comes last: it is about when drops happen, not why, so it looks only at what the causes
 * above left unexplained. This is also the order of the diagnoses `diagnose` returns.
 */
export const detectors: readonly Detector[] = [
  policy,
  serverError,
  idleTimeout,
  lifetimeCap,
  heartbeat,
  network,
  abruptShutdown,
  refusedHandshake,
  deploys,
  flapping,
  scheduled,
]
