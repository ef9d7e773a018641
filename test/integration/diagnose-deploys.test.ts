import { afterEach, describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import type { CloseInfo, Connection } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { waitForState, waitForStatus } from '../support/wait'

// What diagnose makes of real closes from a ws server on 127.0.0.1: a process that exits
// without closing its sockets, one that closes them all at once with 1012, and one that
// drains them spread out. The sockets here live milliseconds, not minutes, so diagnose is told
// that any uptime counts as stable (minUptime: 0); everything else is as a browser sees it.

const h = createHarness()
afterEach(() => h.cleanup())

const STABLE = { minUptime: 0 }

function historyOf(connection: Connection): CloseInfo[] {
  return [...connection.getHistory()]
}

/** Until the connection has recorded `count` closes matching `match`. */
function waitForCloses(connection: Connection, count: number, match: (close: CloseInfo) => boolean) {
  return waitForState(connection, () => connection.getHistory().filter(match).length >= count, {
    description: `${count} matching closes`,
    timeoutMs: 10_000,
  })
}

const isRefused = (close: CloseInfo) => close.openForMs === null

describe('diagnose on closes from a real server', () => {
  it('one client: a server that exits without closing its socket, and refuses until it is back, is abrupt-shutdown', async () => {
    const server = await h.server()
    const connection = h.connection(server.url)
    await waitForStatus(connection, 'open')
    // The process exits: the kernel ends the TCP connection, no close frame; nothing listens.
    await server.stop()
    await waitForCloses(connection, 2, isRefused)
    await server.start()
    await waitForStatus(connection, 'open')

    const history = historyOf(connection)
    expect(history[0]).toMatchObject({ code: 1006, wasClean: false, initiator: 'server' })
    expect(history[0]!.openForMs).not.toBeNull()
    const found = diagnose(history, STABLE)
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['abrupt-shutdown'])
    expect(found[0]!.evidence).toEqual(history)
    expect(found[0]!.summary).toMatch(
      new RegExp(
        `^1 connection dropped without a close frame \\(1006 Abnormal Closure\\), and ${history.length - 1} ` +
          'attempts failed while the server was away: ',
      ),
    )
  })

  it('many clients, merged: a crash drops them in the same second; a drain spread out is a healthy deploy', async () => {
    // Eight, so that only a stall of the event loop of over a second could put half of the
    // drain's closes in one second.
    const CLIENTS = 8
    const server = await h.server()
    const connections = Array.from({ length: CLIENTS }, () => h.connection(server.url))
    await server.waitForConnections(CLIENTS)

    // A drain as drain({ windowMs: 4200 }) does it: one socket every 600 ms, with 1012.
    for (const [index, client] of server.clients.entries()) {
      setTimeout(() => client.close(1012, 'draining'), index * 600)
    }
    for (const connection of connections) await waitForCloses(connection, 1, (close) => close.code === 1012)
    // Back on the server, and open as each client sees it (the server counts a socket first).
    for (const connection of connections) await waitForStatus(connection, 'open')
    const drained = diagnose(connections.flatMap(historyOf), STABLE)
    expect(drained.map((diagnosis) => [diagnosis.id, diagnosis.severity])).toEqual([['deploys', 'info']])
    expect(drained[0]!.summary).toMatch(
      /^The server sent connections away 8 times \(1012 Service Restart ×8\) in 1 burst over [\d.]+ s: .* drains properly,/,
    )

    // Then the process crashes: every client loses it in the same instant.
    await server.stop()
    for (const connection of connections) await waitForCloses(connection, 1, isRefused)
    await server.start()
    for (const connection of connections) await waitForStatus(connection, 'open')
    const merged = connections.flatMap(historyOf)
    const found = diagnose(merged, STABLE)
    expect(found.map((diagnosis) => [diagnosis.id, diagnosis.severity])).toEqual([
      ['abrupt-shutdown', 'warning'],
      ['deploys', 'info'],
    ])
    expect(found[0]!.summary).toMatch(
      /^8 connections dropped without a close frame \(1006 Abnormal Closure ×8\), all within the same second, and \d+ attempts failed while the server was away: /,
    )
    expect(found[0]!.evidence.filter((close) => close.openForMs === null)).toHaveLength(
      merged.filter(isRefused).length,
    )
  })

  it('many clients, merged: 1012 to everyone at once is a deploy that does not spread its closes', async () => {
    const CLIENTS = 6
    const server = await h.server()
    const connections = Array.from({ length: CLIENTS }, () => h.connection(server.url))
    await server.waitForConnections(CLIENTS)
    // What Socket.IO's io.close() or a loop over ws's clients does, with a close frame: everyone at once.
    await server.closeAll(1012, 'restart')
    for (const connection of connections) await waitForCloses(connection, 1, (close) => close.code === 1012)
    const found = diagnose(connections.flatMap(historyOf), STABLE)
    expect(found.map((diagnosis) => [diagnosis.id, diagnosis.severity])).toEqual([['deploys', 'warning']])
    expect(found[0]!.summary).toContain('(1012 Service Restart ×6) in 1 burst, all within the same second:')
    expect(found[0]!.advice).toMatch(
      /^Spread the closes over a window: drain\(\{ windowMs \}\) from react-lifeline\/server/,
    )
  })
})
