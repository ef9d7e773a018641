import { describe, expect, it } from 'vitest'
import { createLifelineServer, memoryStore, type TopicStore } from '../../src/server'
import { startServer } from '../support/lifeline-server'

const subscribed = (topic: string) => (frame: any) => frame?.type === 'subscribed' && frame.topic === topic
const messageOf = (topic: string) => (frame: any) => frame?.type === 'message' && frame.topic === topic

describe('topics', () => {
  it('subscribes from now on: the tip, then each new message with its position', async () => {
    const { server, connect } = await startServer()
    await server.publish('room:1', { n: 1 }) // before the subscribe: not replayed
    const client = await connect()
    client.send({ type: 'subscribe', topic: 'room:1' })
    const answer = await client.next(subscribed('room:1'))
    expect(answer).toEqual({
      type: 'subscribed',
      topic: 'room:1',
      position: { epoch: expect.any(String), offset: 1 },
    })
    expect(answer).not.toHaveProperty('recovered')
    const position = await server.publish('room:1', { n: 2 })
    expect(position).toEqual({ epoch: answer.position.epoch, offset: 2 })
    expect(await client.next()).toEqual({ type: 'message', topic: 'room:1', data: { n: 2 }, position })
  })

  it('resumes from a position: the missed messages in order, then live ones', async () => {
    const { server, connect } = await startServer()
    const first = await connect()
    first.send({ type: 'subscribe', topic: 'chat' })
    const { position } = await first.next(subscribed('chat'))
    for (let n = 1; n <= 5; n++) await server.publish('chat', n)
    const client = await connect()
    client.send({ type: 'subscribe', topic: 'chat', from: { epoch: position.epoch, offset: 2 } })
    expect(await client.next()).toEqual({
      type: 'subscribed',
      topic: 'chat',
      position: { epoch: position.epoch, offset: 5 },
      recovered: true,
    })
    await server.publish('chat', 6)
    const received = [await client.next(), await client.next(), await client.next(), await client.next()]
    expect(received.map((frame) => [frame.data, frame.position.offset])).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
      [6, 6],
    ])
  })

  it('says recovered false with the current position when the history no longer holds the gap', async () => {
    const { server, connect } = await startServer({ store: memoryStore({ historySize: 3 }) })
    let epoch = ''
    for (let n = 1; n <= 10; n++) epoch = (await server.publish('t', n)).epoch
    const client = await connect()
    client.send({ type: 'subscribe', topic: 't', from: { epoch, offset: 6 } }) // 7 was trimmed (8-10 kept)
    expect(await client.next()).toEqual({
      type: 'subscribed',
      topic: 't',
      position: { epoch, offset: 10 },
      recovered: false,
    })
    client.send({ type: 'subscribe', topic: 't', from: { epoch, offset: 7 } }) // 8-10 are held
    expect(await client.next(subscribed('t'))).toMatchObject({ recovered: true })
    expect((await client.next()).data).toBe(8)
  })

  it('says recovered false for another epoch and for an offset from the future, replaying nothing', async () => {
    const { server, connect } = await startServer()
    const { epoch } = await server.publish('t', 'a')
    const client = await connect()
    client.send({ type: 'subscribe', topic: 't', from: { epoch: 'someother', offset: 0 } })
    expect(await client.next()).toMatchObject({ position: { epoch, offset: 1 }, recovered: false })
    client.send({ type: 'subscribe', topic: 't', from: { epoch, offset: 99 } })
    expect(await client.next()).toMatchObject({ position: { epoch, offset: 1 }, recovered: false })
    await server.publish('t', 'b')
    expect(await client.next()).toMatchObject({ type: 'message', data: 'b', position: { offset: 2 } })
    expect(client.frames.filter((frame) => frame.type === 'message')).toHaveLength(1)
  })

  it('starts a new epoch when a memoryStore server restarts, so a resume is not recovered', async () => {
    const before = await startServer()
    const { epoch } = await before.server.publish('t', 1)
    await before.server.close()
    const after = await startServer({ port: before.port })
    const client = await after.connect()
    client.send({ type: 'subscribe', topic: 't', from: { epoch, offset: 1 } })
    const answer = await client.next()
    expect(answer).toMatchObject({ type: 'subscribed', recovered: false, position: { offset: 0 } })
    expect(answer.position.epoch).not.toBe(epoch)
  })

  it('stops sending a topic after unsubscribe, and sends nothing back for it', async () => {
    const { server, connect } = await startServer()
    const client = await connect()
    client.send({ type: 'subscribe', topic: 'a' })
    client.send({ type: 'subscribe', topic: 'b' })
    await client.next(subscribed('a'))
    await client.next(subscribed('b'))
    client.send({ type: 'unsubscribe', topic: 'a' })
    client.send('{"type":"ping"}') // frames are handled in order: the pong comes after the unsubscribe
    await client.next((frame) => frame.type === 'pong')
    await server.publish('a', 'gone')
    await server.publish('b', 'here')
    expect(await client.next()).toMatchObject({ topic: 'b', data: 'here' })
    expect(client.frames.filter(messageOf('a'))).toEqual([])
  })

  it('asks authorize for each topic, sync or async, and refuses with an error frame', async () => {
    const asked: string[] = []
    const { server, connect } = await startServer({
      authorize: (request, topic) => {
        asked.push(`${request.url} ${topic}`)
        return topic.startsWith('async:') ? Promise.resolve(topic === 'async:yes') : topic === 'yes'
      },
    })
    const client = await connect('/?token=t')
    for (const topic of ['yes', 'no', 'async:yes', 'async:no']) client.send({ type: 'subscribe', topic })
    const answers = [await client.next(), await client.next(), await client.next(), await client.next()]
    expect(answers.map((frame) => `${frame.type} ${frame.topic} ${frame.code ?? ''}`).sort()).toEqual([
      'error async:no unauthorized',
      'error no unauthorized',
      'subscribed async:yes ',
      'subscribed yes ',
    ])
    expect(asked).toEqual(['/?token=t yes', '/?token=t no', '/?token=t async:yes', '/?token=t async:no'])
    await server.publish('no', 'secret')
    await server.publish('yes', 'public')
    expect(await client.next()).toMatchObject({ topic: 'yes', data: 'public' })
    expect(client.frames.filter(messageOf('no'))).toEqual([])
  })

  it('refuses with unavailable when authorize throws, and reports the error', async () => {
    const errors: unknown[] = []
    const { connect } = await startServer({
      authorize: () => Promise.reject(new Error('auth service down')),
      onError: (error) => errors.push(error),
    })
    const client = await connect()
    client.send({ type: 'subscribe', topic: 't' })
    expect(await client.next()).toMatchObject({ type: 'error', topic: 't', code: 'unavailable' })
    expect(errors).toEqual([new Error('auth service down')])
  })

  it('sends each offset once and in order when publishes race a slow history read', async () => {
    const inner = memoryStore()
    const reads: Array<() => void> = []
    // A store whose read answers only when the test says so (like Redis over the network): the
    // answer reflects the moment of the read, publishes after it arrive live meanwhile.
    const slow: TopicStore = {
      append: (topic, json) => inner.append(topic, json),
      listen: (listener) => inner.listen(listener),
      read: (topic, from) => {
        const answer = inner.read(topic, from)
        return new Promise((resolve) => reads.push(() => resolve(answer)))
      },
    }
    const { server, connect } = await startServer({ store: slow })
    const { epoch } = await server.publish('t', 1)
    await server.publish('t', 2)
    const client = await connect()
    client.send({ type: 'subscribe', topic: 't', from: { epoch, offset: 0 } })
    client.send('{"type":"ping"}')
    await client.next((frame) => frame.type === 'pong') // the subscribe was read; its history read is out
    expect(reads).toHaveLength(1)
    await server.publish('t', 3) // live while the read is out: held
    await server.publish('t', 4)
    reads[0]!()
    await client.next((frame) => frame.type === 'message' && frame.data === 4)
    await server.publish('t', 5)
    await client.next((frame) => frame.type === 'message' && frame.data === 5)
    const offsets = client.frames
      .filter((frame) => frame.type === 'message')
      .map((frame) => frame.position.offset)
    expect(offsets).toEqual([1, 2, 3, 4, 5])
    expect(client.frames.find(subscribed('t'))).toMatchObject({ recovered: true, position: { offset: 2 } })
  })

  it('publishes through the server whoever listens: rejects bad topics and data with a clear error', async () => {
    const server = createLifelineServer()
    await expect(server.publish('', 1)).rejects.toThrow('A topic name has 1 to 256 characters')
    await expect(server.publish('t', undefined)).rejects.toThrow('cannot be sent as JSON')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(server.publish('t', cyclic)).rejects.toThrow('cannot be sent as JSON')
    await expect(server.publish('t', { ok: true })).resolves.toMatchObject({ offset: 1 })
    await server.close()
  })
})
