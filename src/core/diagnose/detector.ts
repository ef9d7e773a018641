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
  const value = ms / 1000
  return value >= 10 ? `${Math.round(value)} s` : `${Number(value.toFixed(1))} s`
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
