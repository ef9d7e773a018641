import { afterEach, describe, expect, it } from 'vitest'
import { lifelineTopics, topicProtocol } from '../../src/core'
import type { Topic, TopicFrame, TopicPosition, TopicState } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { startTopicServer, type TopicServer } from '../support/topic-server'
import { waitFor, waitForStatus } from '../support/wait'

// connection.topic() against a real `ws` server that speaks the lifeline topic protocol
// (test/support/topic-server.ts): sockets dropped without a close frame, history that runs
// out, refusals and silence, with the `ws` client over 127.0.0.1.

const h = createHarness()
const servers: TopicServer[] = []
afterEach(async () => {
  await h.cleanup()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function topicServer(historySize?: number) {
  const server = await startTopicServer({ historySize })
  servers.push(server)
  return server
}

function collect(topic: Topic) {
  const seen: { data: unknown; replayed: boolean }[] = []
  topic.onMessage((data, meta) => seen.push({ data, replayed: meta.replayed }))
  return seen
}

const stateOf = (topic: Topic, check: (state: TopicState) => boolean, description: string) =>
  waitFor(topic.subscribe, () => check(topic.getState()) && topic.getState(), { description })

const count = (topic: Topic, seen: readonly unknown[], n: number) =>
  waitFor(
    (change) => topic.onMessage(change),
    () => seen.length >= n,
    { description: `${n} messages` },
  )

describe('topics over a real socket', () => {
  it('resumes every topic after drops without a close frame: nothing missed, nothing twice, in order', async () => {
    const server = await topicServer()
    const connection = h.connection(server.url, { topics: lifelineTopics() })
    const a = connection.topic('a')
    const b = connection.topic('b')
    a.retain()
    b.retain()
    const seenA = collect(a)
    const seenB = collect(b)
    await stateOf(a, (s) => s.status === 'live', 'a live')
    await stateOf(b, (s) => s.status === 'live', 'b live')
    let published = 0
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) {
        published += 1
        server.publish('a', published)
        server.publish('b', published)
      }
      server.dropAll()
      await waitForStatus(connection, 'reconnecting')
      // Published while the client is away: only a resume from its position brings these.
      for (let i = 0; i < 5; i++) {
        published += 1
        server.publish('a', published)
        server.publish('b', published)
      }
      await waitForStatus(connection, 'open')
      await count(a, seenA, published)
      await count(b, seenB, published)
    }
    const expected = Array.from({ length: published }, (_, i) => i + 1)
    expect(seenA.map((m) => m.data)).toEqual(expected)
    expect(seenB.map((m) => m.data)).toEqual(expected)
    expect(seenA.filter((m) => m.replayed).length).toBeGreaterThan(0)
    expect(a.getState()).toMatchObject({ status: 'live', recovered: true, gaps: 0 })
    const subscribes = server.received.filter((text) => text.includes('"subscribe"') && text.includes('"a"'))
    expect(subscribes).toHaveLength(4)
    expect(JSON.parse(subscribes[3]!).from.offset).toBe(25)
  })

  it('reports a gap when the outage outlasted the history, and goes on from the server position', async () => {
    const server = await topicServer(3)
    const connection = h.connection(server.url, { topics: lifelineTopics() })
    const topic = connection.topic('ticker')
    topic.retain()
    const seen = collect(topic)
    const gaps: TopicState[] = []
    topic.onGap((state) => gaps.push(state))
    await stateOf(topic, (s) => s.status === 'live', 'live')
    server.publish('ticker', 1)
    await count(topic, seen, 1)
    server.dropAll()
    await waitForStatus(connection, 'reconnecting')
    for (let i = 2; i <= 10; i++) server.publish('ticker', i)
    await stateOf(topic, (s) => s.gaps === 1, 'a gap')
    server.publish('ticker', 11)
    await count(topic, seen, 2)
    expect(seen.map((m) => m.data)).toEqual([1, 11])
    expect(gaps).toHaveLength(1)
    expect(topic.getState()).toMatchObject({ recovered: false, position: { offset: 11 } })
  })

  it('a new epoch after the server lost the history is a gap', async () => {
    const server = await topicServer()
    const connection = h.connection(server.url, { topics: lifelineTopics() })
    const topic = connection.topic('doc')
    topic.retain()
    await stateOf(topic, (s) => s.status === 'live', 'live')
    server.publish('doc', 'x')
    await stateOf(topic, (s) => s.position?.offset === 1, 'offset 1')
    server.dropAll()
    server.forget('doc')
    await stateOf(topic, (s) => s.gaps === 1, 'a gap')
    expect(topic.getState().position?.epoch).not.toBe('e1')
  })

  it('a refused topic and a silent one fail alone; the socket and the other topics go on', async () => {
    const server = await topicServer()
    server.refuse.add('secret')
    server.ignore.add('slow')
    const connection = h.connection(server.url, {
      topics: lifelineTopics(),
      connectTimeout: 300,
      retry: { initialDelay: 20, maxDelay: 40 },
    })
    const secret = connection.topic('secret')
    const slow = connection.topic('slow')
    const fine = connection.topic('fine')
    for (const topic of [secret, slow, fine]) topic.retain()
    const seen = collect(fine)
    const refused = await stateOf(secret, (s) => s.status === 'error', 'refusal')
    expect(refused.error?.message).toBe('Not allowed to read secret.')
    const silent = await stateOf(slow, (s) => s.status === 'error', 'no answer')
    expect(silent.error?.message).toMatch(/did not answer the subscribe within 300 ms/)
    server.ignore.delete('slow')
    await stateOf(slow, (s) => s.status === 'live', 'the retry answered')
    server.publish('fine', 'still here')
    await count(fine, seen, 1)
    expect(connection.getState().status).toBe('open')
    expect(server.received.filter((text) => text.includes('"secret"'))).toHaveLength(1)
  })

  it('the last release unsubscribes after lingerMs, and the server stops sending', async () => {
    const server = await topicServer()
    const connection = h.connection(server.url, { topics: lifelineTopics(), lingerMs: 20 })
    const keep = connection.retain()
    const topic = connection.topic('room')
    const release = topic.retain()
    await stateOf(topic, (s) => s.status === 'live', 'live')
    release()
    await stateOf(topic, (s) => s.status === 'idle', 'idle')
    await waitFor(server.onReceive, () => server.received.some((text) => text.includes('"unsubscribe"')), {
      description: 'the unsubscribe on the server',
    })
    expect(connection.getState().status).toBe('open')
    keep()
  })

  it('a protocol written by hand and wrapped with topicProtocol() subscribes, resumes after a drop and unsubscribes', async () => {
    const server = await topicServer()
    // The lifeline frames, written as an app would write its own server's protocol.
    const handWritten = topicProtocol({
      subscribe: (topic, from: TopicPosition | null) =>
        JSON.stringify(from ? { type: 'subscribe', topic, from } : { type: 'subscribe', topic }),
      unsubscribe: (topic) => JSON.stringify({ type: 'unsubscribe', topic }),
      read: ({ json }): TopicFrame | null => {
        const wire = json as { type?: string; topic?: string; data?: unknown; position?: TopicPosition }
        if (typeof wire?.topic !== 'string') return null
        if (wire.type === 'message')
          return { type: 'message', topic: wire.topic, data: wire.data, position: wire.position }
        if (wire.type === 'subscribed')
          return { type: 'subscribed', topic: wire.topic, position: wire.position }
        return null
      },
    })
    const connection = h.connection(server.url, { topics: handWritten, lingerMs: 20 })
    const keep = connection.retain()
    const room = connection.topic('room')
    const release = room.retain()
    const seen = collect(room)
    await stateOf(room, (s) => s.status === 'live', 'live')
    server.publish('room', 1)
    await count(room, seen, 1)
    server.dropAll()
    await waitForStatus(connection, 'reconnecting')
    server.publish('room', 2)
    await waitForStatus(connection, 'open')
    await count(room, seen, 2)
    expect(seen.map((m) => m.data)).toEqual([1, 2])
    release()
    await waitFor(server.onReceive, () => server.received.some((text) => text.includes('"unsubscribe"')), {
      description: 'the unsubscribe on the server',
    })
    keep()
  })
})
