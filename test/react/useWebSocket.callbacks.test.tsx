import { act, render } from '@testing-library/react'
import { StrictMode, useState } from 'react'
import { describe, expect, test, vi } from 'vitest'
import type { CloseInfo, ConnectionState } from '../../src/core/types'
import { type UseWebSocketOptions, useWebSocket, type WebSocketHookOptions } from '../../src/react/index'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket } from '../support/fake-websocket'
import { fakeConnection, fakeOptions, lastSocket, step } from './helpers'

function recorder() {
  const events: string[] = []
  const callbacks: Required<Pick<UseWebSocketOptions, 'onOpen' | 'onClose' | 'onError' | 'onFailed'>> = {
    onOpen: () => events.push('open'),
    onClose: (close: CloseInfo) => events.push(`close ${close.code}`),
    onError: (error: Error) => events.push(`error ${error.message}`),
    onFailed: (state: ConnectionState) => events.push(`failed ${state.lastClose?.code ?? '-'}`),
  }
  return { events, callbacks }
}

describe('hook callbacks', () => {
  test('fire once per event under StrictMode, for every mounted hook', () => {
    const { connection, clock } = fakeConnection()
    const first = recorder()
    const second = recorder()
    function Probe({ callbacks }: { callbacks: WebSocketHookOptions }) {
      useWebSocket(connection, callbacks)
      return null
    }
    render(
      <StrictMode>
        <Probe callbacks={first.callbacks} />
        <Probe callbacks={second.callbacks} />
      </StrictMode>,
    )
    step(() => lastSocket().open())
    step(() => lastSocket().closeFromServer(1012, 'restart'))
    step(() => clock.advance(1000))
    step(() => lastSocket().open())
    step(() => lastSocket().closeFromServer(1008, 'go away'))
    const expected = ['open', 'close 1012', 'open', 'close 1008', 'failed 1008']
    expect(first.events).toEqual(expected)
    expect(second.events).toEqual(expected)
  })

  test('call the latest closure, and nothing after unmount', () => {
    const { connection } = fakeConnection()
    const calls: string[] = []
    let bump: (() => void) | undefined
    function Probe() {
      const [version, setVersion] = useState(0)
      bump = () => setVersion((v) => v + 1)
      useWebSocket(connection, {
        onOpen: () => calls.push(`open v${version}`),
        onClose: (close) => calls.push(`close ${close.code} v${version}`),
      })
      return null
    }
    const view = render(<Probe />)
    step(() => bump!())
    step(() => lastSocket().open())
    step(() => bump!())
    step(() => lastSocket().closeFromServer(1012))
    expect(calls).toEqual(['open v1', 'close 1012 v2'])

    view.unmount()
    step(() => connection.connect())
    step(() => lastSocket().open())
    step(() => lastSocket().closeFromServer(1012))
    expect(calls).toHaveLength(2)
  })

  test('a connection already open when the hook mounts is no open event', () => {
    const { connection } = fakeConnection()
    const release = connection.retain()
    step(() => lastSocket().open())
    const onOpen = vi.fn()
    function Probe() {
      useWebSocket(connection, { onOpen })
      return null
    }
    render(<Probe />)
    expect(onOpen).not.toHaveBeenCalled()
    release()
  })

  test('a bad URL reaches onError and onFailed once each, after mount', () => {
    const { events, callbacks } = recorder()
    function Probe() {
      const { status } = useWebSocket('http://lifeline.test/not-a-socket', { ...fakeOptions(), ...callbacks })
      return <p data-testid="status">{status}</p>
    }
    const view = render(
      <StrictMode>
        <Probe />
      </StrictMode>,
    )
    expect(view.getByTestId('status').textContent).toBe('failed')
    expect(events).toHaveLength(2)
    expect(events[0]).toMatch(/^error Invalid WebSocket URL/)
    expect(events[1]).toBe('failed -')
    expect(FakeWebSocket.instances).toHaveLength(0)
  })

  test('each new error in the state is reported once, to each hook', async () => {
    const { connection } = fakeConnection({ queue: false })
    const onError = vi.fn()
    function Probe() {
      useWebSocket(connection, { onError, enabled: false })
      return null
    }
    render(<Probe />)
    // A dropped send's error reaches the state with the batch of its tick (issue 10), hence
    // the async act; the same failure again keeps the same error, so it is not a new event.
    await act(async () => {
      connection.send('one')
    })
    await act(async () => {
      connection.send('two')
    })
    await act(async () => {
      connection.sendJson(1n)
    })
    expect(onError).toHaveBeenCalledTimes(2)
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(Error)
    expect(onError.mock.calls[0]![0].message).toMatch(/Message dropped/)
    expect(onError.mock.calls[1]![0]).toBeInstanceOf(TypeError)
  })

  test('a throwing callback is reported and the others still run', () => {
    const { connection } = fakeConnection()
    const reported: unknown[] = []
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error))
    const onOpen = vi.fn()
    function Thrower() {
      useWebSocket(connection, {
        onOpen: () => {
          throw new Error('boom')
        },
      })
      return null
    }
    function Listener() {
      useWebSocket(connection, { onOpen })
      return null
    }
    render(
      <>
        <Thrower />
        <Listener />
      </>,
    )
    step(() => lastSocket().open())
    expect(reported).toHaveLength(1)
    expect(onOpen).toHaveBeenCalledTimes(1)
    vi.unstubAllGlobals()
  })

  test('a shared URL: each mounted hook hears each event once', () => {
    const clock = new FakeClock()
    const options = fakeOptions(clock)
    const opens: string[] = []
    function Probe({ id }: { id: string }) {
      useWebSocket('ws://lifeline.test/callbacks', { ...options, onOpen: () => opens.push(id) })
      return null
    }
    render(
      <StrictMode>
        <Probe id="a" />
        <Probe id="b" />
      </StrictMode>,
    )
    step(() => lastSocket().open())
    expect(opens.sort()).toEqual(['a', 'b'])
    expect(FakeWebSocket.instances).toHaveLength(1)
  })
})
