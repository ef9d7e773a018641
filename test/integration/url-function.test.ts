import { afterEach, describe, expect, it } from 'vitest'
import { createHarness } from '../support/harness'
import { waitForStatus } from '../support/wait'

// A URL function is called before every attempt, so each reconnect can carry a fresh token.

const h = createHarness()
afterEach(() => h.cleanup())

describe('a url function', () => {
  it('is called before every attempt, so each reconnect carries a fresh token', async () => {
    const server = await h.server()
    let issued = 0
    const connection = h.connection(async () => {
      issued += 1
      return server.urlFor(`/feed?token=t${issued}`)
    })
    const first = await server.waitForConnection()
    await waitForStatus(connection, 'open')
    expect(first.request.url).toBe('/feed?token=t1')

    first.close(1012, 'restart')
    const second = await server.waitForConnection()
    await waitForStatus(connection, 'open')
    expect(second.request.url).toBe('/feed?token=t2')
    expect(issued).toBe(2)
  })

  it('a url function that fails is retried, not fatal', async () => {
    const server = await h.server()
    let calls = 0
    const connection = h.connection(() => {
      calls += 1
      if (calls < 3) throw new Error('token service unavailable')
      return server.url
    })
    await waitForStatus(connection, 'open')
    expect(calls).toBe(3)
    expect(connection.getState().attempt).toBe(2)
  })
})
