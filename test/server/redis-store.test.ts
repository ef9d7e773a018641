import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type LifelineServerOptions, redisStore } from '../../src/server'
import { startServer } from '../support/lifeline-server'
import { type RedisProcess, startRedis } from '../support/redis-server'

let redis: RedisProcess
const clients: Array<ReturnType<typeof createClient>> = []

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis.stop()
})
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
})

/** A node-redis client as an app makes one: quick reconnects, so the outage test is short. */
async function redisClient(resp: 2 | 3 = 2) {
  const client = createClient({ url: redis.url, RESP: resp, socket: { reconnectStrategy: () => 50 } })
  clients.push(client)
  await client.connect()
  return client
}

/** One "process": a lifeline server with its own Redis connection on the shared Redis. */
async function process(
  options: Omit<LifelineServerOptions, 'store'> & {
    maxLen?: number
    prefix?: string
    resp?: 2 | 3
    timeoutMs?: number
  } = {},
) {
  const { maxLen, prefix, resp, timeoutMs, ...rest } = options
  const client = await redisClient(resp)
  return {
    ...(await startServer({ ...rest, store: redisStore(client, { maxLen, prefix, timeoutMs }) })),
    redis: client,
  }
}

/** The next `event` of a client; events.once would reject on the 'error' events of an outage. */
const next = (client: { once(event: string, listener: () => void): unknown }, event: string) =>
  new Promise<void>((resolve) => client.once(event, () => resolve()))

let prefixes = 0
const freshPrefix = () => `test${++prefixes}:`

describe('redisStore', () => {
  it('sends a message published on one process to subscribers on another, offsets rising by one', async () => {
    const prefix = freshPrefix()
    const a = await process({ prefix })
    const b = await process({ prefix })
    const onB = await b.connect()
    onB.send({ type: 'subscribe', topic: 'room' })
    const { position } = await onB.next((frame) => frame.type === 'subscribed')
    expect(position.offset).toBe(0)
    const published = [
      await a.server.publish('room', 'from a'),
      await b.server.publish('room', 'from b'),
      await a.server.publish('room', { n: 3 }),
    ]
    expect(published).toEqual([1, 2, 3].map((offset) => ({ epoch: position.epoch, offset })))
    const received = [await onB.next(), await onB.next(), await onB.next()]
    expect(received).toEqual([
      { type: 'message', topic: 'room', data: 'from a', position: published[0] },
      { type: 'message', topic: 'room', data: 'from b', position: published[1] },
      { type: 'message', topic: 'room', data: { n: 3 }, position: published[2] },
    ])
  })

  it('works the same with clients that speak RESP3', async () => {
    const prefix = freshPrefix()
    const a = await process({ prefix, resp: 3 })
    const b = await process({ prefix, resp: 3 })
    const onB = await b.connect()
    onB.send({ type: 'subscribe', topic: 'room' })
    await onB.next((frame) => frame.type === 'subscribed')
    const first = await a.server.publish('room', 1)
    await a.server.publish('room', 2)
    expect([await onB.next(), await onB.next()].map((frame) => frame.data)).toEqual([1, 2])
    const resumed = await a.connect()
    resumed.send({ type: 'subscribe', topic: 'room', from: first })
    expect(await resumed.next()).toMatchObject({ recovered: true, position: { offset: 2 } })
    expect((await resumed.next()).data).toBe(2)
  })

  it('lets a client resume on another process after its own drains, missing nothing', async () => {
    const prefix = freshPrefix()
    const a = await process({ prefix })
    const b = await process({ prefix })
    const client = await a.connect()
    client.send({ type: 'subscribe', topic: 'feed' })
    await client.next((frame) => frame.type === 'subscribed')
    await b.server.publish('feed', 1)
    const last = await client.next((frame) => frame.type === 'message')
    const drained = a.server.drain({ windowMs: 0 })
    expect(await client.closed).toEqual({ code: 1012, reason: 'server restart' })
    await drained
    await b.server.publish('feed', 2) // while the client is away
    await b.server.publish('feed', 3)
    const resumed = await b.connect()
    resumed.send({ type: 'subscribe', topic: 'feed', from: last.position })
    expect(await resumed.next()).toMatchObject({
      type: 'subscribed',
      recovered: true,
      position: { offset: 3 },
    })
    await b.server.publish('feed', 4)
    const data = [await resumed.next(), await resumed.next(), await resumed.next()].map((frame) => frame.data)
    expect(data).toEqual([2, 3, 4])
  })

  it('says recovered false when the stream was trimmed past the position', async () => {
    const prefix = freshPrefix()
    const a = await process({ prefix, maxLen: 10 })
    let epoch = ''
    // MAXLEN ~ trims whole nodes of 100 entries: publish enough that the first ones are surely gone.
    for (let n = 1; n <= 400; n++) epoch = (await a.server.publish('t', n)).epoch
    const client = await a.connect()
    client.send({ type: 'subscribe', topic: 't', from: { epoch, offset: 1 } })
    expect(await client.next()).toMatchObject({ recovered: false, position: { epoch, offset: 400 } })
    client.send({ type: 'subscribe', topic: 't', from: { epoch, offset: 398 } })
    expect(await client.next()).toMatchObject({ recovered: true })
    expect([await client.next(), await client.next()].map((frame) => frame.data)).toEqual([399, 400])
  })

  it('lets the keys of a topic nobody published to expire, and keeps them once it is published to', async () => {
    const prefix = freshPrefix()
    const a = await process({ prefix })
    const client = await a.connect()
    client.send({ type: 'subscribe', topic: 'made-up' })
    const { position } = await client.next((frame) => frame.type === 'subscribed')
    const ttl = async () => [
      await a.redis.ttl(`${prefix}epoch:made-up`),
      await a.redis.ttl(`${prefix}offset:made-up`),
    ]
    const [epochTtl, offsetTtl] = await ttl()
    expect(epochTtl).toBeGreaterThan(86_000)
    expect(offsetTtl).toBeGreaterThan(86_000)
    expect(await a.server.publish('made-up', 1)).toEqual({ epoch: position.epoch, offset: 1 })
    expect(await ttl()).toEqual([-1, -1]) // no expiry
  })

  it('starts a new epoch when the stream is lost', async () => {
    const prefix = freshPrefix()
    const a = await process({ prefix })
    const before = await a.server.publish('t', 1)
    await a.redis.sendCommand(['DEL', `${prefix}offset:t`, `${prefix}stream:t`])
    const after = await a.server.publish('t', 2)
    expect(after.offset).toBe(1)
    expect(after.epoch).not.toBe(before.epoch)
  })

  it('rejects publishes clearly while Redis is down and works again when it is back, without crashing', async () => {
    const prefix = freshPrefix()
    const errors: unknown[] = []
    const a = await process({ prefix })
    const b = await process({ prefix, onError: (error) => errors.push(error) })
    const onB = await b.connect()
    onB.send({ type: 'subscribe', topic: 't' })
    await onB.next((frame) => frame.type === 'subscribed')
    const first = await a.server.publish('t', 'before')
    expect((await onB.next()).data).toBe('before')

    const lost = next(a.redis, 'reconnecting')
    await redis.kill()
    await lost
    await expect(a.server.publish('t', 'during')).rejects.toThrow(
      'redisStore: the message to "t" was not published: Redis is not reachable right now (the client is not connected). Publish it again once Redis answers.',
    )
    const other = await b.connect()
    other.send({ type: 'subscribe', topic: 'u' })
    expect(await other.next()).toMatchObject({ type: 'error', topic: 'u', code: 'unavailable' })
    expect(errors).toEqual([
      new Error(
        'redisStore: the history of "u" cannot be read: Redis is not reachable right now (the client is not connected).',
      ),
    ])

    await redis.restart()
    await Promise.all([a.redis.isReady || next(a.redis, 'ready'), b.redis.isReady || next(b.redis, 'ready')])
    const after = await a.server.publish('t', 'after')
    // Redis came back empty (no persistence): a new epoch, and B's subscriber still hears it.
    expect(after.epoch).not.toBe(first.epoch)
    expect(await onB.next()).toMatchObject({ data: 'after', position: after })
    expect(onB.frames.filter((frame) => frame.data === 'during')).toEqual([])
  })

  it('rejects a publish clearly when Redis hangs, and goes on when it answers again', async () => {
    const prefix = freshPrefix()
    const a = await process({ prefix, timeoutMs: 300 })
    await a.server.publish('t', 'before')
    redis.pause() // SIGSTOP: the connection stays up, nothing answers
    try {
      await expect(a.server.publish('t', 'stuck')).rejects.toThrow(
        'redisStore: the message to "t" was not published: Redis did not answer within 300 ms (it may still apply the command). Publish it again once Redis answers.',
      )
    } finally {
      redis.resume()
    }
    // The stuck command was still applied once Redis woke up: offsets go on from there.
    expect((await a.server.publish('t', 'after')).offset).toBe(3)
  })
})
