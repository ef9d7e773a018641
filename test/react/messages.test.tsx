import { act, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Connection } from '../../src/core/types'
import { useWebSocket } from '../../src/react/index'
import { createRenderCounter, fakeConnection, lastSocket, step } from './helpers'

const MESSAGES = 1000

afterEach(() => {
  vi.restoreAllMocks()
})

function openConnection() {
  const fake = fakeConnection()
  return { ...fake, open: () => step(() => lastSocket().open()) }
}

describe('render tracking', () => {
  test(`per ${MESSAGES} messages: a status reader renders 0 times, a message reader once per message`, () => {
    const { connection, open } = openConnection()
    const statusRenders = createRenderCounter()
    const messageRenders = createRenderCounter()
    function StatusOnly() {
      statusRenders.hit()
      const { status } = useWebSocket(connection)
      return <p data-testid="status">{status}</p>
    }
    function MessageReader() {
      messageRenders.hit()
      const { lastJsonMessage } = useWebSocket<{ n: number }>(connection)
      return <p data-testid="message">{lastJsonMessage?.n ?? '-'}</p>
    }
    render(
      <>
        <StatusOnly />
        <MessageReader />
      </>,
    )
    open()
    // Status: idle (mount), connecting, open. The message reader did not see those changes.
    expect(statusRenders.count).toBe(3)
    expect(messageRenders.count).toBe(1)

    // One act per message: each is its own event, as messages arriving over time are.
    for (let n = 1; n <= MESSAGES; n++) step(() => lastSocket().receive(JSON.stringify({ n })))

    expect(statusRenders.count - 3).toBe(0)
    expect(messageRenders.count - 1).toBe(MESSAGES)
    expect(screen.getByTestId('message').textContent).toBe(String(MESSAGES))
    expect(screen.getByTestId('status').textContent).toBe('open')
  })

  test(`${MESSAGES} messages in one event are batched by React into one render`, () => {
    const { connection, open } = openConnection()
    const messageRenders = createRenderCounter()
    function MessageReader() {
      messageRenders.hit()
      const { lastMessage } = useWebSocket(connection)
      return <p data-testid="message">{String(lastMessage)}</p>
    }
    render(<MessageReader />)
    open()
    const before = messageRenders.count
    step(() => {
      for (let n = 1; n <= MESSAGES; n++) lastSocket().receive(`m${n}`)
    })
    expect(messageRenders.count - before).toBe(1)
    expect(screen.getByTestId('message').textContent).toBe(`m${MESSAGES}`)
  })

  test('JSON is parsed once per message for all components, and not at all when nobody reads it', () => {
    const { connection, open } = openConnection()
    function JsonReader({ id }: { id: string }) {
      const { lastJsonMessage } = useWebSocket<{ n: number }>(connection)
      return <p data-testid={id}>{lastJsonMessage?.n ?? '-'}</p>
    }
    function RawReader() {
      const { lastMessage } = useWebSocket(connection)
      return <p>{String(lastMessage)}</p>
    }
    const view = render(
      <>
        <JsonReader id="a" />
        <JsonReader id="b" />
        <JsonReader id="c" />
      </>,
    )
    open()
    const parse = vi.spyOn(JSON, 'parse')
    for (let n = 1; n <= MESSAGES; n++) step(() => lastSocket().receive(JSON.stringify({ n })))
    expect(parse).toHaveBeenCalledTimes(MESSAGES)
    for (const id of ['a', 'b', 'c']) expect(screen.getByTestId(id).textContent).toBe(String(MESSAGES))

    view.rerender(<RawReader />)
    parse.mockClear()
    for (let n = 1; n <= 10; n++) step(() => lastSocket().receive(JSON.stringify({ n })))
    expect(parse).not.toHaveBeenCalled()
  })

  test('a message that is not JSON gives null there, and the raw data in lastMessage', () => {
    const { connection, open } = openConnection()
    let seen: { raw: unknown; json: unknown } = { raw: undefined, json: undefined }
    function Probe() {
      const { lastMessage, lastJsonMessage } = useWebSocket(connection)
      seen = { raw: lastMessage, json: lastJsonMessage }
      return null
    }
    render(<Probe />)
    open()
    step(() => lastSocket().receive('not { json'))
    expect(seen).toEqual({ raw: 'not { json', json: null })
    const bytes = new Uint8Array([1, 2, 3]).buffer
    step(() => lastSocket().receive(bytes))
    expect(seen).toEqual({ raw: bytes, json: null })
    step(() => lastSocket().receive('"text"'))
    expect(seen).toEqual({ raw: '"text"', json: 'text' })
  })
})

describe('filter', () => {
  test('only messages that pass update lastMessage, and only they render', () => {
    const { connection, open } = openConnection()
    const renders = createRenderCounter()
    const filter = vi.fn(
      (_data: unknown, message: { json: unknown }) => (message.json as { type?: string })?.type === 'chat',
    )
    function Chat() {
      renders.hit()
      const { lastJsonMessage } = useWebSocket<{ type: string; text: string }>(connection, { filter })
      return <p data-testid="chat">{lastJsonMessage?.text ?? '-'}</p>
    }
    function Everything() {
      const { lastMessage } = useWebSocket(connection)
      return <p data-testid="all">{String(lastMessage)}</p>
    }
    render(
      <>
        <Chat />
        <Everything />
      </>,
    )
    open()
    const before = renders.count
    const parse = vi.spyOn(JSON, 'parse')
    for (let n = 1; n <= 100; n++) {
      const type = n % 4 === 0 ? 'chat' : 'presence'
      step(() => lastSocket().receive(JSON.stringify({ type, text: `${type} ${n}` })))
    }
    expect(renders.count - before).toBe(25)
    expect(filter).toHaveBeenCalledTimes(100)
    // The filter reads message.json: the same single parse the hooks use.
    expect(parse).toHaveBeenCalledTimes(100)
    expect(screen.getByTestId('chat').textContent).toBe('chat 100')
    step(() => lastSocket().receive(JSON.stringify({ type: 'presence', text: 'presence 101' })))
    expect(screen.getByTestId('chat').textContent).toBe('chat 100')
    expect(screen.getByTestId('all').textContent).toContain('presence 101')
  })
})

describe('onMessage', () => {
  test('receives every message without rendering', () => {
    const { connection, open } = openConnection()
    const renders = createRenderCounter()
    const received: unknown[] = []
    function Probe() {
      renders.hit()
      useWebSocket(connection, { onMessage: (data) => received.push(data) })
      return null
    }
    render(<Probe />)
    open()
    for (let n = 1; n <= MESSAGES; n++) step(() => lastSocket().receive(`m${n}`))
    expect(received).toHaveLength(MESSAGES)
    expect(received.at(-1)).toBe(`m${MESSAGES}`)
    expect(renders.count).toBe(1)
  })

  test('an inline callback that changes every render neither resubscribes nor drops messages', () => {
    const { connection, open } = openConnection()
    const subscribe = vi.spyOn(connection as Connection, 'onMessage')
    const received: string[] = []
    let rerender: (() => void) | undefined
    function Probe() {
      const [version, setVersion] = useState(0)
      rerender = () => setVersion((v) => v + 1)
      useWebSocket(connection, { onMessage: (data) => received.push(`v${version}:${String(data)}`) })
      return null
    }
    render(<Probe />)
    open()
    for (let n = 1; n <= 50; n++) {
      step(() => lastSocket().receive(`m${n}`))
      act(() => rerender!())
    }
    expect(subscribe).toHaveBeenCalledTimes(1)
    expect(received).toHaveLength(50)
    // Each message reached the callback of the latest render.
    expect(received[0]).toBe('v0:m1')
    expect(received[49]).toBe('v49:m50')
  })

  test('a throwing callback is reported and other hooks still get the message', () => {
    const { connection, open } = openConnection()
    const reported: unknown[] = []
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error))
    function Thrower() {
      useWebSocket(connection, {
        onMessage: () => {
          throw new Error('boom')
        },
      })
      return null
    }
    function Reader() {
      const { lastMessage } = useWebSocket(connection)
      return <p data-testid="message">{String(lastMessage)}</p>
    }
    render(
      <>
        <Thrower />
        <Reader />
      </>,
    )
    open()
    step(() => lastSocket().receive('still here'))
    expect(screen.getByTestId('message').textContent).toBe('still here')
    expect(reported).toHaveLength(1)
    vi.unstubAllGlobals()
  })
})

describe('the per-connection message cache', () => {
  test('a hook mounting beside others starts from the newest message that passes its filter', () => {
    const { connection, open } = openConnection()
    function Reader({ id, filter }: { id: string; filter?: (data: unknown) => boolean }) {
      const { lastMessage } = useWebSocket(connection, { filter })
      return <p data-testid={id}>{String(lastMessage)}</p>
    }
    const view = render(<Reader id="first" />)
    open()
    step(() => lastSocket().receive('price 42'))
    view.rerender(
      <>
        <Reader id="first" />
        <Reader id="late" />
        <Reader id="picky" filter={(data) => String(data).startsWith('news')} />
      </>,
    )
    expect(screen.getByTestId('late').textContent).toBe('price 42')
    expect(screen.getByTestId('picky').textContent).toBe('null')
  })

  test('once every reader has gone, the next one starts empty', () => {
    const { connection, open } = openConnection()
    function Reader() {
      const { lastMessage } = useWebSocket(connection)
      return <p data-testid="message">{String(lastMessage)}</p>
    }
    const view = render(<Reader />)
    open()
    step(() => lastSocket().receive('old'))
    view.rerender(<p />)
    view.rerender(<Reader />)
    expect(screen.getByTestId('message').textContent).toBe('null')
  })
})
