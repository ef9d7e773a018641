import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lifelineTopics } from '../../src/core/lifeline-topics'
import type { TopicPosition } from '../../src/core/types'
import { fakeConnection } from '../support/fake-connection'

// connection.topic() end to end on a fake socket, driven by random sequences of what a server
// and a network do: publishes, replays that race live messages, duplicated frames and sockets
// that drop without a close frame. However they interleave, every message published reaches
// the topic's listeners once, in order, and no gap is reported (the history never runs out).
const RUNS = Number(process.env.FC_RUNS ?? 300)

const TOPICS = ['a', 'b'] as const
type Name = (typeof TOPICS)[number]

type Step =
  | { kind: 'publish'; topic: Name }
  | { kind: 'deliver'; topic: Name; live: boolean }
  | { kind: 'duplicate' }
  | { kind: 'drop' }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('publish' as const), topic: fc.constantFrom(...TOPICS) }),
  fc.record({ kind: fc.constant('deliver' as const), topic: fc.constantFrom(...TOPICS), live: fc.boolean() }),
  fc.constant({ kind: 'duplicate' as const }),
  fc.constant({ kind: 'drop' as const }),
)

/** What one socket still has to send per topic: the replay it owes and the live messages since. */
interface Outbound {
  replay: string[]
  live: string[]
}

function run(steps: readonly Step[]) {
  const { connection, socket, clock } = fakeConnection({
    topics: lifelineTopics(),
    retry: { initialDelay: 10, jitter: 'none' },
  })
  const published: Record<Name, number> = { a: 0, b: 0 }
  const seen: Record<Name, number[]> = { a: [], b: [] }
  for (const name of TOPICS) {
    const topic = connection.topic<number>(name)
    topic.retain()
    topic.onMessage((data) => seen[name].push(data))
  }
  const frame = (name: Name, offset: number) =>
    JSON.stringify({ type: 'message', topic: name, data: offset, position: { epoch: 'e', offset } })
  let outbound = new Map<Name, Outbound>()
  let read = 0
  let last: string | null = null
  const send = (text: string) => {
    last = text
    socket().receive(text)
  }
  /** The server reads what the client sent: each subscribe is answered at once, its replay owed. */
  const serve = () => {
    const sent = socket().sent as string[]
    for (; read < sent.length; read++) {
      const request = JSON.parse(sent[read]!) as { type: string; topic: Name; from?: TopicPosition }
      if (request.type !== 'subscribe') continue
      const tip = published[request.topic]
      const from = request.from?.offset
      send(
        JSON.stringify({
          type: 'subscribed',
          topic: request.topic,
          position: { epoch: 'e', offset: tip },
          ...(from === undefined ? {} : { recovered: true }),
        }),
      )
      const replay: string[] = []
      for (let offset = (from ?? tip) + 1; offset <= tip; offset++) replay.push(frame(request.topic, offset))
      outbound.set(request.topic, { replay, live: [] })
    }
  }
  const open = () => {
    read = 0
    socket().open()
    serve()
  }
  const drop = () => {
    socket().closeFromServer(1006)
    outbound = new Map()
    clock.next()
    open()
  }
  connection.connect()
  // Before the first socket a few messages exist, so the first subscribe starts after them.
  open()
  for (const s of steps) {
    if (s.kind === 'publish') {
      published[s.topic] += 1
      outbound.get(s.topic)?.live.push(frame(s.topic, published[s.topic]))
    } else if (s.kind === 'deliver') {
      const queue = outbound.get(s.topic)
      const stream = queue && (s.live ? queue.live : queue.replay)
      const next = stream?.shift()
      if (next) send(next)
    } else if (s.kind === 'duplicate') {
      if (last) send(last)
    } else drop()
  }
  // Quiet at the end: everything owed arrives.
  for (const name of TOPICS) {
    const queue = outbound.get(name)
    for (const text of [...(queue?.replay ?? []), ...(queue?.live ?? [])]) send(text)
  }
  return {
    published,
    seen,
    gaps: TOPICS.map((name) => connection.topic(name).getState().gaps),
  }
}

describe('topics end to end (fake socket, random server and network)', () => {
  it('nothing missed, nothing twice, in order, across drops, races and duplicates', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const { published, seen, gaps } = run(steps)
        for (const name of TOPICS) {
          // The first subscribe starts from the tip, so a topic sees everything after it.
          expect(seen[name]).toEqual(Array.from({ length: published[name] }, (_, i) => i + 1))
        }
        expect(gaps).toEqual([0, 0])
      }),
      { numRuns: RUNS },
    )
  })
})
