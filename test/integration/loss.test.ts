import { describe, expect, it } from 'vitest'
import { runLoss } from '../../bench/loss-harness'

// A short run of the loss harness (bench/loss-harness.ts; the full figures come from
// `node bench/loss.mjs`): a real lifeline server, the core client with `ws` through a TCP
// proxy, the server ending the socket without a close frame and the network cut. The
// assertions are counts, not times: whenever the drops land, nothing may be lost, repeated or
// reordered while the history covers the outage, and every loss past the history must be
// reported as a gap.
describe('loss harness, short run', () => {
  it('with history 1,000: nothing missing, duplicated or out of order after terminates and a cut', async () => {
    const result = await runLoss({
      seconds: 5,
      historySize: 1000,
      outageMs: 1500,
      terminates: 2,
      cuts: 1,
      seed: 7,
    })
    // Where the drops land against reconnects is timing; that they happened is not.
    expect(result.cutsDone).toBe(1)
    expect(result.reopens).toBeGreaterThanOrEqual(1)
    for (const { topic, counts } of result.topics) {
      expect({ topic, ...counts }).toMatchObject({
        topic,
        published: 250,
        delivered: 250,
        missing: 0,
        duplicated: 0,
        outOfOrder: 0,
        gapsReported: 0,
      })
    }
  }, 30_000)

  it('with history 10: a gap for every outage that outran the history, none otherwise', async () => {
    const result = await runLoss({
      seconds: 5,
      historySize: 10,
      outageMs: 1500,
      terminates: 2,
      cuts: 1,
      seed: 7,
    })
    for (const { topic, counts } of result.topics) {
      // The 1.5 s cut alone misses 75 messages per topic: at least one jump.
      expect(counts.jumps, topic).toBeGreaterThanOrEqual(1)
      expect(counts.gapsReported, topic).toBe(counts.jumps)
      expect(counts.silentJumps, topic).toBe(0)
      expect(counts.falseGaps, topic).toBe(0)
      expect(counts.duplicated + counts.outOfOrder, topic).toBe(0)
    }
  }, 30_000)
})
