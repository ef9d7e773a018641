import type { CloseInfo } from '../types'
import { codeList, count, type Detector, duration, largestCluster, median, unclaimed } from './detector'

type CappedClose = CloseInfo & { openForMs: number }

// A gateway that ends connections at a fixed age says goodbye (1001 Going Away) or just drops
// them (1006), like a proxy that times out; a few send a close frame without a status.
const CAP_CODES = new Set([1001, 1005, 1006])

const MIN_CLOSES = 3

// Caps set on purpose are tens of seconds at least (Google Cloud's load balancer ends WebSockets
// at its backend timeout, 30 s by default). Below ten seconds, matching lifetimes are a server
// that drops young sockets, which flapping explains, as idle-timeout draws the same line.
const MIN_LIFE_MS = 10_000

// Drops for other reasons have lifetimes too, and three of them can agree by chance in a long
// history: a cap explains a good share of the long-lived drops, as an idle timeout must.
const MIN_SHARE = 1 / 3

// The gateway counts from the upgrade it accepted, the client from its open event: a
// round trip apart, plus the gateway's own timer granularity. 2 % is over two minutes at 2 h.
function tolerance(lifeMs: number): number {
  return Math.max(1_000, lifeMs * 0.02)
}

interface KnownCap {
  lifeMs: number
  culprit: string
  fix: string
}

// Limits that ship with the usual platforms, named when the lifetimes are within 5 % of them.
const KNOWN_CAPS: readonly KnownCap[] = [
  {
    // For WebSockets its backend service timeout is how long a connection may stay open, busy
    // or not (kubernetes/ingress-gce's websocket example; gitlab-org/gitlab#284074).
    lifeMs: 30_000,
    culprit:
      "the backend service timeout of a Google Cloud load balancer (30 s by default), which caps a WebSocket's life",
    fix: 'Raise the backend service timeout (gcloud compute backend-services update --timeout, or timeoutSec in a GKE BackendConfig). ',
  },
  {
    // "Connection duration for WebSocket API: 2 hours", not adjustable (docs.aws.amazon.com/
    // apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html).
    lifeMs: 2 * 3_600_000,
    culprit: 'the 2-hour connection duration limit of AWS API Gateway WebSocket APIs',
    fix: 'AWS API Gateway ends every WebSocket connection after 2 hours, and the limit cannot be raised. ',
  },
]

// A socket that heard nothing from open to close was ended by an idle timer as much as by its
// age: idle-timeout explains those (a proxy set to 2 s drops quiet sockets at 2 s of uptime).
function isCappedClose(record: CloseInfo, minUptime: number): record is CappedClose {
  return (
    CAP_CODES.has(record.code) &&
    record.initiator === 'server' &&
    record.offline !== true &&
    record.openForMs !== null &&
    record.openForMs >= Math.max(minUptime, MIN_LIFE_MS) &&
    (record.idleForMs === null || record.idleForMs < record.openForMs - tolerance(record.openForMs))
  )
}

/** Closes at a near-constant uptime: a gateway or proxy with a maximum connection age. */
export const lifetimeCap: Detector = (history, context) => {
  const candidates = unclaimed(history, context).filter((record) => isCappedClose(record, context.minUptime))
  const cluster = largestCluster(candidates, (record) => record.openForMs, tolerance)
  if (cluster.length < MIN_CLOSES || cluster.length < candidates.length * MIN_SHARE) return null

  const lifeMs = median(cluster.map((record) => record.openForMs))
  const life = duration(lifeMs)
  const known = KNOWN_CAPS.find((cap) => Math.abs(lifeMs - cap.lifeMs) <= cap.lifeMs * 0.05)
  return {
    id: 'lifetime-cap',
    severity: 'warning',
    summary:
      `${count(cluster.length, 'connection')} closed after being open for about ${life} ` +
      `(${codeList(cluster, context.closeCodes)}), however long they had been quiet: something ends ` +
      `connections at a fixed age, likely ${known?.culprit ?? `a gateway, proxy or load balancer with a maximum connection age of about ${life}`}.`,
    advice:
      (known?.fix ??
        `Look for a maximum connection age of about ${life} between client and server: a proxy's or load ` +
          "balancer's max connection duration or backend timeout, a platform's request timeout, or a server that " +
          'recycles old connections; raise it if you can. ') +
      'The client reconnects on its own, and with the send queue on and topics (which resume from their position) ' +
      'nothing is lost; to choose when the drop happens, call reconnect() at a quiet moment before the limit.',
    evidence: cluster,
  }
}
