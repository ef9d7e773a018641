import { afterEach, describe, expect, it, vi } from 'vitest'
import { LifelineConnection } from '../../src/core/connection'
import { fakeConnection } from '../support/fake-connection'

// The setup and programmer errors a connection reports in `state.error` rather than throws:
// production builds carry the code and the page that explains it (docs/errors.md), development
// builds the sentence (asserted where each behaviour is tested).

const coded = (code: number) =>
  new RegExp(
    `^react-lifeline error ${code}; see https://unpkg\\.com/react-lifeline/docs/errors\\.md#error-${code}$`,
  )

afterEach(() => vi.unstubAllEnvs())

describe('state.error codes in production builds', () => {
  it('error 42: no WebSocket implementation fails the connection', () => {
    vi.stubEnv('NODE_ENV', 'production')
    vi.stubGlobal('WebSocket', undefined)
    const connection = new LifelineConnection('ws://h/s')
    connection.connect()
    vi.unstubAllGlobals()
    expect(connection.getState().status).toBe('failed')
    expect(connection.getState().error?.message).toMatch(coded(42))
    connection.destroy()
  })

  it('error 43: sendJson of a value with no JSON form drops it and keeps the cause', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    expect(connection.sendJson(10n)).toBe('dropped')
    const error = connection.getState().error
    expect(error).toBeInstanceOf(TypeError)
    expect(error?.message).toMatch(coded(43))
    expect(error?.cause).toBeInstanceOf(TypeError)
    expect(connection.sendJson(undefined)).toBe('dropped')
    expect(socket().sent).toEqual([])
    expect(connection.getStats().messagesSent).toBe(0)
  })
})
