import { describe, expect, it } from 'vitest'
import { FakeClock } from '../support/fake-clock'
import { startServer } from '../support/lifeline-server'

describe('heartbeat', () => {
  it('answers the exact text {"type":"ping"} with the exact text {"type":"pong"}', async () => {
    const { connect } = await startServer()
    const client = await connect()
    client.send('{"type":"ping"}')
    await client.next()
    expect(client.texts).toEqual(['{"type":"pong"}'])
  })

  it('answers a ping written with other spacing too, with the same bytes', async () => {
    const { connect } = await startServer()
    const client = await connect()
    client.send('{ "type": "ping" }')
    await client.next()
    expect(client.texts).toEqual(['{"type":"pong"}'])
  })

  it('ends a socket that stops answering protocol pings, and keeps one that answers', async () => {
    const clock = new FakeClock()
    const { server, connect } = await startServer({ clock, pingIntervalMs: 1000 })
    // ws answers pings on its own unless told not to: this client is the half-open peer.
    const silent = await connect('/', { autoPong: false })
    const healthy = await connect()
    const pings = { silent: 0, healthy: 0 }
    silent.socket.on('ping', () => pings.silent++)
    const healthyPonged = new Promise((resolve) => healthy.socket.on('ping', () => resolve(++pings.healthy)))
    expect(server.clients).toBe(2)

    clock.advance(1000) // first round: both pinged
    await healthyPonged
    // The healthy pong reaches the server on the same connection order as the ping it answers;
    // a round trip of a heartbeat frame makes sure it was read before the next round.
    healthy.send('{"type":"ping"}')
    await healthy.next()
    clock.advance(1000) // second round: the silent one never answered
    expect(await silent.closed).toEqual({ code: 1006, reason: '' })
    expect(pings.silent).toBe(1)
    expect(healthy.isOpen).toBe(true)
    expect(server.clients).toBe(1)
  })
})
