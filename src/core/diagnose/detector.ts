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
 * anchored on each record in turn, then re-centred on the median so an edge anchor does not
 * decide which neighbours count. Idle timeouts cluster on idle time, lifetime caps on uptime.
 */
export function largestCluster<T extends CloseInfo>(
  records: readonly T[],
  measure: (record: T) => number,
  tolerance: (centerMs: number) => number,
): T[] {
  const near = (centerMs: number) =>
    records.filter((record) => Math.abs(measure(record) - centerMs) <= tolerance(centerMs))
  // Stryker disable next-line ArrayDeclaration: a one-element start is replaced by any cluster of two or more, and one close is below every detector's minimum either way.
  let best: T[] = []
  for (const anchor of records) {
    const members = near(measure(anchor))
    if (members.length > best.length) best = members
  }
  const centred = near(median(best.map(measure)))
  return centred.length >= best.length ? centred : best
}

/**
 * Splits records (oldest first) into groups that each fall within `windowMs` of their first
 * record: the closes a single event caused arrive together, however many clients saw it.
 */
export function instants(records: readonly CloseInfo[], windowMs: number): CloseInfo[][] {
  const groups: CloseInfo[][] = []
  for (const record of records) {
    const current = groups[groups.length - 1]
    if (current && record.at - current[0]!.at <= windowMs) current.push(record)
    else groups.push([record])
  }
  return groups
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
