import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_HELD, type OrderEvent, order, START, type TopicCursor } from '../../src/core/topic-order'

// The ordering rules alone: random interleavings of a replay and live messages, duplicates and
// losses, checked for nothing missed, nothing twice and nothing out of order.
const RUNS = Number(process.env.FC_RUNS ?? 1000)

const at = (offset: number, epoch = 'e') => ({ epoch, offset })
const msg = (offset: number, epoch = 'e'): OrderEvent => ({
  type: 'message',
  data: offset,
  position: at(offset, epoch),
})

function run(cursor: TopicCursor, events: readonly OrderEvent[]) {
  const delivered: { data: unknown; replayed: boolean }[] = []
  let gaps = 0
  let recovered: boolean | null | undefined
  for (const event of events) {
    const result = order(cursor, event)
    cursor = result.cursor
    delivered.push(...result.deliver.map((d) => ({ data: d.data, replayed: d.meta.replayed })))
    gaps += result.gaps
    if (result.recovered !== undefined) recovered = result.recovered
  }
  return { cursor, delivered, data: delivered.map((d) => d.data), gaps, recovered }
}

const resumedAt = (offset: number): TopicCursor => ({ ...START, position: at(offset) })
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

describe('order(): examples', () => {
  it('a fresh subscribe stands at the tip the answer gives and delivers what follows', () => {
    const { data, cursor, recovered, gaps } = run(START, [
      { type: 'sent', confirms: true },
      { type: 'subscribed', position: at(40) },
      msg(41),
      msg(42),
    ])
    expect(data).toEqual([41, 42])
    expect(cursor.position).toEqual(at(42))
    expect(recovered).toBeNull()
    expect(gaps).toBe(0)
  })

  it('holds what comes before the answer and delivers it after, in offset order', () => {
    const { data } = run(resumedAt(10), [
      { type: 'sent', confirms: true },
      msg(13),
      msg(12),
      { type: 'subscribed', position: at(12), recovered: true },
      msg(11),
    ])
    expect(data).toEqual([11, 12, 13])
  })

  it('recovered: false is one gap; the topic continues from the position the server gives', () => {
    const { data, gaps, recovered, cursor } = run(resumedAt(5), [
      { type: 'sent', confirms: true },
      { type: 'subscribed', position: at(90, 'f'), recovered: false },
      msg(91, 'f'),
    ])
    expect({ data, gaps, recovered }).toEqual({ data: [91], gaps: 1, recovered: false })
    expect(cursor.position).toEqual(at(91, 'f'))
  })

  it('an answer in another epoch is a gap even when it says recovered', () => {
    const { gaps } = run(resumedAt(5), [
      { type: 'sent', confirms: true },
      { type: 'subscribed', position: at(3, 'other'), recovered: true },
    ])
    expect(gaps).toBe(1)
  })

  it('without positions, messages go through as they come (at most once)', () => {
    const { data, gaps } = run(START, [
      { type: 'sent', confirms: false },
      { type: 'message', data: 'a' },
      { type: 'message', data: 'b' },
    ])
    expect(data).toEqual(['a', 'b'])
    expect(gaps).toBe(0)
  })

  it('a position without a numeric offset counts as none', () => {
    const { data, cursor } = run(START, [
      { type: 'sent', confirms: false },
      { type: 'message', data: 'x', position: { offset: 'seven' as never } },
    ])
    expect(data).toEqual(['x'])
    expect(cursor.position).toBeNull()
  })

  it('a second answer changes nothing', () => {
    const first = run(START, [
      { type: 'sent', confirms: true },
      { type: 'subscribed', position: at(4) },
      msg(5),
    ])
    const again = order(first.cursor, { type: 'subscribed', position: at(1) })
    expect(again.cursor).toBe(first.cursor)
  })

  it('a replay that never fills its hole stops being waited for past MAX_HELD messages', () => {
    const live = range(3, MAX_HELD + 3).map((offset) => msg(offset))
    const { data, gaps } = run(resumedAt(0), [
      { type: 'sent', confirms: true },
      { type: 'subscribed', position: at(2), recovered: true },
      ...live,
    ])
    expect(data).toEqual(range(3, MAX_HELD + 3))
    expect(gaps).toBe(1)
  })
})

/** A random merge of two sequences that keeps each one's order. */
function merge<T>(a: readonly T[], b: readonly T[], picks: readonly boolean[]): T[] {
  const out: T[] = []
  let i = 0
  let j = 0
  for (const pick of picks) {
    if ((pick && i < a.length) || j >= b.length) {
      if (i < a.length) out.push(a[i++]!)
    } else out.push(b[j++]!)
  }
  return [...out, ...a.slice(i), ...b.slice(j)]
}

/** Copies of some events put back in later, as a server resending or a proxy doubling frames. */
function withDuplicates(events: readonly OrderEvent[], copies: readonly [number, number][]): OrderEvent[] {
  const out = [...events]
  for (const [from, to] of copies) {
    if (out.length === 0) break
    const source = from % out.length
    const event = out[source]!
    if (event.type !== 'message') continue
    out.splice(source + 1 + (to % (out.length - source)), 0, event)
  }
  return out
}

const scenario = fc
  .record({
    delivered: fc.nat(30),
    missedWhileAway: fc.nat(30),
    live: fc.nat(30),
    picks: fc.array(fc.boolean(), { maxLength: 100 }),
    copies: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }),
  })
  .map(({ delivered, missedWhileAway, live, picks, copies }) => {
    const tip = delivered + missedWhileAway
    const replay: OrderEvent[] = [
      { type: 'subscribed', position: at(tip), recovered: true },
      ...range(delivered + 1, tip).map((offset) => msg(offset)),
    ]
    const liveEvents = range(tip + 1, tip + live).map((offset) => msg(offset))
    const events = withDuplicates(merge(replay, liveEvents, picks), copies)
    return { delivered, tip, last: tip + live, events }
  })

describe('order(): properties', () => {
  it('a resume with replay and racing live messages: nothing missed, nothing twice, in order', () => {
    fc.assert(
      fc.property(scenario, ({ delivered, tip, last, events }) => {
        const result = run(resumedAt(delivered), [{ type: 'sent', confirms: true }, ...events])
        expect(result.data).toEqual(range(delivered + 1, last))
        expect(result.delivered.map((d) => d.replayed)).toEqual(
          range(delivered + 1, last).map((o) => o <= tip),
        )
        expect(result.gaps).toBe(0)
        expect(result.recovered).toBe(true)
        expect(result.cursor.held).toEqual([])
      }),
      { numRuns: RUNS },
    )
  })

  it('with frames lost: never twice, never backwards, and a hole below what was delivered is always a gap', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.nat(60), { minLength: 1, maxLength: 8 }),
        ({ delivered, events }, losses) => {
          const kept = events.filter((event, index) => event.type !== 'message' || !losses.includes(index))
          const result = run(resumedAt(delivered), [{ type: 'sent', confirms: true }, ...kept])
          const data = result.data as number[]
          for (let i = 1; i < data.length; i++) expect(data[i]!).toBeGreaterThan(data[i - 1]!)
          const lastDelivered = data.at(-1) ?? delivered
          const holes = range(delivered + 1, lastDelivered).some((offset) => !data.includes(offset))
          expect(result.gaps > 0).toBe(holes)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('an answer with recovered: false delivers only what follows the new position, after one gap', () => {
    fc.assert(
      fc.property(scenario, ({ delivered, tip, last, events }) => {
        const refused = events.map((event) =>
          event.type === 'subscribed' ? { ...event, recovered: false } : event,
        )
        const replay = new Set(range(delivered + 1, tip))
        const result = run(resumedAt(delivered), [
          { type: 'sent', confirms: true },
          ...refused.filter((event) => event.type !== 'message' || !replay.has(event.data as number)),
        ])
        expect(result.data).toEqual(range(tip + 1, last))
        expect(result.gaps).toBe(1)
        expect(result.delivered.every((d) => !d.replayed)).toBe(true)
      }),
      { numRuns: RUNS },
    )
  })
})
