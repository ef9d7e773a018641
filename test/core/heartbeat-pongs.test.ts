import { describe, expect, it, vi } from 'vitest'
import { isJsonPong, pingMessage, resolveHeartbeat } from '../../src/core/heartbeat'
import { fakeConnection } from '../support/fake-connection'

// Latency is what a user reads from the heartbeat; these are the frames that could fake it or
// hide it: pongs nobody asked for, pongs twice, and a stream busy enough to never go quiet.

const PING = '{"type":"ping"}'
const PONG = '{"type":"pong"}'

function openWithHeartbeat(heartbeat: object | true = { interval: 1000, timeout: 500 }) {
  const setup = fakeConnection({ heartbeat, retry: { jitter: 'none', initialDelay: 100 } })
  setup.connection.connect()
  setup.socket().open()
  return setup
}

describe('pongs', () => {
  it('an unsolicited pong sets no latency and is not delivered', () => {
    const { connection, socket, clock } = openWithHeartbeat()
    const received: unknown[] = []
    connection.onMessage((data) => received.push(data))
    clock.advance(300)
    socket().receive(PONG)
    expect(connection.getState().latency).toBeNull()
    expect(received).toEqual([])
  })

  it('a duplicate pong keeps the latency of the first', () => {
    const { connection, socket, clock } = openWithHeartbeat()
    clock.advance(1000)
    clock.advance(30)
    socket().receive(PONG)
    clock.advance(200)
    socket().receive(PONG)
    expect(connection.getState().latency).toBe(30)
  })

  it('each ping gets its own latency', () => {
    const { connection, socket, clock } = openWithHeartbeat()
    clock.advance(1000)
    clock.advance(30)
    socket().receive(PONG)
    clock.advance(1000)
    expect(socket().sent).toEqual([PING, PING])
    clock.advance(75)
    socket().receive(PONG)
    expect(connection.getState().latency).toBe(75)
  })

  it('a chatty stream does not stop the pings, and latency is still measured', () => {
    const { connection, socket, clock } = openWithHeartbeat({ interval: 25000, timeout: 10000 })
    const received: unknown[] = []
    connection.onMessage((data) => received.push(data))
    // A message every 100 ms, well inside every interval and timeout.
    for (let tick = 0; tick < 250; tick++) {
      clock.advance(100)
      socket().receive(`{"type":"tick","n":${tick}}`)
    }
    expect(socket().sent).toEqual([PING])
    // The stream goes on between the ping and its pong.
    clock.advance(20)
    socket().receive('{"type":"tick","n":"between"}')
    clock.advance(20)
    socket().receive(PONG)
    expect(connection.getState().latency).toBe(40)
    expect(received).toHaveLength(251)
    expect(connection.getState().status).toBe('open')
  })

  it('binary frames with the heartbeat on are delivered, are never pongs and print nothing', () => {
    const { connection, socket, clock } = openWithHeartbeat()
    const received: unknown[] = []
    connection.onMessage((data) => received.push(data))
    clock.advance(1000)
    const frames = [new ArrayBuffer(4), new Uint8Array([112, 111, 110, 103]), new Blob(['pong'])]
    for (const frame of frames) socket().receive(frame)
    expect(received).toEqual(frames)
    expect(connection.getState().latency).toBeNull()
  })
})

describe('heartbeat: true', () => {
  it('pings after 25 s of the socket being open and gives up 10 s after an unanswered ping', () => {
    const { connection, socket, clock } = openWithHeartbeat(true)
    clock.advance(24999)
    expect(socket().sent).toEqual([])
    clock.advance(1)
    expect(socket().sent).toEqual([PING])
    clock.advance(9999)
    expect(connection.getState().status).toBe('open')
    clock.advance(1)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting' })
    expect(connection.getState().lastClose).toMatchObject({ initiator: 'heartbeat', openForMs: 35000 })
  })

  it('resolves to those defaults and the JSON ping', () => {
    expect(resolveHeartbeat(true)).toEqual({
      interval: 25000,
      timeout: 10000,
      message: PING,
      isPong: isJsonPong,
    })
    expect(resolveHeartbeat(false)).toBeNull()
    expect(resolveHeartbeat(undefined)).toBeNull()
    expect(resolveHeartbeat({ interval: 5 })).toMatchObject({ interval: 5, timeout: 10000, message: PING })
    const heartbeat = resolveHeartbeat({ message: () => 'custom' })
    expect(heartbeat && pingMessage(heartbeat)).toBe('custom')
  })
})

describe('isJsonPong', () => {
  it('runs on every message, so it parses only text that mentions pong', () => {
    const parse = vi.spyOn(JSON, 'parse')
    expect(isJsonPong('{"type":"chat","text":"hello"}')).toBe(false)
    expect(isJsonPong('x'.repeat(10_000))).toBe(false)
    expect(parse).not.toHaveBeenCalled()
    expect(isJsonPong(PONG)).toBe(true)
    expect(parse).toHaveBeenCalledOnce()
    parse.mockRestore()
  })

  it('is true only for JSON text whose type is "pong"', () => {
    expect(isJsonPong(PONG)).toBe(true)
    expect(isJsonPong('{"type":"pong","at":1}')).toBe(true)
    for (const frame of [
      '{"type":"ping"}',
      '{"type":"chat","text":"pong"}',
      '"pong"',
      'pong',
      'null',
      '["pong"]',
      '{"type":"pong"',
      new ArrayBuffer(4),
      null,
      undefined,
      42,
    ]) {
      expect(isJsonPong(frame), String(frame)).toBe(false)
    }
  })
})
