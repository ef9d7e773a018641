// @vitest-environment node
// Node 20 has no global WebSocket (nor CloseEvent); the kit brings the one and stands in for the other.
import { afterEach, expect, test, vi } from 'vitest'
import { createConnection } from '../../src/core/index'
import { createMockServer } from '../../src/testing/index'

afterEach(() => {
  vi.useRealTimers()
})

test('a core connection in plain Node reaches the mock server, and the global is removed again', async () => {
  expect('WebSocket' in globalThis).toBe(false)
  vi.useFakeTimers()
  const server = createMockServer('ws://service.test/feed')
  const connection = createConnection('ws://service.test/feed', {
    retry: { jitter: 'none', initialDelay: 500 },
  })
  const seen: unknown[] = []
  connection.onMessage((data) => seen.push(data))
  connection.connect()
  const client = await server.nextConnection()
  client.sendJson({ hello: 'node' })
  connection.sendJson({ type: 'subscribe' })
  expect(await server.nextMessage()).toEqual({ type: 'subscribe' })
  expect(seen).toEqual(['{"hello":"node"}'])

  server.close(1012, 'Service Restart')
  await vi.advanceTimersByTimeAsync(0)
  expect(connection.getState()).toMatchObject({
    status: 'reconnecting',
    lastClose: { code: 1012, reason: 'Service Restart', wasClean: true },
  })
  await vi.advanceTimersByTimeAsync(500)
  expect(connection.getState().status).toBe('open')
  connection.destroy()
  server.dispose()
  expect('WebSocket' in globalThis).toBe(false)
})
