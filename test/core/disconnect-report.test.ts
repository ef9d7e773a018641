import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import { createDisconnectReport, type ReportableConnection } from '../../src/core/disconnect-report'
import type { CloseInfo, ConnectionState, ConnectionStats } from '../../src/core/types'
import { closeInfo, idleDrop, SECOND, spaced } from '../support/close-info'

const SECRET_URL = 'wss://api.example.com/socket?token=abc123&room=1'

function state(fields: Partial<ConnectionState> = {}): ConnectionState {
  return {
    status: 'reconnecting',
    attempt: 1,
    nextRetryAt: 5_000,
    lastClose: null,
    lastOpenAt: 1_000,
    latency: 42,
    error: null,
    queued: 0,
    ...fields,
  }
}

const stats: ConnectionStats = {
  opens: 3,
  closes: 3,
  attempts: 4,
  messagesReceived: 120,
  messagesSent: 30,
  messagesDropped: 0,
  messagesInvalid: 0,
}

function connection(
  history: CloseInfo[],
  fields: Partial<ReportableConnection> & { state?: ConnectionState } = {},
): ReportableConnection {
  return {
    url: SECRET_URL,
    getHistory: () => history,
    getState: () => fields.state ?? state(),
    getStats: () => stats,
    ...fields,
  }
}

describe('createDisconnectReport', () => {
  it('keeps secrets out of the whole report', () => {
    const close = closeInfo(1008, { reason: 'rejected wss://api.example.com/socket?token=abc123' })
    const error = new Error(`could not connect to ${SECRET_URL}`)
    const report = createDisconnectReport(connection([close], { state: state({ error }) }), close)
    const json = JSON.stringify(report)
    expect(json).not.toContain('abc123')
    expect(report.url).toBe('wss://api.example.com/socket?token=[redacted]&room=1')
    expect(report.close.reason).toBe('rejected wss://api.example.com/socket?token=[redacted]')
    expect(report.state.error).toEqual({
      name: 'Error',
      message: 'could not connect to wss://api.example.com/socket?token=[redacted]&room=1',
    })
  })

  it('redacts reasons in the history and in the evidence of diagnoses', () => {
    const reason = 'see https://status.example.com/?key=abc123'
    const history = spaced([closeInfo(1011, { reason }), closeInfo(1011, { reason })])
    const report = createDisconnectReport(connection(history), history[1]!)
    expect(report.diagnoses.map((diagnosis) => diagnosis.id)).toEqual(['server-error'])
    expect(JSON.stringify(report)).not.toContain('abc123')
  })

  it("reports a function url as '[function]'", () => {
    const close = closeInfo(1006)
    const report = createDisconnectReport(connection([close], { url: () => SECRET_URL }), close)
    expect(report.url).toBe('[function]')
  })

  it('survives a round trip through JSON unchanged', () => {
    const history = spaced([idleDrop(60_000), idleDrop(60_400, { offline: false }), idleDrop(59_700)])
    const report = createDisconnectReport(connection(history), history[2]!)
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('includes the diagnoses, the state, the counters and a stable message', () => {
    const history = spaced([idleDrop(60_000), idleDrop(60_400), idleDrop(59_700)])
    const report = createDisconnectReport(connection(history), history[2]!)
    expect(report.message).toBe('WebSocket closed: 1006 Abnormal Closure (idle-timeout)')
    expect(report.diagnoses).toHaveLength(1)
    expect(report.diagnoses[0]!.summary).toContain('nginx')
    expect(report.diagnoses[0]!.evidence).toEqual(history)
    expect(report.stats).toEqual(stats)
    expect(report.state).toEqual({
      status: 'reconnecting',
      attempt: 1,
      nextRetryAt: 5_000,
      lastOpenAt: 1_000,
      latency: 42,
      queued: 0,
      error: null,
    })
    expect(report.history).toEqual(history)
    expect(report.close).toEqual(history[2])
  })

  it('adds the close to the history when the connection has not recorded it yet', () => {
    const recorded = spaced([idleDrop(60_000), idleDrop(60_400)])
    const close = idleDrop(59_700, { at: recorded[1]!.at + 10 * 60 * SECOND })
    const report = createDisconnectReport(connection(recorded), close)
    expect(report.history).toHaveLength(3)
    expect(report.diagnoses.map((diagnosis) => diagnosis.id)).toEqual(['idle-timeout'])
    expect(recorded).toHaveLength(2)
  })

  it('does not count a recorded close twice', () => {
    const history = spaced([idleDrop(60_000), idleDrop(60_400)])
    expect(createDisconnectReport(connection(history), history[1]!).history).toHaveLength(2)
    expect(createDisconnectReport(connection(history), { ...history[1]! }).history).toHaveLength(2)
  })

  it('passes minUptime on to diagnose', () => {
    const history = spaced(
      [7_000, 6_000, 8_000].map((openForMs) => closeInfo(1006, { openForMs, idleForMs: 500 })),
      10 * SECOND,
    )
    const close = history[2]!
    expect(createDisconnectReport(connection(history), close).diagnoses).toEqual([])
    const report = createDisconnectReport(connection(history), close, { minUptime: 10_000 })
    expect(report.diagnoses.map((diagnosis) => diagnosis.id)).toEqual(['flapping'])
  })

  it('reports null counters for a connection without getStats', () => {
    const close = closeInfo(1006)
    const report = createDisconnectReport(connection([close], { getStats: undefined }), close)
    expect(report.stats).toBeNull()
    expect(report.message).toBe('WebSocket closed: 1006 Abnormal Closure')
  })

  it('carries each diagnosis whole, names them all in the message, and shares one copy per record', () => {
    const history = spaced([closeInfo(1008), closeInfo(1011), closeInfo(1008), closeInfo(1011)])
    const report = createDisconnectReport(connection(history), history[3]!)
    expect(report.message).toBe('WebSocket closed: 1011 Internal Error (policy, server-error)')
    expect(report.diagnoses).toEqual(diagnose(history))
    expect(report.diagnoses[1]!.evidence[0]).toBe(report.history[1])
    expect(report.diagnoses[1]!.evidence[1]).toBe(report.close)
  })

  it('does not add an older close that is already in the history', () => {
    const history = spaced([closeInfo(1011), closeInfo(1006), closeInfo(1006)])
    expect(createDisconnectReport(connection(history), history[0]!).history).toEqual(history)
  })

  it('adds a close at the same time as the last record but with another code', () => {
    const history = [closeInfo(1006, { at: 1_000 })]
    const close = closeInfo(1011, { at: 1_000 })
    expect(createDisconnectReport(connection(history), close).history).toEqual([...history, close])
  })

  it('reports a close on a connection with no history yet', () => {
    const close = closeInfo(1006, { at: 1_000 })
    expect(createDisconnectReport(connection([]), close).history).toEqual([close])
  })

  it('copies every known field, offline included when the record has it', () => {
    const close = closeInfo(1006, { offline: false, at: 7, openForMs: 8, idleForMs: 9, initiator: 'network' })
    const extra = { ...close, info: { ...close.info, extra: 1 } } as CloseInfo
    const report = createDisconnectReport(connection([extra]), extra)
    expect(report.close).toStrictEqual({
      code: 1006,
      reason: '',
      wasClean: false,
      at: 7,
      openForMs: 8,
      idleForMs: 9,
      initiator: 'network',
      info: { code: 1006, name: 'Abnormal Closure', description: '', retry: true },
      offline: false,
    })
    const without = closeInfo(1006)
    expect(Object.keys(createDisconnectReport(connection([without]), without).close)).not.toContain('offline')
  })

  it("names an error without a name 'Error' and reads a message that is not a string", () => {
    const error = Object.assign(new Error(), { name: '', message: 42 as unknown as string })
    const close = closeInfo(1006)
    const report = createDisconnectReport(connection([close], { state: state({ error }) }), close)
    expect(report.state.error).toEqual({ name: 'Error', message: '42' })
    const named = Object.assign(new Error('boom'), { name: 'TypeError' })
    const namedReport = createDisconnectReport(connection([close], { state: state({ error: named }) }), close)
    expect(namedReport.state.error).toEqual({ name: 'TypeError', message: 'boom' })
  })

  it('keeps the counters as they were when the report was built', () => {
    const live = { ...stats }
    const close = closeInfo(1006)
    const report = createDisconnectReport(connection([close], { getStats: () => live }), close)
    live.closes++
    expect(report.stats).toEqual(stats)
  })

  it('copies only the known fields of a record', () => {
    const close = { ...closeInfo(1006), socket: { send() {} } } as CloseInfo
    const report = createDisconnectReport(connection([close]), close)
    expect(Object.keys(report.close)).not.toContain('socket')
    expect(report.close).not.toBe(close)
  })
})
