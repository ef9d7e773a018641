/** Batches no closer than this apart: a reconnect wave is then at most one batch per 100 ms. */
export const DRAIN_SLICE_MS = 100

/**
 * When each socket of a drain is closed: `count` sockets spread over `windowMs` in batches one
 * slice apart, the first at once, the last one slice before the window ends. Spreading is the
 * point (Phoenix's drainer does the same with batch_size/batch_interval): clients that all
 * reconnect at once land on the surviving servers as one burst of handshakes.
 */
export function planDrain(count: number, windowMs: number): Array<{ atMs: number; size: number }> {
  if (count <= 0) return []
  const slices = windowMs <= 0 ? 1 : Math.max(1, Math.min(count, Math.floor(windowMs / DRAIN_SLICE_MS)))
  const batches: Array<{ atMs: number; size: number }> = []
  let given = 0
  for (let index = 0; index < slices; index++) {
    // Cumulative rounding gives every batch floor or ceil of count / slices, in total `count`.
    const upTo = Math.round(((index + 1) * count) / slices)
    batches.push({ atMs: Math.round((index * windowMs) / slices), size: upTo - given })
    given = upTo
  }
  return batches
}
