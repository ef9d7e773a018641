import { describe, expect, it } from 'vitest'
import { FakeClock } from '../support/fake-clock'
import type { FrameClient } from '../support/frame-client'
import { startServer } from '../support/lifeline-server'

/** The socket still works: a heartbeat gets its answer. */
async function stillAnswers(client: FrameClient) {
  client.send('{"type":"ping"}')
  expect(await client.next((frame) => frame?.type === 'pong')).toEqual({ type: 'pong' })
}

describe('bad input', () => {
  it('answers frames it cannot use with an error frame and keeps the socket open', async () => {
    const { connect } = await startServer()
    const client = await connect()
    const cases: Array<[string | Buffer, object]> = [
      [
        'hello',
        { type: 'error', code: 'bad-json', error: 'The frame is not JSON; every frame is one JSON object.' },
      ],
      ['{"type":"publish","topic":"t"}', { type: 'error', code: 'unknown-type' }],
      ['{"topic":"t"}', { type: 'error', code: 'unknown-type' }],
      ['[1,2]', { type: 'error', code: 'bad-frame' }],
      ['42', { type: 'error', code: 'bad-frame' }],
      ['null', { type: 'error', code: 'bad-frame' }],
      [Buffer.from([1, 2, 3]), { type: 'error', code: 'bad-frame' }],
      ['{"type":"subscribe"}', { type: 'error', code: 'invalid-topic' }],
      ['{"type":"subscribe","topic":""}', { type: 'error', code: 'invalid-topic', topic: '' }],
      [
        JSON.stringify({ type: 'subscribe', topic: 'x'.repeat(257) }),
        { type: 'error', code: 'invalid-topic' },
      ],
      ['{"type":"unsubscribe","topic":7}', { type: 'error', code: 'invalid-topic' }],
      [
        '{"type":"subscribe","topic":"t","from":{"epoch":"e","offset":-1}}',
        { code: 'bad-frame', topic: 't' },
      ],
      [
        '{"type":"subscribe","topic":"t","from":{"epoch":"e","offset":1.5}}',
        { code: 'bad-frame', topic: 't' },
      ],
      ['{"type":"subscribe","topic":"t","from":"e:3"}', { code: 'bad-frame', topic: 't' }],
    ]
    for (const [frame, expected] of cases) {
      client.socket.send(frame)
      const answer = await client.next()
      expect(answer, String(frame)).toMatchObject(expected)
      expect(typeof answer.error, String(frame)).toBe('string')
    }
    expect(
      client.frames
        .filter(
          (frame) => frame.type === 'error' && frame.code !== 'invalid-topic' && frame.code !== 'bad-frame',
        )
        .map((frame) => frame.topic),
    ).toEqual([undefined, undefined, undefined])
    await stillAnswers(client)
  })

  it('closes a socket with 1009 when a frame exceeds maxPayload, and serves the others', async () => {
    const { connect } = await startServer({ maxPayload: 1024 })
    const other = await connect()
    const client = await connect()
    client.send(JSON.stringify({ type: 'subscribe', topic: 't', pad: 'x'.repeat(2000) }))
    expect((await client.closed).code).toBe(1009)
    await stillAnswers(other)
  })

  it('holds at most maxTopicsPerSocket topics; a subscribe again to a held topic is not one more', async () => {
    const clock = new FakeClock()
    const { connect } = await startServer({ clock, maxTopicsPerSocket: 2 })
    const client = await connect()
    for (const topic of ['a', 'b', 'a', 'c']) client.send({ type: 'subscribe', topic })
    // The second subscribe to `a` replaces the first before it was answered: one answer for `a`.
    // A refusal goes out at once, a subscribed frame after the store's read: sort them.
    const answers = [await client.next(), await client.next(), await client.next()]
    expect(answers.map((frame) => `${frame.type} ${frame.topic} ${frame.code ?? ''}`).sort()).toEqual([
      'error c too-many-topics',
      'subscribed a ',
      'subscribed b ',
    ])
    clock.advance(1000) // the four subscribes above took the whole burst (2 × 2)
    client.send({ type: 'unsubscribe', topic: 'a' })
    client.send({ type: 'subscribe', topic: 'c' })
    expect(await client.next()).toMatchObject({ type: 'subscribed', topic: 'c' })
  })

  it('refuses a subscribe flood beyond the burst with rate-limited, and takes subscribes again as time passes', async () => {
    const clock = new FakeClock()
    const { connect } = await startServer({ clock, maxTopicsPerSocket: 5, subscribesPerSecond: 2 })
    const client = await connect()
    for (let index = 0; index < 50; index++) {
      client.send({ type: 'subscribe', topic: `t${index % 3}` })
      client.send({ type: 'unsubscribe', topic: `t${index % 3}` })
    }
    await stillAnswers(client)
    const answers = client.frames.filter((frame) => frame.type !== 'pong')
    // The burst is twice maxTopicsPerSocket: a reconnect resubscribes everything at once. (The
    // accepted ones were unsubscribed before their answer, so they get none.)
    const refused = answers.filter((frame) => frame.code === 'rate-limited')
    expect(refused).toHaveLength(40)
    expect(refused[0].error).toBe('Too many subscribes: this server allows 2 per second after a burst of 10.')
    clock.advance(500) // one token back
    client.send({ type: 'subscribe', topic: 'later' })
    client.send({ type: 'subscribe', topic: 'too-soon' })
    const [first, second] = [await client.next(), await client.next()]
    expect([first, second].map((frame) => `${frame.type} ${frame.topic} ${frame.code ?? ''}`).sort()).toEqual(
      ['error too-soon rate-limited', 'subscribed later '],
    )
  })

  it('hands frames it does not use to onMessage instead, when given', async () => {
    const seen: unknown[] = []
    const errors: unknown[] = []
    const { connect } = await startServer({
      onMessage: (socket, frame) => {
        seen.push([frame.text, frame.json, frame.isBinary])
        if (frame.text === 'throw') throw new Error('app bug')
        socket.send(JSON.stringify({ type: 'echo', text: frame.text }))
      },
      onError: (error) => errors.push(error),
    })
    const client = await connect()
    client.send('{"type":"chat","text":"hi"}')
    expect(await client.next()).toEqual({ type: 'echo', text: '{"type":"chat","text":"hi"}' })
    client.send('plain')
    expect(await client.next()).toEqual({ type: 'echo', text: 'plain' })
    // Protocol frames that are malformed are still the protocol's: they get an error frame.
    client.send('{"type":"subscribe","topic":"t","from":"yesterday"}')
    expect(await client.next()).toMatchObject({ type: 'error', topic: 't', code: 'bad-frame' })
    client.send('throw') // an app handler that throws is reported, and the socket carries on
    await stillAnswers(client)
    expect(errors).toEqual([new Error('app bug')])
    expect(seen).toEqual([
      ['{"type":"chat","text":"hi"}', { type: 'chat', text: 'hi' }, false],
      ['plain', undefined, false],
      ['throw', undefined, false],
    ])
  })

  it('refuses upgrades on another path and plain HTTP requests', async () => {
    const { connect, port } = await startServer({ path: '/live' })
    await expect(connect('/other')).rejects.toThrow('handshake refused with HTTP 404')
    const live = await connect('/live?x=1')
    await stillAnswers(live)
    const response = await fetch(`http://127.0.0.1:${port}/live`)
    expect(response.status).toBe(426)
    await response.text()
  })
})
