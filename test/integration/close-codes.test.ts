import { afterEach, describe, expect, it } from 'vitest'
import { describeCloseCode } from '../../src/core'
import type { ConnectionOptions } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { waitForState, waitForStatus } from '../support/wait'
import type { TestServer } from '../support/ws-server'

// What a real server's close frame does to the connection: the policy per code from API.md,
// and what `state.lastClose` says about it afterwards.

const h = createHarness()
afterEach(() => h.cleanup())

// Jitter off so a wrongly scheduled retry would come at a known time (initialDelay).
const SUBJECT: ConnectionOptions = { retry: { initialDelay: 50, maxDelay: 400, jitter: 'none' } }

async function openSubject(options: ConnectionOptions = SUBJECT) {
  const server = await h.server()
  const connection = h.connection(server.urlFor('/subject'), options)
  const client = await server.waitForConnection()
  await waitForStatus(connection, 'open')
  return { server, connection, client }
}

/**
 * Proves the subject did not reconnect without sleeping: a control connection on the same
 * server is closed with 1001 and retries after a fixed 150 ms, three times the subject's
 * initialDelay. By the time the control is back, a subject that was going to retry would
 * have been accepted first.
 */
async function expectNoRetry(server: TestServer) {
  const accepted: string[] = []
  const off = server.onConnection((client) => accepted.push(client.request.url ?? ''))
  try {
    h.connection(server.urlFor('/control'), { retry: { initialDelay: 150, maxDelay: 150, jitter: 'none' } })
    const control = await server.waitUntil(
      () => server.clients.find((client) => client.request.url === '/control'),
      { description: 'the control connection' },
    )
    control.close(1001, 'control')
    await server.waitUntil(() => accepted.filter((path) => path === '/control').length >= 2, {
      description: 'the control to reconnect',
    })
  } finally {
    off()
  }
  expect(accepted).toEqual(['/control', '/control'])
}

describe('a server close frame', () => {
  it('1000 Normal Closure: status closed, no retry', async () => {
    const { server, connection, client } = await openSubject()
    client.close(1000, 'done')
    const state = await waitForState(connection, (s) => s.lastClose !== null)
    expect(state.status).toBe('closed')
    expect(state.nextRetryAt).toBeNull()
    expect(state.lastClose).toMatchObject({
      code: 1000,
      reason: 'done',
      wasClean: true,
      initiator: 'server',
      info: { code: 1000, name: 'Normal Closure', retry: false },
    })
    expect(state.lastClose!.openForMs).toBeGreaterThanOrEqual(0)
    await expectNoRetry(server)
    expect(connection.getState().status).toBe('closed')
  })

  it('1001 Going Away: retries and reconnects, lastClose kept', async () => {
    const { server, connection, client } = await openSubject()
    client.close(1001, 'restarting')
    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.status).toBe('reconnecting')
    expect(lost.attempt).toBe(1)
    expect(lost.nextRetryAt! - lost.lastClose!.at).toBe(50)
    expect(lost.lastClose).toMatchObject({
      code: 1001,
      reason: 'restarting',
      wasClean: true,
      initiator: 'server',
      info: { name: 'Going Away', retry: true },
    })

    await server.waitForConnection()
    const back = await waitForStatus(connection, 'open')
    expect(back.lastClose).toBe(lost.lastClose)
    expect(back.lastOpenAt!).toBeGreaterThanOrEqual(lost.lastClose!.at + 45)
    expect(connection.getHistory()).toHaveLength(1)
  })

  it('1008 Policy Violation: status failed, no retry', async () => {
    const { server, connection, client } = await openSubject()
    client.close(1008, 'bad token')
    const state = await waitForState(connection, (s) => s.lastClose !== null)
    expect(state.status).toBe('failed')
    expect(state.nextRetryAt).toBeNull()
    expect(state.lastClose).toMatchObject({
      code: 1008,
      reason: 'bad token',
      wasClean: true,
      initiator: 'server',
      info: { name: 'Policy Violation', retry: false },
    })
    await expectNoRetry(server)
    expect(connection.getState().status).toBe('failed')
  })

  it('1011 Internal Error: retries and reconnects', async () => {
    const { server, connection, client } = await openSubject()
    client.close(1011, 'oops')
    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.status).toBe('reconnecting')
    expect(lost.lastClose).toMatchObject({
      code: 1011,
      reason: 'oops',
      info: { name: 'Internal Error', retry: true },
    })
    await server.waitForConnection()
    await waitForStatus(connection, 'open')
  })

  it('1013 Try Again Later: the retry waits at least maxDelay / 2', async () => {
    // Full jitter (the default) could otherwise draw a delay near 0.
    const { server, connection, client } = await openSubject({ retry: { initialDelay: 50, maxDelay: 400 } })
    client.close(1013, 'busy')
    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.status).toBe('reconnecting')
    expect(lost.lastClose).toMatchObject({ code: 1013, reason: 'busy', info: { name: 'Try Again Later' } })
    expect(lost.nextRetryAt! - lost.lastClose!.at).toBeGreaterThanOrEqual(200)

    const again = await server.waitForConnection()
    expect(again.connectedAt - lost.lastClose!.at).toBeGreaterThanOrEqual(195)
    await waitForStatus(connection, 'open')
  })

  it.each([1012, 1014, 4000])('%i retries by default', async (code) => {
    const { server, connection, client } = await openSubject()
    client.close(code, 'retry me')
    const lost = await waitForState(connection, (s) => s.lastClose !== null)
    expect(lost.status).toBe('reconnecting')
    expect(lost.lastClose!.info).toEqual(describeCloseCode(code))
    await server.waitForConnection()
    await waitForStatus(connection, 'open')
  })

  it.each([1002, 1003, 1007, 1009, 1010])('%i fails without retry', async (code) => {
    const { server, connection, client } = await openSubject()
    client.close(code, 'final')
    const state = await waitForState(connection, (s) => s.lastClose !== null)
    expect(state.status).toBe('failed')
    expect(state.lastClose).toMatchObject({ code, reason: 'final', info: describeCloseCode(code) })
    await expectNoRetry(server)
  })

  it('closeCodes names an application code and can make it final', async () => {
    const { server, connection, client } = await openSubject({
      ...SUBJECT,
      closeCodes: { 4001: { name: 'Unauthorized', retry: false } },
    })
    client.close(4001, 'token expired')
    const state = await waitForState(connection, (s) => s.lastClose !== null)
    expect(state.status).toBe('failed')
    expect(state.lastClose).toMatchObject({
      code: 4001,
      info: { code: 4001, name: 'Unauthorized', retry: false },
    })
    await expectNoRetry(server)
  })
})
