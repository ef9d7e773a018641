import { afterEach, describe, expect, it } from 'vitest'
import type { Connection } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { waitForState, waitForStatus } from '../support/wait'
import type { TestServer } from '../support/ws-server'

// Sends while the server is down: kept in order, bounded, and delivered after the reconnect.

const h = createHarness()
afterEach(() => h.cleanup())

/** An open connection whose server has just gone away. */
async function connectionToStoppedServer(options = {}) {
  const server = await h.server()
  const connection = h.connection(server.url, options)
  await waitForStatus(connection, 'open')
  await server.stop()
  await waitForState(connection, (s) => s.status === 'reconnecting')
  return { server, connection }
}

/**
 * After the reconnect, sends a marker that goes straight out and waits for it: everything
 * the queue was going to deliver arrives before it on the same socket.
 */
async function deliveredBeforeMarker(server: TestServer, connection: Connection): Promise<string[]> {
  await waitForStatus(connection, 'open')
  expect(connection.send('marker')).toBe('sent')
  const marker = await server.waitForMessage((message) => message.data === 'marker')
  return marker.client.received.filter((data) => data !== 'marker')
}

describe('the send queue', () => {
  it('20 sends while the server is down arrive in order after the reconnect', async () => {
    const { server, connection } = await connectionToStoppedServer()
    const sent = Array.from({ length: 20 }, (_, index) => `m${index}`)
    const results = sent.map((message) => connection.send(message))
    expect(results).toEqual(sent.map(() => 'queued'))
    expect(connection.getState().queued).toBe(20)

    await server.start()
    const received = await server.waitForMessages(20, (message) => message.data.startsWith('m'))
    expect(received.map((message) => message.data)).toEqual(sent)
    expect(new Set(received.map((message) => message.client.id)).size).toBe(1)
    await waitForState(connection, (s) => s.queued === 0)
    expect(await deliveredBeforeMarker(server, connection)).toEqual(sent)
  })

  it('sendJson is queued the same way', async () => {
    const { server, connection } = await connectionToStoppedServer()
    expect(connection.sendJson({ type: 'subscribe', room: 'a' })).toBe('queued')
    await server.start()
    const message = await server.waitForMessage((m) => m.data.includes('subscribe'))
    expect(JSON.parse(message.data)).toEqual({ type: 'subscribe', room: 'a' })
  })

  it('past max the oldest queued messages give way, and that is reported', async () => {
    const { server, connection } = await connectionToStoppedServer({ queue: { max: 5 } })
    const results = Array.from({ length: 8 }, (_, index) => connection.send(`m${index}`))
    expect(results).toEqual(Array(8).fill('queued'))
    const state = connection.getState()
    expect(state.queued).toBe(5)
    expect(state.error?.message).toMatch(/drop/i)

    await server.start()
    expect(await deliveredBeforeMarker(server, connection)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7'])
  })

  it('queue: false drops sends while not open', async () => {
    const { server, connection } = await connectionToStoppedServer({ queue: false })
    expect(connection.send('lost')).toBe('dropped')
    expect(connection.getState().queued).toBe(0)

    await server.start()
    expect(await deliveredBeforeMarker(server, connection)).toEqual([])
  })
})
