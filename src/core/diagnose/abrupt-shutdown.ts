import type { CloseInfo } from '../types'
import { DRAINING } from './deploys'
import { closedTogether, codeList, count, type Detector, isOneClient, unclaimed } from './detector'

// A process that exits (a crash, an OOM kill, a deploy that stops it without draining) leaves
// its sockets to the kernel, which ends them with no close frame: every client sees 1006 at
// the same moment (closedTogether in detector.ts).

// Drops by chance also land in the same second once a merged history is large enough: a
// burst must hold at least half of the drops of the ten minutes around it. Against half a
// minute around, a random day of 10,000 closes (about 3,400 drops) had such a burst by chance;
// against ten minutes, none of five such days did.
const SURROUNDINGS_MS = 5 * 60_000

// Attempts that fail this soon after the drop were made while the server was still away,
// as for deploys.
const RECOVERY_MS = 5 * 60_000

// A drop and two refused attempts, or a drop and a refusal twice: one refusal after one drop
// can be bad luck (a proxy restarting between two attempts).
const MIN_SINGLE_EPISODE = 3
const MIN_EPISODES = 2

/** A socket that was open and lost its connection with no close frame, while online. */
function isDrop(record: CloseInfo): boolean {
  return (
    record.code === 1006 &&
    record.openForMs !== null &&
    record.initiator === 'server' &&
    record.offline !== true
  )
}

// Refused while the server was away: nothing answered, or a proxy said its upstream was gone.
// A 4xx is the server refusing these credentials, which says nothing about a restart.
function isRefused(record: CloseInfo): boolean {
  return (
    record.code === 1006 &&
    record.openForMs === null &&
    record.initiator === 'server' &&
    record.offline !== true &&
    (record.httpStatus === undefined || record.httpStatus >= 500)
  )
}

/** Drops of many clients within one second, each burst with the attempts refused after it. */
function bursts(records: readonly CloseInfo[]): CloseInfo[][] {
  const drops = records.filter(isDrop)
  return closedTogether(drops)
    .filter((group) => {
      const at = group[0]!.at
      const around = drops.filter((drop) => Math.abs(drop.at - at) <= SURROUNDINGS_MS)
      return group.length * 2 >= around.length
    })
    .map((group) => {
      const end = group[group.length - 1]!.at
      return [
        ...group,
        ...records.filter((record) => isRefused(record) && record.at > end && record.at - end <= RECOVERY_MS),
      ]
    })
}

/**
 * One client's view: a stable socket dropped and the next attempts were refused. Whether the
 * server came back later does not change what happened to the sockets, and a tracker that
 * groups by diagnosis should see it as soon as the refusals come.
 */
function episodes(records: readonly CloseInfo[], taken: ReadonlySet<CloseInfo>, minUptime: number) {
  const found: CloseInfo[][] = []
  if (!isOneClient(records)) return found
  records.forEach((record, index) => {
    if (taken.has(record) || !isDrop(record) || record.openForMs! < minUptime) return
    let next = index + 1
    while (
      records[next] &&
      !taken.has(records[next]!) &&
      isRefused(records[next]!) &&
      records[next]!.at - records[next - 1]!.at <= RECOVERY_MS
    )
      next++
    if (next > index + 1) found.push(records.slice(index, next))
  })
  return found
}

/**
 * 1006 drops the server did not announce, followed by refused attempts: the server went away
 * without closing its sockets (a crash, or a deploy that does not drain).
 */
export const abruptShutdown: Detector = (history, context) => {
  const records = unclaimed(history, context)
  const together = bursts(records)
  const alone = episodes(records, new Set(together.flat()), context.minUptime)
  const fires =
    together.length > 0 ||
    alone.length >= MIN_EPISODES ||
    alone.some((episode) => episode.length >= MIN_SINGLE_EPISODE)
  if (!fires) return null

  // A refused attempt can follow two bursts; it is evidence once, in history order.
  const explained = new Set([...together, ...alone].flat())
  const evidence = records.filter((record) => explained.has(record))
  const drops = evidence.filter(isDrop)
  const atOnce = together.reduce((sum, burst) => sum + burst.filter(isDrop).length, 0)
  const refused = evidence.length - drops.length
  return {
    id: 'abrupt-shutdown',
    severity: 'warning',
    summary:
      `${count(drops.length, 'connection')} dropped without a close frame (${codeList(drops, context.closeCodes)})` +
      (atOnce === 0
        ? ''
        : together.length === 1
          ? `, ${atOnce === drops.length ? 'all' : atOnce} within the same second`
          : `, ${atOnce} of them in ${together.length} bursts of one second each`) +
      (refused > 0 ? `, and ${count(refused, 'attempt')} failed while the server was away` : '') +
      ': the server went away without closing its sockets, as when it crashes or a deploy stops it without draining.',
    advice:
      "Check the server's logs around these times for a crash (an exit code, an out-of-memory kill, an unhandled " +
      `error). If it was a deploy, drain before the process exits: ${DRAINING}. Clients then know the server ` +
      'restarts, and do not all come back at once.',
    evidence,
  }
}
