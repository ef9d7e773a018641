import { describe, expect, it } from 'vitest'
import { fakeConnection } from '../support/fake-connection'

describe('send queue', () => {
  it('sends at once while open', () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    expect(connection.send('a')).toBe('sent')
    expect(socket().sent).toEqual(['a'])
  })

  it('keeps sends while not open, in order, and flushes them on open before any new send', () => {
    const { connection, socket } = fakeConnection()
    expect(connection.send('one')).toBe('queued')
    connection.connect()
    expect(connection.sendJson({ n: 2 })).toBe('queued')
    expect(connection.getState().queued).toBe(2)
    connection.subscribe(() => {
      if (connection.getState().status === 'open') connection.send('three')
    })
    socket().open()
    expect(socket().sent).toEqual(['one', '{"n":2}', 'three'])
    expect(connection.getState().queued).toBe(0)
  })

  it('drops the oldest message when full and reports it', () => {
    const { connection, socket } = fakeConnection({ queue: { max: 2 } })
    connection.send('1')
    connection.send('2')
    expect(connection.send('3')).toBe('queued')
    expect(connection.getState().queued).toBe(2)
    expect(connection.getState().error?.message).toMatch(/dropped the oldest/)
    expect(connection.getStats().messagesDropped).toBe(1)
    connection.connect()
    socket().open()
    expect(socket().sent).toEqual(['2', '3'])
  })

  it("returns 'dropped' when queueing is off", () => {
    const { connection } = fakeConnection({ queue: false })
    expect(connection.send('x')).toBe('dropped')
    expect(connection.getState().error?.message).toMatch(/not open/)
  })

  it("returns 'dropped' with queue max 0", () => {
    const { connection } = fakeConnection({ queue: { max: 0 } })
    expect(connection.send('x')).toBe('dropped')
    expect(connection.getState().queued).toBe(0)
  })

  it('keeps queued messages across a drop and delivers them after reconnecting', () => {
    const { connection, socket, clock } = fakeConnection()
    connection.connect()
    socket().open()
    socket().closeFromServer(1006)
    connection.send('while down')
    clock.next()
    socket().open()
    expect(socket().sent).toEqual(['while down'])
  })

  it('reports a value sendJson cannot serialise and sends nothing', () => {
    const { connection, socket } = fakeConnection()
    connection.connect()
    socket().open()
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(connection.sendJson(cycle)).toBe('dropped')
    expect(connection.getState().error).toBeInstanceOf(TypeError)
    expect(connection.getState().error?.message).toMatch(/sendJson: nothing was sent/)
    expect(connection.sendJson({ big: 10n })).toBe('dropped')
    expect(connection.sendJson(undefined)).toBe('dropped')
    expect(connection.sendJson(() => 1)).toBe('dropped')
    expect(socket().sent).toEqual([])
  })
})
