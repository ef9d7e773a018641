import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDisconnectReport, diagnose } from '../../src/core'
import type { LifelineConnection } from '../../src/core/connection'
import { getConnection, resetConnections } from '../../src/core/registry'
import type { CloseInfo, ConnectionOptions } from '../../src/core/types'
import { FakeClock } from '../support/fake-clock'
import { fakeConnection } from '../support/fake-connection'
import { FakeNetwork, FakeVisibility } from '../support/fake-network'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'

// Credentials travel in WebSocket URLs (browsers cannot set headers on the handshake), so the
// URL is the one place a token sits. These tests prove that no value of a secret-looking query
// key reaches anything the library produces for people or trackers: errors (their message,
// stack and cause), history records, diagnoses, disconnect reports and console warnings. They
// walk everything reachable from those values, not only the fields a tracker happens to read.

const SECRET_KEYS = [
  'token',
  'access_token',
  'auth',
  'key',
  'apikey',
  'password',
  'signature',
  'sig',
  'jwt',
  'session',
  // The same keys as services spell them.
  'Token',
  'ACCESS_TOKEN',
  'X-Api-Key',
  'user_token',
  'to%6Ben',
]

/** A distinct value per key that appears nowhere else, so any occurrence is a leak. */
function secretOf(key: string): string {
  return `zz${key.replace(/[^a-z0-9]/gi, '')}Secret7q`
}

const SECRETS = [...SECRET_KEYS.map(secretOf), 'zzUserinfoSecret7q']
const QUERY = `room=7&${SECRET_KEYS.map((key) => `${key}=${secretOf(key)}`).join('&')}&lang=en`

/** Every string reachable from `roots`: own properties (enumerable or not), errors with stack and cause, arrays, maps, sets. */
function reachableText(...roots: unknown[]): string {
  const seen = new WeakSet<object>()
  const parts: string[] = []
  const visit = (value: unknown, depth: number): void => {
    if (depth > 50) return
    if (typeof value === 'string') {
      parts.push(value)
      return
    }
    if (typeof value !== 'object' || value === null) {
      if (typeof value === 'function') parts.push(value.name)
      return
    }
    if (seen.has(value)) return
    seen.add(value)
    if (value instanceof Error) {
      visit(value.name, depth + 1)
      visit(value.message, depth + 1)
      visit(value.stack, depth + 1)
      visit(value.cause, depth + 1)
    }
    if (value instanceof Map) {
      for (const [key, entry] of value) {
        visit(key, depth + 1)
        visit(entry, depth + 1)
      }
    }
    if (value instanceof Set) for (const entry of value) visit(entry, depth + 1)
    for (const name of Object.getOwnPropertyNames(value)) {
      visit(name, depth + 1)
      visit((value as Record<string, unknown>)[name], depth + 1)
    }
  }
  for (const root of roots) visit(root, 0)
  return parts.join('\n')
}

function expectNoSecret(text: string, where: string): void {
  const leaked = SECRETS.filter((secret) => text.includes(secret))
  expect(leaked, `secrets found in ${where}`).toEqual([])
}

let warn: ReturnType<typeof vi.spyOn>
let error: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  error = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => {
  warn.mockRestore()
  error.mockRestore()
  vi.unstubAllGlobals()
  resetConnections()
})

/** A close to report when the connection never had one (a URL that failed before any socket). */
const SYNTHETIC_CLOSE: CloseInfo = {
  code: 1006,
  reason: '',
  wasClean: false,
  at: 1_000_000,
  openForMs: null,
  idleForMs: null,
  initiator: 'network',
  info: { code: 1006, name: 'Abnormal Closure', description: 'Dropped.', retry: true },
}

/** Everything a connection produces that may end up in a log or a tracker. */
function everythingFrom(connection: LifelineConnection, closes: readonly CloseInfo[]): unknown[] {
  const history = connection.getHistory()
  const reports = [...closes, SYNTHETIC_CLOSE].map((close) => createDisconnectReport(connection, close))
  return [
    connection.getState(),
    history,
    closes,
    diagnose(history),
    reports,
    reports.map((report) => JSON.stringify(report)),
    connection.getStats(),
    warn.mock.calls,
    error.mock.calls,
  ]
}

/** A connection on `url` that records every close it reports. */
function watched(url: string | (() => string | Promise<string>), options: ConnectionOptions = {}) {
  const world = fakeConnection({ retry: { initialDelay: 100, jitter: 'none' }, ...options }, url)
  const closes: CloseInfo[] = []
  world.connection.on('close', (close) => closes.push(close))
  return { ...world, closes }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

describe('secrets in URLs', () => {
  it('checks the checker: the walk finds a secret hidden in an error cause', () => {
    const hidden = new Error('outer', { cause: new Error(`inner ${secretOf('token')}`) })
    expect(reachableText({ state: { error: hidden } })).toContain(secretOf('token'))
  })

  it.each([
    ['a non-WebSocket scheme', `https://example.test/live?${QUERY}`],
    ['user:password in an https URL', `https://alice:zzUserinfoSecret7q@example.test/live?${QUERY}`],
    ['text that is not a URL', `notaurl?${QUERY}`],
    ['a URL with a #fragment', `wss://example.test/live?${QUERY}#room`],
  ])('an invalid string URL (%s) fails with a redacted error', (_name, url) => {
    const { connection, closes } = watched(url)
    connection.connect()
    expect(connection.getState().status).toBe('failed')
    expect(connection.getState().error?.message).toMatch(/\[redacted\]/)
    expectNoSecret(reachableText(...everythingFrom(connection, closes)), 'an invalid URL error')
  })

  it('an invalid string URL with a secret in its #fragment (OAuth implicit-flow style) is redacted', () => {
    const { connection, closes } = watched(`wss://example.test/live#access_token=${secretOf('access_token')}`)
    connection.connect()
    expect(connection.getState().status).toBe('failed')
    expectNoSecret(reachableText(...everythingFrom(connection, closes)), 'a #fragment URL error')
  })

  it.each([
    [
      'throws an Error naming the URL',
      () => {
        throw new Error(`token fetch failed for https://auth.example.test/ws-ticket?${QUERY}`)
      },
    ],
    [
      'rejects with an Error naming the URL',
      () => Promise.reject(new Error(`no ticket: wss://h/live?${QUERY}`)),
    ],
    ['rejects with a string naming the URL', () => Promise.reject(`no ticket: wss://h/live?${QUERY}`)],
    ['returns an http URL', () => `https://example.test/live?${QUERY}`],
    ['resolves to an http URL', async () => `http://example.test/live?${QUERY}`],
    ['returns a URL with userinfo and a fragment', () => `wss://alice:zzUserinfoSecret7q@h/live?${QUERY}#x`],
  ])('a URL function that %s: state.error and everything reachable from it are redacted', async (_name, url) => {
    const { connection, closes, clock } = watched(url as () => string)
    connection.connect()
    await settle()
    expect(connection.getState().error).not.toBeNull()
    expectNoSecret(reachableText(...everythingFrom(connection, closes)), 'a URL function failure')
    // The next attempt fails the same way; still nothing leaks.
    clock.advance(100)
    await settle()
    expectNoSecret(reachableText(...everythingFrom(connection, closes)), 'a second URL function failure')
  })

  it('history, diagnoses and reports of a working connection carry no secret', () => {
    const url = `wss://example.test/live?${QUERY}`
    const { connection, socket, clock, closes } = watched(url, {
      heartbeat: { interval: 1000, timeout: 500 },
      retry: { initialDelay: 100, maxDelay: 100, jitter: 'none' },
      connectTimeout: 1000,
    })
    connection.connect()
    const reconnect = () => {
      clock.advance(100)
      socket().open()
    }
    socket().open()
    // Idle timeouts of a proxy, a deploy burst, refusals, a heartbeat timeout and a connect timeout.
    for (let i = 0; i < 3; i++) {
      clock.advance(900)
      socket().receive('{"type":"pong"}')
      clock.advance(59_000)
      socket().closeFromServer(1006)
      reconnect()
    }
    socket().closeFromServer(1001, 'deploy')
    reconnect()
    socket().closeFromServer(1012, 'restart')
    reconnect()
    socket().closeFromServer(4001, 'unauthorized')
    reconnect()
    socket().closeFromServer(4001, 'unauthorized')
    reconnect()
    clock.advance(1500)
    clock.advance(100)
    clock.advance(1000)
    expect(closes.length).toBeGreaterThanOrEqual(8)
    expect(diagnose(connection.getHistory()).length).toBeGreaterThan(0)
    const report = createDisconnectReport(connection, closes.at(-1) as CloseInfo)
    expect(report.url).toContain('token=[redacted]')
    expectNoSecret(reachableText(...everythingFrom(connection, closes)), 'history, diagnoses or reports')
  })

  it('a close reason that echoes the URL is redacted in history and lastClose too, not only in reports', () => {
    const url = `wss://example.test/live?${QUERY}`
    const { connection, socket, closes } = watched(url)
    connection.connect()
    socket().open()
    socket().closeFromServer(4000, `moved: ${url}`)
    expect(connection.getHistory()).toHaveLength(1)
    expectNoSecret(reachableText(connection.getHistory()), 'the history')
    expectNoSecret(reachableText(connection.getState()), 'state.lastClose')
    expectNoSecret(reachableText(closes), "what on('close') listeners get")
    expectNoSecret(reachableText(...everythingFrom(connection, closes)), 'reports')
  })

  it('the ws:// from an https page warning is redacted', () => {
    vi.stubGlobal('location', { protocol: 'https:', href: 'https://app.example.test/' })
    const { connection, closes } = watched(`ws://example.test/live?${QUERY}`)
    connection.connect()
    expect(warn).toHaveBeenCalled()
    expectNoSecret(reachableText(...everythingFrom(connection, closes)), 'the mixed-content warning')
  })

  it('the getConnection warning about differing options is redacted', () => {
    FakeWebSocket.reset()
    const url = `wss://example.test/shared?${QUERY}`
    const base: ConnectionOptions = {
      WebSocket: FakeWebSocketConstructor,
      clock: new FakeClock(),
      network: new FakeNetwork(),
      visibility: new FakeVisibility(),
    }
    const first = getConnection(url, { ...base, binaryType: 'blob' })
    getConnection(url, { binaryType: 'arraybuffer' })
    expect(warn).toHaveBeenCalled()
    expectNoSecret(reachableText(...everythingFrom(first, [])), 'the getConnection warning')
  })
})
