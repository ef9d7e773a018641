import { HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT } from './heartbeat'
import type { ConnectionOptions } from './types'

/**
 * The options of a shared connection, from what each of its holders passed, oldest holder
 * first (`undefined`: a holder that asks for nothing), and the names of options on which
 * holders disagree with no safe way to combine. A holder that leaves an option out never
 * lowers what another asked for:
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
 *
 * The same rules merge the objects inside (heartbeat, queue, closeCodes) field by field, with
 * `prefix` naming where a disagreement is and `kept` collecting them. No option has a field
 * called like another rule's option, so the names cannot collide.
 */
export function mergeOptions(
  given: readonly (ConnectionOptions | undefined)[],
  prefix = '',
  kept: string[] = [],
): [ConnectionOptions, string[]] {
  const merged: Record<string, any> = {}
  for (const options of given) {
    // `for in` over a holder that passes no options (undefined) runs no turn.
    for (const key in options) {
      const value = (options as Record<string, any>)[key]
      const had = merged[key]
      // Set to undefined: asks nothing of this option.
      if (value === undefined) continue
      if (had === undefined) merged[key] = value
      // The longest waits, the most history, the largest queue.
      else if (/^(connectTimeout|lingerMs|historySize|max)$/.test(key)) merged[key] = Math.max(had, value)
      // The heartbeat's shortest interval and timeout.
      else if (/^(interval|timeout)$/.test(key)) merged[key] = Math.min(had, value)
      // On if any holder turns it on (`false` or `true` against an object); two objects merge,
      // a heartbeat asking for the default interval and timeout where it names none (`true`
      // spreads as no fields).
      else if (/^(heartbeat|queue|closeCodes)$/.test(key))
        merged[key] =
          had && value
            ? mergeOptions(
                [had, value].map((asked) =>
                  key === 'heartbeat'
                    ? { interval: HEARTBEAT_INTERVAL, timeout: HEARTBEAT_TIMEOUT, ...asked }
                    : asked,
                ),
                `${key}.`,
                kept,
              )[0]
            : had || value
      // The protocols are part of the registry key: 'v2' and ['v2'] are the same request.
      else if (key !== 'protocols' && !same(had, value)) kept.push(prefix + key)
    }
  }
  return [merged, kept]
}

/**
 * The same option value: identical, or plain objects whose fields are identical (an inline
 * `retry: { maxAttempts: 5 }` is a new object on every render). Functions compare by identity:
 * two inline handshakes may join different rooms, and only the app knows they do the same.
 * A field set to `undefined` is the same as one left out. `options`: compares two sets of
 * options, each option by this rule.
 */
export function same(a: any, b: any, options?: boolean): boolean {
  return (
    Object.is(a, b) ||
    (typeof a === 'object' &&
      typeof b === 'object' &&
      !!a &&
      !!b &&
      Object.keys({ ...a, ...b }).every((key) => (options ? same : Object.is)(a[key], b[key])))
  )
}
