import { describe, expect, it } from 'vitest'
import { graphqlWsTopics } from '../../src/core/graphql-ws-topics'
import { lifelineTopics } from '../../src/core/lifeline-topics'

const read = (protocol: ReturnType<typeof lifelineTopics>, value: unknown) =>
  protocol.read({ data: JSON.stringify(value), json: value })

describe('lifelineTopics()', () => {
  it('is one object however often it is called, so inline calls in many hooks agree', () => {
    expect(lifelineTopics()).toBe(lifelineTopics())
  })

  const protocol = lifelineTopics()

  it('writes subscribe with from only when there is a position, and unsubscribe', () => {
    expect(protocol.subscribe('t', null)).toEqual({ type: 'subscribe', topic: 't' })
    expect(protocol.subscribe('t', { epoch: 'e', offset: 4 })).toEqual({
      type: 'subscribe',
      topic: 't',
      from: { epoch: 'e', offset: 4 },
    })
    expect(protocol.unsubscribe('t')).toEqual({ type: 'unsubscribe', topic: 't' })
  })

  it('reads topic frames and leaves every other message to onMessage', () => {
    expect(
      read(protocol, {
        type: 'subscribed',
        topic: 't',
        position: { epoch: 'e', offset: 1 },
        recovered: true,
      }),
    ).toEqual({
      type: 'subscribed',
      topic: 't',
      position: { epoch: 'e', offset: 1 },
      recovered: true,
    })
    expect(read(protocol, { type: 'error', topic: 't', error: 'No.', code: 'unauthorized' })).toEqual({
      type: 'error',
      topic: 't',
      error: 'No.',
    })
    expect(read(protocol, { type: 'error', topic: 't', code: 'unavailable' })).toMatchObject({
      error: 'unavailable',
    })
    expect(read(protocol, { type: 'pong' })).toBeNull()
    expect(read(protocol, { type: 'error', error: 'Not JSON.', code: 'bad-json' })).toBeNull()
    expect(read(protocol, { type: 'weird', topic: 't' })).toBeNull()
    expect(read(protocol, null)).toBeNull()
    expect(protocol.read({ data: 'not json', json: undefined })).toBeNull()
  })
})

describe('graphqlWsTopics()', () => {
  const make = () =>
    graphqlWsTopics({ request: (topic) => ({ query: 'subscription { room }', variables: { topic } }) })

  it('gives every subscribe a new id, and completes the current one', () => {
    const protocol = make()
    expect(protocol.confirms).toBe(false)
    expect(protocol.subscribe('a', null)).toMatchObject({
      id: '1',
      type: 'subscribe',
      payload: { variables: { topic: 'a' } },
    })
    expect(protocol.subscribe('a', null)).toMatchObject({ id: '2' })
    expect(protocol.subscribe('b', null)).toMatchObject({ id: '3' })
    expect(protocol.unsubscribe('a')).toEqual({ id: '2', type: 'complete' })
    expect(protocol.unsubscribe('a')).toBeNull()
  })

  it('routes next by id, ignores answers for ids it took back, and turns error and complete into topic errors', () => {
    const protocol = make()
    protocol.subscribe('a', null)
    protocol.subscribe('a', null)
    const r = (value: unknown) => protocol.read({ data: JSON.stringify(value), json: value })
    expect(r({ id: '2', type: 'next', payload: { data: { room: 'x' } } })).toEqual({
      type: 'message',
      topic: 'a',
      data: { room: 'x' },
    })
    expect(r({ id: '1', type: 'next', payload: { data: { room: 'stale' } } })).toEqual({ type: 'ignore' })
    expect(r({ id: '2', type: 'error', payload: [{ message: 'Bad query.' }] })).toEqual({
      type: 'error',
      topic: 'a',
      error: 'Bad query.',
    })
    expect(r({ id: '2', type: 'complete' })).toEqual({ type: 'ignore' })
    protocol.subscribe('b', null)
    expect(r({ id: '3', type: 'complete' })).toMatchObject({ type: 'error', topic: 'b', error: /completed/ })
    expect(r({ type: 'connection_ack' })).toBeNull()
    expect(r({ type: 'pong' })).toBeNull()
  })
})
