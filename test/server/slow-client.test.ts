import { describe, expect, it } from 'vitest'
import { FakeClock } from '../support/fake-clock'
import { startServer } from '../support/lifeline-server'

describe('a client that reads slower than its topics publish', () => {
  it('is closed once its queue passes maxBufferedBytes, and resumes from its position with nothing lost', async () => {
    const clock = new FakeClock()
    const { server, connect } = await startServer({
      clock,
      maxBufferedBytes: 256 * 1024,
      closeTimeoutMs: 1000,
    })
    const slow = await connect()
    slow.send({ type: 'subscribe', topic: 'firehose' })
    await slow.next((frame) => frame.type === 'subscribed')
    slow.socket.pause() // reads nothing from now on: the kernel's buffers fill, then the server's queue
    const chunk = 'x'.repeat(64 * 1024)
    let last = { epoch: '', offset: 0 }
    // Far more than loopback's socket buffers hold, so the server's own queue must grow.
    for (let n = 1; n <= 300; n++) last = await server.publish('firehose', { n, chunk })
    clock.advance(1000) // it cannot read the close frame either: terminated after closeTimeoutMs
    slow.socket.resume()
    await slow.closed
    expect(server.clients).toBe(0)

    const delivered = slow.frames.filter((frame) => frame?.type === 'message').map((frame) => frame.data.n)
    expect(delivered.length).toBeLessThan(300)
    expect(delivered).toEqual(delivered.map((_, index) => index + 1)) // a prefix, in order

    const resumed = await connect()
    const from = { epoch: last.epoch, offset: delivered.length }
    resumed.send({ type: 'subscribe', topic: 'firehose', from })
    expect(await resumed.next()).toMatchObject({ type: 'subscribed', recovered: true, position: last })
    const rest = await resumed.next((frame) => frame?.data?.n === 300, { timeoutMs: 15_000 })
    expect(rest.position).toEqual(last)
    const replayed = resumed.frames.filter((frame) => frame?.type === 'message').map((frame) => frame.data.n)
    expect([...delivered, ...replayed]).toEqual(Array.from({ length: 300 }, (_, index) => index + 1))
  })
})
