import { render } from '@testing-library/react'
import { useState } from 'react'
import { describe, expect, test } from 'vitest'
import { findConnection } from '../../src/core/index'
import { useWebSocket } from '../../src/react/index'
import { expectConsole } from '../support/console-clean'
import { FakeClock } from '../support/fake-clock'
import { FakeNetwork } from '../support/fake-network'
import { fakeConnection, fakeOptions, lastSocket, step } from './helpers'

// The options of a URL's shared connection are the merge of what its mounted hooks ask for
// (src/core/option-merge.ts): a hook that passes none never lowers another's, and a hook's
// wishes leave with it, without disturbing the open socket.

const URL = 'ws://lifeline.test/merge'
const PING = '{"type":"ping"}'

function setup() {
  const base = fakeOptions(new FakeClock(), new FakeNetwork())
  const clock = base.clock as FakeClock
  function Plain() {
    useWebSocket(URL, base)
    return null
  }
  function Beating({ interval }: { interval: number }) {
    useWebSocket(URL, { ...base, heartbeat: { interval } })
    return null
  }
  return { clock, Plain, Beating }
}

describe('options of a shared connection', () => {
  test('a heartbeat asked for by a later hook runs; its interval follows re-renders; it stops when the hook leaves', () => {
    const { clock, Plain, Beating } = setup()
    let show: (on: boolean) => void = () => {}
    let setInterval: (ms: number) => void = () => {}
    function App() {
      const [on, setOn] = useState(true)
      const [interval, setMs] = useState(1000)
      show = setOn
      setInterval = setMs
      return (
        <>
          <Plain />
          {on && <Beating interval={interval} />}
        </>
      )
    }
    render(<App />)
    step(() => lastSocket().open())
    const socket = lastSocket()
    step(() => clock.advance(1000))
    expect(socket.sent).toEqual([PING])
    step(() => socket.receive('{"type":"pong"}'))

    // A new interval applies when the next ping is scheduled, not to the one already waiting.
    step(() => setInterval(5000))
    expect(findConnection(URL)?.options.heartbeat?.interval).toBe(5000)
    step(() => clock.advance(1000))
    expect(socket.sent).toEqual([PING, PING])
    step(() => socket.receive('{"type":"pong"}'))
    step(() => clock.advance(4999))
    expect(socket.sent).toHaveLength(2)
    step(() => clock.advance(1))
    expect(socket.sent).toHaveLength(3)
    step(() => socket.receive('{"type":"pong"}'))

    // The hook that asked for the heartbeat leaves: the socket stays, the pings stop.
    step(() => show(false))
    expect(findConnection(URL)?.options.heartbeat).toBeNull()
    step(() => clock.advance(60000))
    expect(socket.sent).toHaveLength(3)
    expect(lastSocket()).toBe(socket)
    expect(findConnection(URL)?.getState().status).toBe('open')
  })

  test('the heartbeat of a hook that mounts after the socket opened starts one interval later', () => {
    const { clock, Plain, Beating } = setup()
    let show: () => void = () => {}
    function App() {
      const [on, setOn] = useState(false)
      show = () => setOn(true)
      return (
        <>
          <Plain />
          {on && <Beating interval={2000} />}
        </>
      )
    }
    render(<App />)
    step(() => lastSocket().open())
    step(() => clock.advance(10000))
    step(() => show())
    step(() => clock.advance(1999))
    expect(lastSocket().sent).toEqual([])
    step(() => clock.advance(1))
    expect(lastSocket().sent).toEqual([PING])
  })

  test('connection options beside a Connection warn in development', () => {
    const { connection } = fakeConnection()
    function Probe() {
      useWebSocket(connection, { heartbeat: true, share: 'origin' } as never)
      return null
    }
    expectConsole('warn', /connection options \(heartbeat, share\) were passed beside a Connection target/)
    render(<Probe />)
    expect(connection.options.heartbeat).toBeNull()
  })
})
