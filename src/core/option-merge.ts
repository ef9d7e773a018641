import { HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT } from './heartbeat'
import type { ConnectionOptions, HeartbeatOptions } from './types'

/** Options that take the largest value any holder asks for: longer waits, more history. */
const LARGEST = ['connectTimeout', 'lingerMs', 'historySize']

/**
 * The options of a shared connection, from what each of its holders passed, oldest holder
 * first, and the names of options on which holders disagree with no safe way to combine.
 * A holder that leaves an option out never lowers what another asked for:
 *
 * - `heartbeat`: on if any holder turns it on, with the shortest `interval` and `timeout`
 *   asked for (`true` asks for the defaults); `message` and `isPong` are the first holder's.
 * - `connectTimeout`, `lingerMs`, `historySize`: the largest.
 * - `queue`: on if any holder gives a size, with the largest `max`; off only if all say `false`.
 * - `closeCodes`: every holder's codes; for a code two holders name, the first holder's entry.
 * - Anything else (`handshake`, `retry`, `WebSocket`, `clock`, `binaryType`, `share`, ...): the
 *   first holder that sets it; a different value from a later one is a disagreement.
 *
 * Why not "first holder wins" for all: a component that passes nothing, such as a status
 * badge that mounts first, would switch off the heartbeat another component needs.
 */
export function mergeOptions(given: readonly ConnectionOptions[]): [ConnectionOptions, string[]] {
  const merged: Record<string, any> = {}
  const disagreements: string[] = []
  for (const options of given) {
    for (const [key, value] of Object.entries(options)) {
      const had = merged[key]
      if (value === undefined) continue
      if (had === undefined) merged[key] = value
      else if (LARGEST.includes(key)) merged[key] = Math.max(had, value)
      else if (key === 'heartbeat') merged[key] = mergeHeartbeat(had, value, disagreements)
      else if (key === 'queue')
        merged[key] = had && value ? { max: Math.max(had.max, value.max) } : had || value
      else if (key === 'closeCodes') {
        for (const code in value) if (code in had && !same(had[code], value[code])) disagreements.push(key)
        merged[key] = { ...value, ...had }
      }
      // The protocols are part of the registry key: 'v2' and ['v2'] are the same request.
      else if (key !== 'protocols' && !same(had, value)) disagreements.push(key)
    }
  }
  return [merged, disagreements]
}

function mergeHeartbeat(
  had: boolean | HeartbeatOptions,
  value: boolean | HeartbeatOptions,
  disagreements: string[],
): boolean | HeartbeatOptions {
  if (!value || !had) return had || value
  const first: HeartbeatOptions = had === true ? {} : had
  const next: HeartbeatOptions = value === true ? {} : value
  for (const key of ['message', 'isPong'] as const)
    if (next[key] !== undefined && first[key] !== undefined && next[key] !== first[key])
      disagreements.push(`heartbeat.${key}`)
  return {
    ...next,
    ...first,
    interval: Math.min(first.interval ?? HEARTBEAT_INTERVAL, next.interval ?? HEARTBEAT_INTERVAL),
    timeout: Math.min(first.timeout ?? HEARTBEAT_TIMEOUT, next.timeout ?? HEARTBEAT_TIMEOUT),
  }
}

/**
 * The same option value: identical, or plain objects whose fields are identical (an inline
 * `retry: { maxAttempts: 5 }` is a new object on every render). Functions compare by identity:
 * two inline handshakes may join different rooms, and only the app knows they do the same.
 */
export function same(a: any, b: any): boolean {
  if (Object.is(a, b)) return true
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => Object.is(a[key], b[key]))
}
