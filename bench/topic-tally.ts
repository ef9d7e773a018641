import type { Topic } from '../src/core/types'

/**
 * What one subscriber saw of one topic, counted against what was published. The publisher
 * numbers its messages itself (`seq`, 1, 2, 3...), so the counts do not trust the library's
 * own offsets: a message the library dropped, repeated or reordered shows up here.
 */
export interface TopicTally {
  readonly topic: string
  /** Every `seq` delivered, in delivery order. */
  readonly delivered: number[]
  /** Gap reports (the topic's `gaps` growing), each with the last `seq` delivered before it. */
  readonly gapsAfter: number[]
  /** The highest `seq` delivered so far (0 before any). */
  highest(): number
  /** Resolves once `seq` or a later one has been delivered. */
  reached(seq: number): Promise<void>
  stop(): void
}

export interface TallyCounts {
  published: number
  delivered: number
  missing: number
  duplicated: number
  outOfOrder: number
  /** Places where the delivered run jumps over messages (history could not cover an outage). */
  jumps: number
  gapsReported: number
  /** Jumps with no gap reported between the two deliveries: silent loss. */
  silentJumps: number
  /** Gap reports with no jump in the delivered run after them. */
  falseGaps: number
}

/** Listens to `topic` for messages `{ seq }`; counts with `countTally` afterwards. */
export function tallyTopic(topic: Topic<{ seq: number }>): TopicTally {
  const delivered: number[] = []
  const gapsAfter: number[] = []
  let highest = 0
  let gaps = topic.getState().gaps
  const waiters: { seq: number; resolve: () => void }[] = []
  const offMessage = topic.onMessage((data) => {
    delivered.push(data.seq)
    if (data.seq > highest) highest = data.seq
    for (let index = waiters.length - 1; index >= 0; index--) {
      if (waiters[index]!.seq <= highest) waiters.splice(index, 1)[0]!.resolve()
    }
  })
  const offState = topic.subscribe(() => {
    const now = topic.getState().gaps
    for (; gaps < now; gaps++) gapsAfter.push(highest)
  })
  return {
    topic: topic.name,
    delivered,
    gapsAfter,
    highest: () => highest,
    reached: (seq) =>
      seq <= highest ? Promise.resolve() : new Promise((resolve) => waiters.push({ seq, resolve })),
    stop: () => {
      offMessage()
      offState()
    },
  }
}

/**
 * Missing, duplicated and out-of-order deliveries of the messages numbered `first`..`published`
 * (`first` defaults to the first one delivered, for a subscriber that joined from "now").
 */
export function countTally(tally: TopicTally, published: number, first?: number): TallyCounts {
  const seen = new Set<number>()
  let duplicated = 0
  let outOfOrder = 0
  let previous = 0
  let jumps = 0
  let silentJumps = 0
  const gapAt = new Set(tally.gapsAfter)
  const explained = new Set<number>()
  for (const seq of tally.delivered) {
    if (seen.has(seq)) duplicated++
    else if (seq < previous) outOfOrder++
    seen.add(seq)
    // The first delivery may start past 1 (subscribed from "now"); that is not a loss.
    if (previous > 0 && seq > previous + 1) {
      jumps++
      if (gapAt.has(previous)) explained.add(previous)
      else silentJumps++
    }
    if (seq > previous) previous = seq
  }
  let missing = 0
  for (let seq = first ?? tally.delivered[0] ?? published + 1; seq <= published; seq++)
    if (!seen.has(seq)) missing++
  return {
    published,
    delivered: tally.delivered.length,
    missing,
    duplicated,
    outOfOrder,
    jumps,
    gapsReported: tally.gapsAfter.length,
    silentJumps,
    falseGaps: tally.gapsAfter.filter((after) => !explained.has(after)).length,
  }
}
