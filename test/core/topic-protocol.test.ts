import { describe, expect, it, vi } from 'vitest'
import { ensureTopicEngine } from '../../src/core/ensure-topic-engine'
import { graphqlWsTopics } from '../../src/core/graphql-ws-topics'
import { lifelineTopics } from '../../src/core/lifeline-topics'
import { topicProtocol } from '../../src/core/topic-protocol'
import type { ConnectionOptions, TopicFrame, TopicPosition, TopicProtocol } from '../../src/core/types'
import { fakeConnection } from '../support/fake-connection'

// The topic engine travels with the `topics` value (src/core/topic-engine.ts): what carries it,
// what keeps it through copies, and the error a plain object gets.

const frame = (value: object) => JSON.stringify(value)
const subscribed = (topic: string, offset: number) =>
  frame({ type: 'subscribed', topic, position: { epoch: 'e1', offset } })
const message = (topic: string, offset: number, data: unknown) =>
  frame({ type: 'message', topic, data, position: { epoch: 'e1', offset } })

/** A connection on a fake socket with `room` held, the socket open and answered; what `room` delivers. */
function holdRoom(topics: TopicProtocol) {
  const fake = fakeConnection({ topics })
  const room = fake.connection.topic('room')
  room.retain()
  const seen: unknown[] = []
  room.onMessage((data) => seen.push(data))
  fake.socket().open()
  fake.socket().receive(subscribed('room', 0))
  fake.socket().receive(message('room', 1, 'hello'))
  return { ...fake, room, seen }
}

/** The lifeline protocol written by hand, as a class whose methods use `this`. */
class HandWritten implements TopicProtocol {
  readonly asked: string[] = []
  subscribe(topic: string, from: TopicPosition | null) {
    this.asked.push(topic)
    return from ? { type: 'subscribe', topic, from } : { type: 'subscribe', topic }
  }
  unsubscribe(topic: string) {
    return { type: 'unsubscribe', topic }
  }
  read({ json }: { json: unknown }): TopicFrame | null {
    const wire = json as { type?: string; topic?: string; data?: unknown; position?: TopicPosition }
    if (typeof wire?.topic !== 'string') return null
    if (wire.type === 'subscribed') return { type: 'subscribed', topic: wire.topic, position: wire.position }
    if (wire.type === 'message')
      return { type: 'message', topic: wire.topic, data: wire.data, position: wire.position }
    return null
  }
}

describe('the topics option and the topic engine', () => {
  it('refuses a plain object at creation, saying to wrap it with topicProtocol()', () => {
    const plain = { subscribe: () => 's', unsubscribe: () => null, read: () => null }
    expect(() => fakeConnection({ topics: plain })).toThrow(
      /topics option is a plain object; wrap it with topicProtocol\(\) from 'react-lifeline\/core'/,
    )
    expect(() => fakeConnection({ topics: plain })).toThrow(/apps without topics do not bundle it/)
  })

  it('configure() refuses a plain object too; topic() without any topics option names the option', () => {
    const { connection } = fakeConnection()
    const plain = { subscribe: () => 's', unsubscribe: () => null, read: () => null }
    expect(() => connection.configure({ topics: plain } as ConnectionOptions)).toThrow(
      /wrap it with topicProtocol/,
    )
    expect(() => connection.topic('room')).toThrow(/topic\(\) needs the topics option/)
  })

  it('gives codes in production builds: 39 for a plain object, 37 for no topics option', () => {
    vi.stubEnv('NODE_ENV', 'production')
    try {
      const plain = { subscribe: () => 's', unsubscribe: () => null, read: () => null }
      expect(() => fakeConnection({ topics: plain })).toThrow(
        /^react-lifeline error 40; see .*errors\.md#error-40$/,
      )
      expect(() => fakeConnection().connection.topic('room')).toThrow(/^react-lifeline error 38;/)
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('topicProtocol() makes a hand-written object work, calling its methods with it as `this`', () => {
    const written = new HandWritten()
    const { seen, room, socket } = holdRoom(topicProtocol(written))
    expect(seen).toEqual(['hello'])
    expect(room.getState()).toMatchObject({ status: 'live', position: { epoch: 'e1', offset: 1 } })
    expect(socket().sent).toEqual([frame({ type: 'subscribe', topic: 'room' })])
    expect(written.asked).toEqual(['room'])
  })

  it('topicProtocol() reads `confirms` from the object it wraps', () => {
    const { connection, socket } = fakeConnection({
      topics: topicProtocol({ ...new HandWrittenMethods(), confirms: false }),
    })
    const room = connection.topic('room')
    room.retain()
    socket().open()
    // No answer expected: live as soon as the subscribe is sent.
    expect(room.getState().status).toBe('live')
  })

  it('a spread of lifelineTopics() with a read of its own keeps the engine', () => {
    const base = lifelineTopics()
    const reads: unknown[] = []
    const { seen } = holdRoom({
      ...base,
      read: (input) => {
        reads.push(input.data)
        return base.read(input)
      },
    })
    expect(seen).toEqual(['hello'])
    expect(reads).toHaveLength(2)
  })

  it('a copy made method by method keeps the engine, also with one method replaced', () => {
    const base = lifelineTopics()
    expect(
      holdRoom({ subscribe: base.subscribe, unsubscribe: base.unsubscribe, read: base.read }).seen,
    ).toEqual(['hello'])
    const custom: TopicProtocol['read'] = (input) => base.read(input)
    expect(holdRoom({ subscribe: base.subscribe, unsubscribe: base.unsubscribe, read: custom }).seen).toEqual(
      ['hello'],
    )
  })

  it('ensureTopicEngine() (for the React entry) keeps a protocol that carries the engine and wraps a plain one once', () => {
    const lifeline = lifelineTopics()
    expect(ensureTopicEngine(lifeline)).toBe(lifeline)
    const written = new HandWritten()
    const wrapped = ensureTopicEngine(written)
    expect(wrapped).not.toBe(written)
    expect(ensureTopicEngine(written)).toBe(wrapped)
    expect(holdRoom(wrapped).seen).toEqual(['hello'])
    expect(() => ensureTopicEngine({} as never)).toThrow(/topicProtocol must be an object with subscribe\(\)/)
  })

  it('graphqlWsTopics() and its spread carry the engine', () => {
    const graphql = graphqlWsTopics({ request: () => ({ query: 'subscription { a }' }) })
    for (const topics of [graphql, { ...graphql }]) {
      const { connection, socket } = fakeConnection({ topics })
      connection.topic('a').retain()
      socket().open()
      expect(connection.topic('a').getState().status).toBe('live')
    }
  })
})

/** HandWritten's methods as own properties, for a spread. */
class HandWrittenMethods {
  subscribe = (topic: string) => ({ type: 'subscribe', topic })
  unsubscribe = (topic: string) => ({ type: 'unsubscribe', topic })
  read = () => null
}
