import type { CloseInfo } from '../types'
import { codeList, count, type Detector, largestCluster, median, seconds, unclaimed } from './detector'

type IdleClose = CloseInfo & { idleForMs: number }

// Proxies drop idle connections without a close frame (1006); a few send 1001 or no status.
const IDLE_CODES = new Set([1001, 1005, 1006])

// Proxy idle timeouts are usually tens of seconds. Below this, matching idle times say more
// about the stream's rhythm (every drop comes "just after a message") than about a timeout,
// unless the connections carried nothing at all (see isSilentLife).
const MIN_IDLE_MS = 10_000

// A server that drops what it just accepted does so within milliseconds; a timeout this short
// is possible (a proxy set to 2 s) but below a second it is a refusal, which flapping explains.
const MIN_SILENT_IDLE_MS = 1_000

const MIN_CLOSES = 3

// Drops for other reasons have idle times too, and in a long history three of them can land
// close together by chance. A real timeout explains a good share of the idle drops.
const MIN_SHARE = 1 / 3

// The proxy times out on its own clock from the last frame it forwarded; idleForMs is measured
// in the browser from the last frame it received. Latency, a throttled background tab and the
// proxy's timer granularity put the two a few percent apart, or a second or two on short periods.
function tolerance(idleMs: number): number {
  // Short periods only count when the connections were silent for their whole life, where the
  // proxy's timer is all there is: its drops land within a few percent of each other.
  return idleMs >= MIN_IDLE_MS ? Math.max(2_000, idleMs * 0.1) : Math.max(100, idleMs * 0.05)
}

interface KnownTimeout {
  periodMs: number
  culprit: string
  raise: string
}

// Defaults that ship with the usual proxies and platforms, nearest first when periods are close.
const KNOWN_TIMEOUTS: readonly KnownTimeout[] = [
  {
    periodMs: 55_000,
    culprit: "Heroku's router, which closes connections idle for 55 s",
    raise: "Heroku's 55 s cannot be raised, so the heartbeat is the fix",
  },
  {
    periodMs: 60_000,
    culprit:
      "nginx's default proxy_read_timeout (60 s) or an AWS Application Load Balancer's default idle timeout (60 s)",
    raise: 'or raise the timeout (nginx: proxy_read_timeout 3600s; AWS ALB: idle_timeout.timeout_seconds)',
  },
  {
    periodMs: 100_000,
    culprit: 'Cloudflare, which closes WebSockets idle for 100 s',
    raise: "Cloudflare's 100 s cannot be raised on most plans, so the heartbeat is the fix",
  },
]

function knownTimeout(periodMs: number): KnownTimeout | undefined {
  let best: KnownTimeout | undefined
  for (const known of KNOWN_TIMEOUTS) {
    const distance = Math.abs(periodMs - known.periodMs)
    // Tighter than the cluster tolerance so 55 s (Heroku) and 60 s (nginx, ALB) stay apart.
    if (distance > Math.max(2_000, known.periodMs * 0.05)) continue
    if (!best || distance < Math.abs(periodMs - best.periodMs)) best = known
  }
  return best
}

/** Half the period, rounded down to 5 s steps, leaves room for a late ping and its pong. */
function suggestedInterval(periodMs: number): number {
  const half = periodMs / 2
  return half >= 10_000 ? Math.floor(half / 5_000) * 5_000 : Math.max(1_000, Math.floor(half / 1_000) * 1_000)
}

// Not one inbound frame between open and close: nothing reset the proxy's idle timer, so a
// near-constant lifetime is that timer, however short, and not a server that drops young sockets.
function isSilentLife(record: CloseInfo & { idleForMs: number }): boolean {
  return (
    record.openForMs !== null &&
    record.idleForMs >= MIN_SILENT_IDLE_MS &&
    record.idleForMs >= record.openForMs
  )
}

function isIdleClose(record: CloseInfo): record is IdleClose {
  return (
    IDLE_CODES.has(record.code) &&
    (record.initiator === 'server' || record.initiator === 'network') &&
    record.offline !== true &&
    record.idleForMs !== null &&
    (record.idleForMs >= MIN_IDLE_MS || isSilentLife(record as IdleClose))
  )
}

/** Closes after a near-constant idle time: a proxy or load balancer with an idle timeout. */
export const idleTimeout: Detector = (history, context) => {
  const candidates = unclaimed(history, context).filter(isIdleClose)
  const cluster = largestCluster(candidates, (record) => record.idleForMs, tolerance)
  if (cluster.length < MIN_CLOSES || cluster.length < candidates.length * MIN_SHARE) return null

  const periodMs = median(cluster.map((record) => record.idleForMs))
  const period = seconds(periodMs)
  const known = knownTimeout(periodMs)
  const culprit = known?.culprit ?? `a proxy or load balancer with an idle timeout of about ${period}`
  const interval = suggestedInterval(periodMs)
  const raise = known?.raise ?? 'or raise the idle timeout of the proxy or load balancer in between'

  return {
    id: 'idle-timeout',
    severity: 'warning',
    summary:
      `${count(cluster.length, 'connection')} closed after about ${period} without a message ` +
      `(${codeList(cluster, context.closeCodes)}). ` +
      `Something between client and server closes idle connections: likely ${culprit}.`,
    advice:
      `Never let ${period} pass in silence: turn on the heartbeat with an interval under ` +
      `${period}, e.g. heartbeat: { interval: ${interval} } (${seconds(interval)}); ${raise}.`,
    evidence: cluster,
  }
}
