// @vitest-environment jsdom
import { ws } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createConnection } from '../../src/core/create-connection'
import type { Connection, ConnectionState } from '../../src/core/types'

const chat = ws.link('ws://mock.test/chat')
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function until(
  connection: Connection,
  predicate: (state: ConnectionState) => boolean,
): Promise<ConnectionState> {
  return new Promise((resolve) => {
    if (predicate(connection.getState())) return resolve(connection.getState())
    const stop = connection.subscribe(() => {
      if (!predicate(connection.getState())) return
      stop()
      resolve(connection.getState())
    })
  })
}

function nextMessage(connection: Connection): Promise<unknown> {
  return new Promise((resolve) => {
    const stop = connection.onMessage((data) => {
      stop()
      resolve(data)
    })
  })
}

describe('against msw WebSocket mocks', () => {
  it('sends and receives through the mocked server', async () => {
    server.use(
      chat.addEventListener('connection', ({ client }) =>
        client.addEventListener('message', (e) => client.send(`echo:${e.data}`)),
      ),
    )
    const connection = createConnection('ws://mock.test/chat')
    connection.connect()
    await until(connection, (s) => s.status === 'open')
    const reply = nextMessage(connection)
    connection.send('hi')
    expect(await reply).toBe('echo:hi')
    connection.destroy()
  })

  it('turns a server close with an application code into words and the retry policy', async () => {
    server.use(chat.addEventListener('connection', ({ client }) => client.close(4001, 'go away')))
    const connection = createConnection('ws://mock.test/chat', {
      closeCodes: { 4001: { name: 'Unauthorized', retry: false } },
    })
    connection.connect()
    const state = await until(connection, (s) => s.status === 'failed')
    expect(state.lastClose).toMatchObject({ code: 4001, reason: 'go away', initiator: 'server' })
    expect(state.lastClose?.info.name).toBe('Unauthorized')
    connection.destroy()
  })

  it('answers pings with pongs, hides them from listeners and measures latency', async () => {
    server.use(
      chat.addEventListener('connection', ({ client }) => {
        client.addEventListener('message', (e) => {
          if (e.data === '{"type":"ping"}') client.send('{"type":"pong"}')
          else client.send('data')
        })
      }),
    )
    const connection = createConnection('ws://mock.test/chat', { heartbeat: { interval: 20, timeout: 1000 } })
    const received: unknown[] = []
    connection.onMessage((data) => received.push(data))
    connection.connect()
    const state = await until(connection, (s) => s.latency !== null)
    expect(state.latency).toBeGreaterThanOrEqual(0)
    expect(received).toEqual([])
    connection.destroy()
  })

  it('queues sends made before open and delivers them in order', async () => {
    const got: unknown[] = []
    let done: () => void = () => {}
    const all = new Promise<void>((resolve) => (done = resolve))
    server.use(
      chat.addEventListener('connection', ({ client }) => {
        client.addEventListener('message', (e) => {
          got.push(e.data)
          if (got.length === 3) done()
        })
      }),
    )
    const connection = createConnection('ws://mock.test/chat')
    expect(connection.send('1')).toBe('queued')
    expect(connection.sendJson({ n: 2 })).toBe('queued')
    connection.connect()
    await until(connection, (s) => s.status === 'open')
    expect(connection.send('3')).toBe('sent')
    await all
    expect(got).toEqual(['1', '{"n":2}', '3'])
    connection.destroy()
  })

  it('reconnects after the server closes with 1012 Service Restart', async () => {
    let connections = 0
    server.use(
      chat.addEventListener('connection', ({ client }) => {
        connections += 1
        if (connections === 1) client.close(1012, 'restart')
      }),
    )
    const connection = createConnection('ws://mock.test/chat', { retry: { initialDelay: 10, maxDelay: 20 } })
    connection.connect()
    await until(connection, (s) => s.lastClose?.code === 1012)
    const state = await until(connection, (s) => s.status === 'open')
    expect(state.lastClose?.info.name).toBe('Service Restart')
    expect(connections).toBe(2)
    connection.destroy()
  })
})
