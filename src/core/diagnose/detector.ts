import type { CloseCodeInfo, CloseInfo, Diagnosis } from '../types'

/** What every detector is given besides the history. */
export interface DetectorContext {
  /** Milliseconds a connection must stay open to count as stable. */
  minUptime: number
  closeCodes: Record<number, Partial<CloseCodeInfo>>
  /**
   * Records an earlier, more specific detector already explained. A 1001 that is part of an
   * idle-timeout cluster is not also a deployment, and a 1008 after one second is a refusal,
   * not flapping.
   */
  claimed: ReadonlySet<CloseInfo>
}

/**
 * Looks for one pattern in a history (oldest first, client closes already removed) and returns
 * the diagnosis with the records that back it, or null.
 */
export type Detector = (history: readonly CloseInfo[], context: DetectorContext) => Diagnosis | null

export function unclaimed(history: readonly CloseInfo[], context: DetectorContext): CloseInfo[] {
  return history.filter((record) => !context.claimed.has(record))
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** `60 s`, `1.5 s`: whole seconds once the tenths stop mattering. */
export function seconds(ms: number): string {
  return amount(ms / 1000, 's')
}

/** `90 s`, `45 min`, `2 h`: a lifetime in the unit a person would say it in. */
export function duration(ms: number): string {
  return ms >= 3_600_000
    ? amount(ms / 3_600_000, 'h')
    : ms >= 120_000
      ? amount(ms / 60_000, 'min')
      : seconds(ms)
}

function amount(value: number, unit: string): string {
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(1))} ${unit}`
}

/**
 * The largest group of records whose `measure` agree within `tolerance` of one another's:
 * anchored on each record in turn (the first of equally large groups wins), then re-centred on
 * the median so an edge anchor does not decide which neighbours count. Idle timeouts cluster on
 * idle time, lifetime caps on uptime.
 */
export function largestCluster<T extends CloseInfo>(
  records: readonly T[],
  measure: (record: T) => number,
  tolerance: (centerMs: number) => number,
): T[] {
  const near = (centerMs: number) =>
    records.filter((record) => Math.abs(measure(record) - centerMs) <= tolerance(centerMs))
  // Counting each anchor's group by binary search in the sorted values, not by a pass over all
  // records, keeps a history merged from 10,000 closes to a few milliseconds instead of over a
  // second per detector (measured on this machine with a random merged day of closes).
  const sorted = records.map(measure).sort((a, b) => a - b)
  let largest = 0
  let anchorMs = Number.NaN
  for (const record of records) {
    const centerMs = measure(record)
    const within = tolerance(centerMs)
    // The same comparisons as `near`, so the count and the members agree to the last bit.
    const size =
      firstIndex(sorted, (value) => value - centerMs > within) -
      firstIndex(sorted, (value) => centerMs - value <= within)
    if (size > largest) {
      largest = size
      anchorMs = centerMs
    }
  }
  const anchored = near(anchorMs)
  const centred = near(median(anchored.map(measure)))
  return centred.length >= anchored.length ? centred : anchored
}

/** The first index of a sorted array from which `test` holds (it holds from there on). */
function firstIndex(sorted: readonly number[], test: (value: number) => boolean): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (test(sorted[middle]!)) high = middle
    else low = middle + 1
  }
  return low
}

/**
 * Whether the records (oldest first) can be one client's: each socket opened after the close
 * before it. Histories of many clients, concatenated, overlap: their sockets were open at the
 * same time. Only there do closes in the same second mean a server that let everyone go at
 * once; one client that reconnects fast can be sent away three times in a second.
 */
export function isOneClient(records: readonly CloseInfo[]): boolean {
  return records.every(
    (record, index) =>
      index === 0 || record.openForMs === null || record.at - record.openForMs >= records[index - 1]!.at,
  )
}

// The closes one server event caused reach the clients within a second of each other (room
// for browsers that deliver the event late); three there, from sockets that were open at the
// same time, are several clients let go together, which only a history merged from many
// clients shows.
const TOGETHER_MS = 1_000
const MIN_TOGETHER = 3

/**
 * The groups of records (oldest first) that fall within one second of their group's first
 * and hold at least three closes of different clients: what deploys and abrupt-shutdown read
 * as a server that let everyone go at once.
 */
export function closedTogether(records: readonly CloseInfo[]): CloseInfo[][] {
  const groups: CloseInfo[][] = []
  for (const record of records) {
    const current = groups[groups.length - 1]
    if (current && record.at - current[0]!.at <= TOGETHER_MS) current.push(record)
    else groups.push([record])
  }
  return groups.filter((group) => group.length >= MIN_TOGETHER && !isOneClient(group))
}

/** `1 close`, `3 closes`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}

/** `1008 Policy Violation ×2, 4401 Unauthorized` in order of first appearance. */
export function codeList(
  records: readonly CloseInfo[],
  closeCodes: DetectorContext['closeCodes'] = {},
): string {
  const byCode = new Map<number, { name: string; times: number }>()
  for (const record of records) {
    const entry = byCode.get(record.code)
    if (entry) entry.times++
    else byCode.set(record.code, { name: closeCodes[record.code]?.name ?? record.info.name, times: 1 })
  }
  return [...byCode]
    .map(([code, { name, times }]) => `${code} ${name}${times > 1 ? ` ×${times}` : ''}`)
    .join(', ')
}
