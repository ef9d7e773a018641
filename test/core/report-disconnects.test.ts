import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type GroupedDisconnectReport,
  type ObservableConnection,
  reportDisconnects,
} from '../../src/core/report-disconnects'
import type { CloseInfo, ConnectionState } from '../../src/core/types'
import { closeInfo, MINUTE, SECOND, shortLived } from '../support/close-info'

const state: ConnectionState = {
  status: 'reconnecting',
  attempt: 1,
  nextRetryAt: null,
  lastClose: null,
  lastOpenAt: null,
  latency: null,
  error: null,
  queued: 0,
}

/**
 * The report's view of a connection (not a LifelineConnection: that is test/support's
 * fakeConnection), recording closes as the real one does: history first, then listeners.
 */
function recordingConnection(url = 'wss://example.test/feed?token=abc123') {
  const history: CloseInfo[] = []
  const listeners = new Set<(close: CloseInfo) => void>()
  const connection: ObservableConnection & { close(record: CloseInfo): void; listeners: number } = {
    url,
    getHistory: () => history,
    getState: () => state,
    // Only 'close' is told about closes, as on a real connection.
    on(event, listener) {
      if (event !== 'close') return () => {}
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close(record) {
      history.push(record)
      if (history.length > 20) history.shift()
      for (const listener of listeners) listener(record)
    },
    get listeners() {
      return listeners.size
    },
  }
  return connection
}

/** A server that accepts and drops every socket after 300 ms, once a second. */
function flap(connection: ReturnType<typeof recordingConnection>, times: number, startAt = 0): void {
  for (let index = 0; index < times; index++)
    connection.close(shortLived(300, 1006, { at: startAt + index * SECOND }))
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('reportDisconnects', () => {
  it('sends one report per disconnect, grouped by the diagnosis that explains it', () => {
    const connection = recordingConnection()
    const reports: GroupedDisconnectReport[] = []
    reportDisconnects(connection, (report) => reports.push(report), { dedupeMs: 0 })
    flap(connection, 4)
    expect(reports.map((report) => report.group)).toEqual([
      'close-1006',
      'close-1006',
      'flapping',
      'flapping',
    ])
    expect(reports[2]!.fingerprint).toEqual(['react-lifeline', 'flapping'])
    expect(reports[2]!.message).toBe('WebSocket closed: 1006 Abnormal Closure (flapping)')
    expect(reports[3]!.close.at).toBe(3 * SECOND)
    expect(reports[3]!.url).toBe('wss://example.test/feed?token=[redacted]')
  })

  it('sends a flapping server once per group and window, counting what it left out', () => {
    const connection = recordingConnection()
    const reports: GroupedDisconnectReport[] = []
    reportDisconnects(connection, (report) => reports.push(report), { dedupeMs: 60_000 })
    flap(connection, 1000)
    expect(reports.map((report) => [report.group, report.skipped])).toEqual([
      ['close-1006', 0],
      ['flapping', 0],
      // A minute of connection time later the group is sent again, with how many it stood for.
      ...Array.from({ length: 16 }, () => ['flapping', 59]),
    ])
    expect(reports).toHaveLength(18)
  })

  it('samples by sampleRate', () => {
    const connection = recordingConnection()
    const sent: GroupedDisconnectReport[] = []
    const draws = [0.9, 0.2, 0.6, 0.1]
    reportDisconnects(connection, (report) => sent.push(report), {
      sampleRate: 0.5,
      dedupeMs: 0,
      random: () => draws.shift() ?? 0,
    })
    for (let index = 0; index < 4; index++) connection.close(closeInfo(4000, { at: index * 10 * SECOND }))
    expect(sent.map((report) => report.close.at)).toEqual([10 * SECOND, 30 * SECOND])
    expect(sent.map((report) => report.skipped)).toEqual([1, 1])
  })

  it('reports a throwing sink through reportError and still sends the next report', () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const connection = recordingConnection()
    const failure = new Error('tracker down')
    const sink = vi.fn().mockImplementationOnce(() => {
      throw failure
    })
    reportDisconnects(connection, sink, { dedupeMs: 0 })
    connection.close(closeInfo(1011, { at: 0 }))
    connection.close(closeInfo(1011, { at: SECOND }))
    expect(reportError).toHaveBeenCalledExactlyOnceWith(failure)
    expect(sink).toHaveBeenCalledTimes(2)
  })

  it('stops when unsubscribed', () => {
    const connection = recordingConnection()
    const sink = vi.fn()
    const stop = reportDisconnects(connection, sink)
    stop()
    connection.close(closeInfo(1006))
    expect(sink).not.toHaveBeenCalled()
    expect(connection.listeners).toBe(0)
  })

  it.each([
    [{ sampleRate: 1.5 }, /sampleRate must be a number from 0 to 1.*got 1\.5/],
    [{ sampleRate: -0.1 }, /sampleRate/],
    [{ sampleRate: Number.NaN }, /sampleRate.*got NaN/],
    [{ dedupeMs: -1 }, /dedupeMs must be a number of milliseconds >= 0, got -1/],
  ])('throws a RangeError naming the option for %o', (options, message) => {
    expect(() => reportDisconnects(recordingConnection(), () => {}, options)).toThrow(RangeError)
    expect(() => reportDisconnects(recordingConnection(), () => {}, options)).toThrow(message)
  })

  it('sends again exactly dedupeMs after the last report of a group, not a millisecond sooner', () => {
    const connection = recordingConnection()
    const sent: GroupedDisconnectReport[] = []
    reportDisconnects(connection, (report) => sent.push(report), { dedupeMs: 10_000 })
    for (const at of [0, 9_999, 10_000, 19_999]) connection.close(closeInfo(4000, { at }))
    expect(sent.map((report) => [report.close.at, report.skipped])).toEqual([
      [0, 0],
      [10_000, 1],
    ])
  })

  it('keeps the window and the count of each group apart', () => {
    const connection = recordingConnection()
    const sent: GroupedDisconnectReport[] = []
    reportDisconnects(connection, (report) => sent.push(report))
    connection.close(closeInfo(4000, { at: 0 }))
    connection.close(closeInfo(4100, { at: SECOND }))
    connection.close(closeInfo(4000, { at: 2 * SECOND }))
    connection.close(closeInfo(4100, { at: 61 * SECOND }))
    expect(sent.map((report) => [report.group, report.skipped])).toEqual([
      ['close-4000', 0],
      ['close-4100', 0],
      ['close-4100', 0],
    ])
  })

  it('leaves out a draw equal to sampleRate, and sends every draw below 1 at the default rate', () => {
    const connection = recordingConnection()
    const sent: GroupedDisconnectReport[] = []
    const draws = [0.5, 0.4999]
    reportDisconnects(connection, (report) => sent.push(report), {
      sampleRate: 0.5,
      dedupeMs: 0,
      random: () => draws.shift()!,
    })
    connection.close(closeInfo(4000, { at: 0 }))
    connection.close(closeInfo(4000, { at: SECOND }))
    expect(sent.map((report) => [report.close.at, report.skipped])).toEqual([[SECOND, 1]])
    const all: GroupedDisconnectReport[] = []
    reportDisconnects(connection, (report) => all.push(report), { dedupeMs: 0, random: () => 0.9999 })
    connection.close(closeInfo(4000, { at: 2 * SECOND }))
    expect(all).toHaveLength(1)
  })

  it('takes minUptime and closeCodes from the connection, and the options over them', () => {
    const base = recordingConnection()
    const connection = Object.assign(base, {
      options: { retry: { minUptime: 10_000 }, closeCodes: { 4000: { name: 'Token Expired' } } },
    })
    const groups = (options = {}) => {
      const sent: GroupedDisconnectReport[] = []
      const stop = reportDisconnects(connection, (report) => sent.push(report), { dedupeMs: 0, ...options })
      return { sent, stop }
    }
    const fromConnection = groups()
    const fromOptions = groups({ minUptime: 5_000, closeCodes: { 4000: { name: 'Room Closed' } } })
    // Open for 7 s: a flap under the connection's 10 s, stable under 5 s.
    for (let index = 0; index < 3; index++)
      connection.close(shortLived(7_000, 1006, { at: index * 10 * SECOND, idleForMs: 500 }))
    connection.close(closeInfo(4000, { at: 40 * SECOND }))
    connection.close(closeInfo(4000, { at: 50 * SECOND }))
    expect(fromConnection.sent.map((report) => report.group)).toEqual([
      'close-1006',
      'close-1006',
      'flapping',
      'close-4000',
      'policy',
    ])
    expect(fromConnection.sent[4]!.diagnoses[0]!.summary).toContain('4000 Token Expired ×2')
    expect(fromOptions.sent.map((report) => report.group)).toEqual([
      'close-1006',
      'close-1006',
      'close-1006',
      'close-4000',
      'close-4000',
    ])
  })

  it('uses the default minUptime for a connection that does not retry', () => {
    const connection = Object.assign(recordingConnection(), { options: { retry: null } })
    const sent: GroupedDisconnectReport[] = []
    reportDisconnects(connection, (report) => sent.push(report), { dedupeMs: 0 })
    for (let index = 0; index < 3; index++)
      connection.close(shortLived(4_000, 1006, { at: index * 10 * SECOND, idleForMs: 500 }))
    expect(sent.map((report) => report.group)).toEqual(['close-1006', 'close-1006', 'flapping'])
  })

  it("groups closes at a gateway's age limit under lifetime-cap, and a server gone without a word under abrupt-shutdown", () => {
    const HOUR = 60 * MINUTE
    const capped = recordingConnection()
    const cappedReports: GroupedDisconnectReport[] = []
    reportDisconnects(capped, (report) => cappedReports.push(report))
    // A gateway that ends each connection at 2 h, busy or not, with 1001 Going Away.
    for (let index = 0; index < 4; index++)
      capped.close(
        closeInfo(1001, { at: (index + 1) * (2 * HOUR + SECOND), openForMs: 2 * HOUR + index * 300 }),
      )
    expect(cappedReports.map((report) => report.group)).toEqual([
      'close-1001',
      'close-1001',
      'lifetime-cap',
      'lifetime-cap',
    ])
    expect(cappedReports[3]!.fingerprint).toEqual(['react-lifeline', 'lifetime-cap'])
    expect(cappedReports[3]!.message).toBe('WebSocket closed: 1001 Going Away (lifetime-cap)')

    const crashed = recordingConnection()
    const crashReports: GroupedDisconnectReport[] = []
    reportDisconnects(crashed, (report) => crashReports.push(report), { dedupeMs: 0 })
    // Dropped with no close frame, refused twice while the process was gone, then open again.
    crashed.close(closeInfo(1006, { at: HOUR }))
    crashed.close(closeInfo(1006, { at: HOUR + SECOND, openForMs: null, idleForMs: null }))
    crashed.close(closeInfo(1006, { at: HOUR + 3 * SECOND, openForMs: null, idleForMs: null }))
    crashed.close(closeInfo(1000, { at: 3 * HOUR }))
    // The second refusal makes it a pattern; the close after the server is back is explained by nothing.
    expect(crashReports.map((report) => report.group)).toEqual([
      'close-1006',
      'close-1006',
      'abrupt-shutdown',
      'close-1000',
    ])
    expect(crashReports[2]!.message).toBe('WebSocket closed: 1006 Abnormal Closure (abrupt-shutdown)')
    expect(crashReports[3]!.diagnoses.map((diagnosis) => diagnosis.id)).toEqual(['abrupt-shutdown'])
  })

  it('accepts the limits of its options', () => {
    for (const options of [
      { sampleRate: 0 },
      { sampleRate: 1 },
      { dedupeMs: 0 },
      { dedupeMs: Number.POSITIVE_INFINITY },
    ])
      expect(() => reportDisconnects(recordingConnection(), () => {}, options)()).not.toThrow()
  })

  it('sends nothing at sampleRate 0 and once per group with an infinite dedupeMs', () => {
    const connection = recordingConnection()
    const none = vi.fn()
    reportDisconnects(connection, none, { sampleRate: 0, random: () => 0 })
    const once: GroupedDisconnectReport[] = []
    reportDisconnects(connection, (report) => once.push(report), { dedupeMs: Number.POSITIVE_INFINITY })
    for (let index = 0; index < 3; index++) connection.close(closeInfo(4000, { at: index * 10 * MINUTE }))
    expect(none).not.toHaveBeenCalled()
    expect(once).toHaveLength(1)
  })

  it('throws a RangeError for an option that is not a number', () => {
    expect(() => reportDisconnects(recordingConnection(), () => {}, { sampleRate: '0.5' as never })).toThrow(
      /sampleRate must be a number from 0 to 1 \(the share of disconnects sent\), got 0\.5\./,
    )
  })

  it('throws a TypeError for something that is not a connection', () => {
    for (const connection of [null, {}]) {
      expect(() => reportDisconnects(connection as never, () => {})).toThrow(TypeError)
      expect(() => reportDisconnects(connection as never, () => {})).toThrow(
        'react-lifeline: reportDisconnects(connection) takes a connection from createConnection or getConnection.',
      )
    }
  })

  it('throws a TypeError for a sink that is not a function', () => {
    expect(() => reportDisconnects(recordingConnection(), 'sentry' as never)).toThrow(
      /takes a sink function, got string/,
    )
  })
})
