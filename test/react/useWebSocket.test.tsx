import { render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { getConnection } from '../../src/core/index'
import type { Connection } from '../../src/core/types'
import { useWebSocket } from '../../src/react/index'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket } from '../support/fake-websocket'
import { fakeConnection, fakeOptions, lastSocket, step } from './helpers'

const URL_A = 'ws://lifeline.test/a'
const URL_B = 'ws://lifeline.test/b'

afterEach(() => {
  vi.restoreAllMocks()
})

function Status({ target }: { target: string | Connection | null }) {
  const { status } = useWebSocket(target)
  return <p data-testid="status">{status}</p>
}

describe('holding the connection', () => {
  test('holds while mounted and lets go through the linger when unmounted', () => {
    const { connection, clock } = fakeConnection({ lingerMs: 1000 })
    const view = render(<Status target={connection} />)
    expect(screen.getByTestId('status').textContent).toBe('connecting')
    expect(FakeWebSocket.instances).toHaveLength(1)

    step(() => lastSocket().open())
    expect(screen.getByTestId('status').textContent).toBe('open')

    view.unmount()
    clock.advance(999)
    expect(connection.getState().status).toBe('open')
    clock.advance(1)
    expect(connection.getState().status).toBe('idle')
    expect(lastSocket().closeCalls).toHaveLength(1)
  })

  test('a remount within lingerMs reuses the open socket', () => {
    const clock = new FakeClock()
    const options = { ...fakeOptions(clock), lingerMs: 1000 }
    function Probe() {
      const { status } = useWebSocket(URL_A, options)
      return <p data-testid="status">{status}</p>
    }
    const first = render(<Probe />)
    step(() => lastSocket().open())
    first.unmount()
    clock.advance(500)

    render(<Probe />)
    expect(screen.getByTestId('status').textContent).toBe('open')
    clock.advance(5000)
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(lastSocket().closeCalls).toHaveLength(0)
  })

  test('components with the same URL share one socket', () => {
    const options = fakeOptions()
    function Probe({ id }: { id: string }) {
      const { status } = useWebSocket(URL_A, options)
      return <p data-testid={id}>{status}</p>
    }
    render(
      <>
        <Probe id="one" />
        <Probe id="two" />
      </>,
    )
    step(() => lastSocket().open())
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(screen.getByTestId('one').textContent).toBe('open')
    expect(screen.getByTestId('two').textContent).toBe('open')
  })

  test('StrictMode mounts twice but opens one socket', () => {
    const options = fakeOptions()
    const retain = vi.spyOn(getConnection(URL_A, options), 'retain')
    function Probe() {
      const { status } = useWebSocket(URL_A, options)
      return <p data-testid="status">{status}</p>
    }
    render(
      <StrictMode>
        <Probe />
      </StrictMode>,
    )
    step(() => lastSocket().open())
    // The effect really ran twice (hold, let go, hold again); the linger kept the socket.
    expect(retain).toHaveBeenCalledTimes(2)
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(screen.getByTestId('status').textContent).toBe('open')
  })

  test('enabled: false lets go, enabled: true holds again', () => {
    const { connection, clock } = fakeConnection({ lingerMs: 0 })
    function Probe({ enabled }: { enabled: boolean }) {
      const { status } = useWebSocket(connection, { enabled })
      return <p data-testid="status">{status}</p>
    }
    const view = render(<Probe enabled={false} />)
    expect(screen.getByTestId('status').textContent).toBe('idle')
    expect(FakeWebSocket.instances).toHaveLength(0)

    view.rerender(<Probe enabled />)
    step(() => lastSocket().open())
    expect(screen.getByTestId('status').textContent).toBe('open')

    view.rerender(<Probe enabled={false} />)
    step(() => clock.advance(0))
    expect(screen.getByTestId('status').textContent).toBe('idle')
    expect(lastSocket().closeCalls).toHaveLength(1)
  })

  test('changing the URL releases the old connection, holds the new one and forgets old messages', () => {
    const clock = new FakeClock()
    const options = { ...fakeOptions(clock), lingerMs: 1000 }
    function Probe({ url }: { url: string }) {
      const { status, lastMessage } = useWebSocket(url, options)
      return <p data-testid="state">{`${status}:${String(lastMessage)}`}</p>
    }
    const view = render(<Probe url={URL_A} />)
    const socketA = lastSocket()
    step(() => socketA.open())
    step(() => socketA.receive('from a'))
    expect(screen.getByTestId('state').textContent).toBe('open:from a')

    view.rerender(<Probe url={URL_B} />)
    // The first render under the new URL already shows nothing of the old one.
    expect(screen.getByTestId('state').textContent).toBe('connecting:null')
    const socketB = lastSocket()
    expect(socketB.url).toBe(URL_B)

    step(() => socketA.receive('late from a'))
    step(() => socketB.open())
    expect(screen.getByTestId('state').textContent).toBe('open:null')
    step(() => socketB.receive('from b'))
    expect(screen.getByTestId('state').textContent).toBe('open:from b')

    step(() => clock.advance(1000))
    expect(socketA.closeCalls).toHaveLength(1)
    expect(socketB.closeCalls).toHaveLength(0)
  })
})
