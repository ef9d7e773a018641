import { render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { describe, expect, test } from 'vitest'
import { getConnection } from '../../src/core/index'
import type { ConnectionState } from '../../src/core/types'
import { useConnectionState, useWebSocket } from '../../src/react/index'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket } from '../support/fake-websocket'
import { createRenderCounter, fakeConnection, fakeOptions, lastSocket, step } from './helpers'

describe('useConnectionState', () => {
  test('re-renders only when the selected value changes', () => {
    const { connection, clock } = fakeConnection()
    const renders = createRenderCounter()
    function Online() {
      renders.hit()
      const online = useConnectionState(connection, (state) => state.status === 'open')
      return <p data-testid="online">{String(online)}</p>
    }
    function Holder() {
      useWebSocket(connection)
      return null
    }
    render(
      <>
        <Online />
        <Holder />
      </>,
    )
    expect(renders.count).toBe(1)
    expect(connection.getState().status).toBe('connecting')
    step(() => lastSocket().open())
    expect(screen.getByTestId('online').textContent).toBe('true')
    expect(renders.count).toBe(2)

    // Messages, queue changes and the attempt counter do not touch the selected value.
    step(() => lastSocket().receive('hello'))
    step(() => {
      connection.sendJson(1n)
    })
    expect(connection.getState().error).not.toBeNull()
    expect(renders.count).toBe(2)

    step(() => lastSocket().closeFromServer(1006))
    expect(renders.count).toBe(3)
    step(() => clock.advance(1000))
    expect(connection.getState().status).toBe('reconnecting')
    expect(renders.count).toBe(3)
  })

  test('a custom isEqual keeps a derived object from re-rendering', () => {
    const { connection, clock } = fakeConnection()
    const renders = createRenderCounter()
    const select = (state: ConnectionState) => ({
      down: state.status !== 'open',
      code: state.lastClose?.code ?? null,
    })
    const same = (a: ReturnType<typeof select>, b: ReturnType<typeof select>) =>
      a.down === b.down && a.code === b.code
    function Summary() {
      renders.hit()
      const { down, code } = useConnectionState(connection, select, same)
      return <p data-testid="summary">{`${down}:${code}`}</p>
    }
    function Holder() {
      useWebSocket(connection)
      return null
    }
    render(
      <>
        <Summary />
        <Holder />
      </>,
    )
    step(() => lastSocket().open())
    step(() => lastSocket().closeFromServer(1006))
    const after = renders.count
    step(() => clock.advance(1000))
    step(() => lastSocket().closeFromServer(1006))
    expect(screen.getByTestId('summary').textContent).toBe('true:1006')
    expect(renders.count).toBe(after)
  })

  test('in StrictMode, inline selector and isEqual keep an equal slice, and a changed one re-renders', () => {
    const { connection } = fakeConnection()
    const slices: { down: boolean }[] = []
    function Summary({ label }: { label: string }) {
      // New functions every render, as most apps write them.
      const slice = useConnectionState(
        connection,
        (state) => ({ down: state.status !== 'open' }),
        (a, b) => a.down === b.down,
      )
      slices.push(slice)
      return <p data-testid="summary">{`${label}:${slice.down}`}</p>
    }
    function Holder() {
      useWebSocket(connection)
      return null
    }
    const app = (label: string) => (
      <StrictMode>
        <Summary label={label} />
        <Holder />
      </StrictMode>
    )
    const view = render(app('a'))
    step(() => lastSocket().open())
    expect(screen.getByTestId('summary').textContent).toBe('a:false')
    const open = slices.at(-1)

    // The parent's render brings a new selector and isEqual: the equal slice is the same object.
    view.rerender(app('b'))
    expect(screen.getByTestId('summary').textContent).toBe('b:false')
    expect(slices.at(-1)).toBe(open)

    // A new state whose slice is equal (an error while open) renders nothing.
    const renders = slices.length
    step(() => {
      connection.sendJson(1n)
    })
    expect(connection.getState().error).not.toBeNull()
    expect(slices.length).toBe(renders)

    step(() => lastSocket().closeFromServer(1006))
    expect(screen.getByTestId('summary').textContent).toBe('b:true')
    expect(slices.at(-1)).not.toBe(open)
  })

  test('a null target reads as idle', () => {
    function Probe() {
      const status = useConnectionState(null, (state) => state.status)
      return <p data-testid="status">{status}</p>
    }
    render(<Probe />)
    expect(screen.getByTestId('status').textContent).toBe('idle')
  })

  test('observing a URL does not hold the connection open', () => {
    const options = fakeOptions()
    function Probe() {
      const status = useConnectionState(
        'ws://lifeline.test/watch',
        (state) => state.status,
        undefined,
        options,
      )
      return <p data-testid="status">{status}</p>
    }
    render(<Probe />)
    expect(screen.getByTestId('status').textContent).toBe('idle')
    expect(FakeWebSocket.instances).toHaveLength(0)
  })

  test('an observer follows the shared connection after the old one lingered out', () => {
    const url = 'ws://lifeline.test/follow'
    const clock = new FakeClock()
    const options = { ...fakeOptions(clock), lingerMs: 100 }
    // lastOpenAt does not change when a connection lingers out, so only the subscription to
    // the registry's replacement can make this observer re-render.
    function Observer() {
      const openedAt = useConnectionState(url, (state) => state.lastOpenAt, undefined, options)
      return <p data-testid="observed">{String(openedAt)}</p>
    }
    function Holder() {
      useWebSocket(url, options)
      return null
    }
    const view = render(
      <>
        <Observer />
        <Holder />
      </>,
    )
    const first = getConnection(url)
    step(() => lastSocket().open())
    const firstOpen = clock.now()
    expect(screen.getByTestId('observed').textContent).toBe(String(firstOpen))

    view.rerender(<Observer />)
    step(() => clock.advance(100))
    expect(first.getState().status).toBe('idle')
    expect(getConnection(url)).not.toBe(first)

    // A separate root, so nothing re-renders the observer but its own subscription.
    render(<Holder />)
    expect(FakeWebSocket.instances).toHaveLength(2)
    clock.advance(5000)
    step(() => lastSocket().open())
    expect(screen.getByTestId('observed').textContent).toBe(String(firstOpen + 5100))
  })
})
