import { describe, expect, it } from 'vitest'
import { planDrain } from '../../src/server/drain-plan'
import { FakeClock } from '../support/fake-clock'
import type { FrameClient } from '../support/frame-client'
import { startServer } from '../support/lifeline-server'

/** Resolves once `count` of `clients` have closed. */
async function closedCount(clients: FrameClient[], count: number) {
  const done: number[] = []
  await new Promise<void>((resolve) => {
    if (count === 0) resolve()
    for (const client of clients)
      void client.closed.then(() => {
        done.push(1)
        if (done.length === count) resolve()
      })
  })
}

describe('planDrain', () => {
  it('spreads sockets over the window one slice of 100 ms apart, the whole count in batches that differ by one at most', () => {
    expect(planDrain(20, 1000)).toEqual(
      Array.from({ length: 10 }, (_, index) => ({ atMs: index * 100, size: 2 })),
    )
    const many = planDrain(1001, 30_000)
    expect(many).toHaveLength(300)
    expect(many.reduce((sum, batch) => sum + batch.size, 0)).toBe(1001)
    expect(new Set(many.map((batch) => batch.size))).toEqual(new Set([3, 4]))
    expect(many.at(-1)!.atMs).toBe(29_900)
    expect(planDrain(3, 30_000).map((batch) => batch.atMs)).toEqual([0, 10_000, 20_000])
    expect(planDrain(5, 0)).toEqual([{ atMs: 0, size: 5 }])
    expect(planDrain(0, 1000)).toEqual([])
  })
})

describe('drain', () => {
  it('closes sockets with 1012 in batches spread over the window, not in a burst, and refuses new upgrades with 503', async () => {
    const clock = new FakeClock()
    const { server, connect } = await startServer({ clock })
    const clients: FrameClient[] = []
    for (let index = 0; index < 20; index++) clients.push(await connect())
    expect(server.clients).toBe(20)

    const drained = server.drain({ windowMs: 1000 })
    let resolved = false
    void drained.then(() => {
      resolved = true
    })
    await expect(connect()).rejects.toThrow('handshake refused with HTTP 503')

    const closedPerSlice: number[] = []
    let closedSoFar = 0
    for (let slice = 0; slice < 10; slice++) {
      if (slice > 0) clock.advance(100)
      await closedCount(clients, closedSoFar + 2)
      // Nothing else is due before the next slice: a heartbeat round trip on a socket that is
      // still open shows the server did not close more meanwhile.
      const open = clients.filter((client) => client.isOpen)
      if (open.length > 0) {
        open[0]!.send('{"type":"ping"}')
        await open[0]!.next((frame) => frame?.type === 'pong')
      }
      const closedNow = clients.filter((client) => !client.isOpen).length
      closedPerSlice.push(closedNow - closedSoFar)
      closedSoFar = closedNow
    }
    expect(closedPerSlice).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    const codes = await Promise.all(clients.map((client) => client.closed))
    expect(new Set(codes.map((close) => `${close.code} ${close.reason}`))).toEqual(
      new Set(['1012 server restart']),
    )
    await drained
    expect(resolved).toBe(true)
    expect(server.clients).toBe(0)
  })

  it('terminates the sockets that do not finish closing within closeTimeoutMs, then resolves', async () => {
    const clock = new FakeClock()
    const { server, connect } = await startServer({ clock, closeTimeoutMs: 2000 })
    const polite = await connect()
    const straggler = await connect()
    // A peer that reads nothing: the close frame is never answered.
    straggler.socket.pause()
    let resolved = false
    const drained = server.drain({ windowMs: 0, code: 1001, reason: 'bye' }).then(() => {
      resolved = true
    })
    expect(await polite.closed).toEqual({ code: 1001, reason: 'bye' })
    expect(resolved).toBe(false) // the straggler holds it open
    clock.advance(2000)
    await drained
    expect(server.clients).toBe(0)
    straggler.socket.resume() // it reads the close frame, then the end of the connection
    await straggler.closed
  })

  it('close() closes every socket at once with 1012 and stops listening; drain twice is one drain', async () => {
    const { server, connect, port } = await startServer()
    const clients = [await connect(), await connect(), await connect()]
    const closing = server.close()
    expect(server.drain()).toBe(closing)
    expect(server.draining).toBe(true)
    await closing
    expect((await Promise.all(clients.map((client) => client.closed))).map((close) => close.code)).toEqual([
      1012, 1012, 1012,
    ])
    await expect(connect()).rejects.toThrow(/ECONNREFUSED/)
    expect(port).toBeGreaterThan(0)
  })

  it('refuses close codes a server cannot send and reasons over 123 bytes', async () => {
    const { server } = await startServer()
    await expect(server.drain({ code: 1006 })).rejects.toThrow('code 1006 cannot be sent in a close frame')
    await expect(server.drain({ reason: 'x'.repeat(124) })).rejects.toThrow('at most 123 bytes')
    await expect(server.drain({ windowMs: -1 })).rejects.toThrow('windowMs must be')
    expect(server.draining).toBe(false)
  })
})
