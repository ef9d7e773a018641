import { render, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { getConnection } from '../../src/core/index'
import type { Connection } from '../../src/core/types'
import { useWebSocket, type WebSocketResult } from '../../src/react/index'
import { FakeWebSocket } from '../support/fake-websocket'
import { createRenderCounter, fakeConnection, fakeOptions, lastSocket, step } from './helpers'

const URL_A = 'ws://lifeline.test/a'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('actions', () => {
  test('are stable across renders and act on the current target', () => {
    const a = fakeConnection()
    const b = fakeConnection()
    const seen: WebSocketResult[] = []
    function Probe({ target }: { target: Connection }) {
      const result = useWebSocket(target)
      seen.push(result)
      return null
    }
    const view = render(<Probe target={a.connection} />)
    step(() => FakeWebSocket.instances[0]!.open())
    view.rerender(<Probe target={b.connection} />)
    step(() => FakeWebSocket.instances[1]!.open())

    const first = seen[0]!
    const last = seen.at(-1)!
    for (const name of ['send', 'sendJson', 'connect', 'reconnect', 'close'] as const) {
      expect(last[name]).toBe(first[name])
    }
    expect(first.sendJson({ hello: 'b' })).toBe('sent')
    expect(FakeWebSocket.instances[1]!.sent).toEqual(['{"hello":"b"}'])
    expect(FakeWebSocket.instances[0]!.sent).toEqual([])
  })

  test('send queues while connecting and goes out on open', () => {
    const { connection } = fakeConnection()
    let api: WebSocketResult | undefined
    function Probe() {
      api = useWebSocket(connection)
      return null
    }
    render(<Probe />)
    expect(api!.send('early')).toBe('queued')
    step(() => lastSocket().open())
    expect(lastSocket().sent).toEqual(['early'])
    expect(api!.send('now')).toBe('sent')
  })

  test('a null target is idle and every action is safe', () => {
    let api: WebSocketResult | undefined
    function Probe() {
      api = useWebSocket(null)
      return <p data-testid="status">{api.status}</p>
    }
    render(<Probe />)
    expect(screen.getByTestId('status').textContent).toBe('idle')
    expect(api!.send('x')).toBe('dropped')
    expect(api!.sendJson({ x: 1 })).toBe('dropped')
    expect(() => {
      api!.connect()
      api!.reconnect()
      api!.close()
    }).not.toThrow()
    expect(api!.connection).toBeNull()
    expect(api!.lastMessage).toBeNull()
    expect(api!.lastJsonMessage).toBeNull()
    expect(FakeWebSocket.instances).toHaveLength(0)
  })

  test('the result carries the connection state fields', () => {
    const { connection, clock } = fakeConnection()
    let fields: Record<string, unknown> = {}
    function Probe() {
      const {
        status,
        attempt,
        nextRetryAt,
        lastClose,
        lastOpenAt,
        latency,
        error,
        queued,
        connection: used,
      } = useWebSocket(connection)
      fields = { status, attempt, nextRetryAt, lastClose, lastOpenAt, latency, error, queued, used }
      return null
    }
    render(<Probe />)
    step(() => lastSocket().open())
    const openedAt = clock.now()
    clock.advance(250)
    step(() => lastSocket().closeFromServer(1012, 'restarting'))
    expect(fields).toMatchObject({
      status: 'reconnecting',
      attempt: 1,
      nextRetryAt: clock.now() + 1000,
      lastClose: { code: 1012, reason: 'restarting', openForMs: 250 },
      lastOpenAt: openedAt,
      latency: null,
      error: null,
      queued: 0,
      used: connection,
    })
  })

  test('a result is a snapshot of its render, like state', () => {
    const { connection } = fakeConnection()
    let api: WebSocketResult | undefined
    function Probe() {
      api = useWebSocket(connection)
      return null
    }
    render(<Probe />)
    const first = api!
    // Nothing was read during render, so connecting and opening do not re-render: the result
    // keeps the values of its render (idle: the connection is held from an effect).
    step(() => lastSocket().open())
    expect(api).toBe(first)
    expect(first.status).toBe('idle')
  })
})

describe('shared connection by URL', () => {
  test('the URL resolves to the registry connection', () => {
    let api: WebSocketResult | undefined
    const options = fakeOptions()
    function Probe() {
      api = useWebSocket(URL_A, options)
      return null
    }
    render(<Probe />)
    expect(api!.connection).toBe(getConnection(URL_A))
  })
})

describe('re-render reads', () => {
  test('a field read for the first time in a later render is current', () => {
    const { connection } = fakeConnection()
    const counter = createRenderCounter()
    function Probe({ showMessage }: { showMessage: boolean }) {
      counter.hit()
      const result = useWebSocket(connection)
      return <p data-testid="out">{showMessage ? String(result.lastMessage) : result.status}</p>
    }
    const view = render(<Probe showMessage={false} />)
    step(() => lastSocket().open())
    const before = counter.count
    step(() => lastSocket().receive('one'))
    step(() => lastSocket().receive('two'))
    expect(counter.count).toBe(before)

    view.rerender(<Probe showMessage />)
    expect(screen.getByTestId('out').textContent).toBe('two')
    step(() => lastSocket().receive('three'))
    expect(screen.getByTestId('out').textContent).toBe('three')
  })

  test('spreading the result reads, and so tracks, every field', () => {
    const { connection } = fakeConnection()
    const counter = createRenderCounter()
    function Probe() {
      counter.hit()
      const all = { ...useWebSocket(connection) }
      return <p>{all.status}</p>
    }
    render(<Probe />)
    step(() => lastSocket().open())
    const before = counter.count
    step(() => lastSocket().receive('x'))
    expect(counter.count).toBe(before + 1)
  })
})

describe('a state transition everyone sees', () => {
  test('components that read only messages do not re-render when the status changes', () => {
    const { connection } = fakeConnection()
    const counter = createRenderCounter()
    function Reader() {
      counter.hit()
      const { lastMessage } = useWebSocket(connection)
      return <p>{String(lastMessage)}</p>
    }
    function Holder() {
      const [shown, setShown] = useState(true)
      return shown ? <Reader /> : <button type="button" onClick={() => setShown(false)} />
    }
    render(<Holder />)
    expect(counter.count).toBe(1)
    step(() => lastSocket().open())
    step(() => lastSocket().closeFromServer(1006))
    expect(connection.getState().status).toBe('reconnecting')
    expect(counter.count).toBe(1)
  })
})
