import { describe, expect, it, vi } from 'vitest'
import { lifelineTopics } from '../../src/core/lifeline-topics'
import { topicProtocol } from '../../src/core/topic-protocol'
import type { TopicMessageMeta } from '../../src/core/types'
import { fakeConnection } from '../support/fake-connection'

const frame = (value: object) => JSON.stringify(value)
const sub = (topic: string, from?: object) =>
  frame(from ? { type: 'subscribe', topic, from } : { type: 'subscribe', topic })
const subscribed = (topic: string, offset: number, recovered?: boolean, epoch = 'e1') =>
  frame({
    type: 'subscribed',
    topic,
    position: { epoch, offset },
    ...(recovered === undefined ? {} : { recovered }),
  })
const message = (topic: string, offset: number, data: unknown = offset, epoch = 'e1') =>
  frame({ type: 'message', topic, data, position: { epoch, offset } })

function setup(options: Parameters<typeof fakeConnection>[0] = {}) {
  const fake = fakeConnection({ topics: lifelineTopics(), lingerMs: 1000, ...options })
  const received: unknown[] = []
  fake.connection.onMessage((data) => received.push(data))
  return { ...fake, received }
}

function listen(topic: { onMessage(l: (data: unknown, meta: TopicMessageMeta) => void): () => void }) {
  const seen: { data: unknown; replayed: boolean }[] = []
  topic.onMessage((data, meta) => seen.push({ data, replayed: meta.replayed }))
  return seen
}

describe('connection.topic()', () => {
  it('is the same object for the same name, and says which option is missing without topics', () => {
    const { connection } = setup()
    expect(connection.topic('room:1')).toBe(connection.topic('room:1'))
    const plain = fakeConnection().connection
    expect(() => plain.topic('room:1')).toThrow(/topics option.*lifelineTopics\(\)/)
    expect(() => connection.topic('' as string)).toThrow(TypeError)
  })

  it('sends one subscribe however many holders, and holding a topic holds the connection', () => {
    const { connection, socket } = setup()
    const topic = connection.topic('room:1')
    const releases = [topic.retain(), topic.retain(), topic.retain()]
    expect(connection.getState().status).toBe('connecting')
    expect(topic.getState().status).toBe('subscribing')
    socket().open()
    expect(socket().sent).toEqual([sub('room:1')])
    socket().receive(subscribed('room:1', 4))
    expect(topic.getState()).toMatchObject({
      status: 'live',
      position: { epoch: 'e1', offset: 4 },
      recovered: null,
    })
    for (const release of releases) release()
    expect(socket().sent).toEqual([sub('room:1')])
  })

  it('a topic first asked for while the socket is already open subscribes on it at once', () => {
    const { connection, socket } = setup()
    connection.connect()
    socket().open()
    const topic = connection.topic('late')
    topic.retain()
    expect(socket().sent).toEqual([sub('late')])
    socket().receive(subscribed('late', 2))
    expect(topic.getState().status).toBe('live')
  })

  it('StrictMode remount and a quick route change send nothing extra; the last release unsubscribes after lingerMs', () => {
    const { connection, socket, clock } = setup()
    const topic = connection.topic('room:1')
    topic.retain()()
    const release = topic.retain()
    socket().open()
    socket().receive(subscribed('room:1', 0))
    release()
    clock.advance(999)
    const again = topic.retain()
    clock.advance(5000)
    expect(socket().sent).toEqual([sub('room:1')])
    again()
    clock.advance(1000)
    expect(socket().sent).toEqual([sub('room:1'), frame({ type: 'unsubscribe', topic: 'room:1' })])
    expect(topic.getState()).toMatchObject({ status: 'idle', position: null })
  })

  it('routes topic frames to their topic only, never to onMessage; other frames go on as before', () => {
    const { connection, socket, received } = setup()
    const a = connection.topic('a')
    const b = connection.topic('b')
    a.retain()
    b.retain()
    const seenA = listen(a)
    const seenB = listen(b)
    socket().open()
    socket().receive(subscribed('a', 0))
    socket().receive(subscribed('b', 0))
    socket().receive(message('a', 1, 'for a'))
    socket().receive(message('b', 1, 'for b'))
    socket().receive('plain text')
    socket().receive(frame({ type: 'chat', text: 'hi' }))
    expect(seenA).toEqual([{ data: 'for a', replayed: false }])
    expect(seenB).toEqual([{ data: 'for b', replayed: false }])
    expect(received).toEqual(['plain text', frame({ type: 'chat', text: 'hi' })])
  })

  it('resubscribes from the last delivered position after the handshake and before queued sends', async () => {
    const { connection, socket, clock } = setup({
      handshake: (session) => session.send('auth'),
    })
    const topic = connection.topic('room:1')
    topic.retain()
    const seen = listen(topic)
    socket().open()
    socket().receive(subscribed('room:1', 10))
    socket().receive(message('room:1', 11))
    socket().receive(message('room:1', 12))
    socket().closeFromServer(1006)
    expect(topic.getState().status).toBe('subscribing')
    expect(connection.send('queued while down')).toBe('queued')
    clock.next()
    socket().open()
    expect(socket().sent).toEqual(['auth', sub('room:1', { epoch: 'e1', offset: 12 }), 'queued while down'])
    socket().receive(subscribed('room:1', 14, true))
    socket().receive(message('room:1', 13))
    socket().receive(message('room:1', 14))
    socket().receive(message('room:1', 15))
    expect(seen).toEqual([
      { data: 11, replayed: false },
      { data: 12, replayed: false },
      { data: 13, replayed: true },
      { data: 14, replayed: true },
      { data: 15, replayed: false },
    ])
    expect(topic.getState()).toMatchObject({ status: 'live', recovered: true, gaps: 0 })
  })

  it('a topic that has received nothing resumes from the position its subscribed frame gave', () => {
    const { connection, socket, clock } = setup()
    connection.topic('t').retain()
    socket().open()
    socket().receive(subscribed('t', 7))
    socket().closeFromServer(1006)
    clock.next()
    socket().open()
    expect(socket().sent).toEqual([sub('t', { epoch: 'e1', offset: 7 })])
  })

  it('an unsubscribe while the socket is down sends nothing, and the topic is not resubscribed', () => {
    const { connection, socket, clock } = setup()
    const topic = connection.topic('t')
    const release = topic.retain()
    const keep = connection.retain()
    socket().open()
    socket().receive(subscribed('t', 0))
    socket().closeFromServer(1006)
    release()
    clock.advance(1000)
    clock.next()
    socket().open()
    expect(socket().sent).toEqual([])
    expect(topic.getState().status).toBe('idle')
    keep()
  })

  it('counts a gap for recovered: false, an epoch change and a hole, and tells onGap', () => {
    const { connection, socket, clock } = setup()
    const topic = connection.topic('t')
    topic.retain()
    const gaps: number[] = []
    topic.onGap((state) => gaps.push(state.gaps))
    const seen = listen(topic)
    socket().open()
    socket().receive(subscribed('t', 0))
    socket().receive(message('t', 1))
    socket().receive(message('t', 3))
    expect(topic.getState()).toMatchObject({ gaps: 1, recovered: false })
    socket().receive(message('t', 1, 'new epoch', 'e2'))
    expect(topic.getState().gaps).toBe(2)
    socket().closeFromServer(1006)
    clock.next()
    socket().open()
    socket().receive(subscribed('t', 50, false, 'e2'))
    expect(topic.getState()).toMatchObject({
      gaps: 3,
      recovered: false,
      position: { epoch: 'e2', offset: 50 },
    })
    expect(gaps).toEqual([1, 2, 3])
    expect(seen.map((entry) => entry.data)).toEqual([1, 3, 'new epoch'])
  })

  it('drops offsets that go backwards', () => {
    const { connection, socket } = setup()
    const topic = connection.topic('t')
    topic.retain()
    const seen = listen(topic)
    socket().open()
    socket().receive(subscribed('t', 0))
    for (const offset of [1, 2, 2, 1, 3]) socket().receive(message('t', offset))
    expect(seen.map((entry) => entry.data)).toEqual([1, 2, 3])
    expect(topic.getState().gaps).toBe(0)
  })

  it('an unanswered subscribe is an error on that topic only, retried on the same socket with backoff', () => {
    const { connection, socket, clock } = setup({
      connectTimeout: 500,
      retry: { initialDelay: 100, jitter: 'none' },
    })
    const quiet = connection.topic('quiet')
    const fine = connection.topic('fine')
    quiet.retain()
    fine.retain()
    socket().open()
    socket().receive(subscribed('fine', 0))
    clock.advance(500)
    expect(quiet.getState().status).toBe('error')
    expect(quiet.getState().error?.message).toMatch(/did not answer the subscribe within 500 ms/)
    expect(fine.getState().status).toBe('live')
    expect(connection.getState().status).toBe('open')
    clock.advance(100)
    expect(socket().sent).toEqual([sub('quiet'), sub('fine'), sub('quiet')])
    socket().receive(subscribed('quiet', 3))
    expect(quiet.getState()).toMatchObject({ status: 'live', error: null })
  })

  it('a refusal puts that topic in error with the server sentence; the next holder asks again', () => {
    const { connection, socket } = setup()
    const topic = connection.topic('secret')
    const release = topic.retain()
    socket().open()
    socket().receive(frame({ type: 'error', topic: 'secret', error: 'Not allowed.', code: 'unauthorized' }))
    expect(topic.getState()).toMatchObject({ status: 'error' })
    expect(topic.getState().error?.message).toBe('Not allowed.')
    expect(connection.getState().status).toBe('open')
    release()
    topic.retain()
    expect(socket().sent).toEqual([sub('secret'), sub('secret')])
  })

  it('a frame for a topic nobody holds is dropped; a read that throws is reported and the message goes on', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const throwing = topicProtocol({
      subscribe: (topic) => ({ type: 'subscribe', topic }),
      unsubscribe: () => null,
      read: ({ data }) => {
        if (data === 'boom') throw new Error('cannot read')
        return lifelineTopics().read({ data, json: JSON.parse(data as string) })
      },
    })
    const { connection, socket, received } = setup({ topics: throwing })
    const topic = connection.topic('t')
    topic.retain()
    const seen = listen(topic)
    socket().open()
    socket().receive(message('nobody', 1))
    socket().receive('boom')
    socket().receive(subscribed('t', 0))
    socket().receive(message('t', 1))
    expect(received).toEqual(['boom'])
    expect(connection.getState().error?.message).toMatch(/topics\.read threw: cannot read/)
    expect(connection.getState().status).toBe('open')
    expect(seen).toHaveLength(1)
    warn.mockRestore()
  })

  it('subscribe frames never enter the send queue', () => {
    const { connection, socket } = setup()
    connection.topic('t').retain()
    expect(connection.getState().queued).toBe(0)
    socket().open()
    expect(socket().sent).toEqual([sub('t')])
  })

  it('state snapshots keep their identity until a field changes', () => {
    const { connection, socket } = setup()
    const topic = connection.topic('t')
    topic.retain()
    socket().open()
    socket().receive(subscribed('t', 0))
    const before = topic.getState()
    socket().receive(message('t', 0))
    expect(topic.getState()).toBe(before)
  })
})
