import { act, render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import * as v from 'valibot'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import type { Connection } from '../../src/core/types'
import { type MessageOf, type UseMessagesOptions, useMessages, useWebSocket } from '../../src/react/index'
import { FakeClock } from '../support/fake-clock'
import { startTestServer, type TestServer } from '../support/ws-server'
import { createRenderCounter, fakeConnection, fakeOptions, lastSocket, renderOnServer, step } from './helpers'

function appendData(list: unknown[], message: MessageOf<unknown>): unknown[] {
  return [...list, message.data]
}

/** An open fake connection, retained as a hook would. */
function openConnection() {
  const fake = fakeConnection()
  const release = fake.connection.retain()
  lastSocket().open()
  return { ...fake, release }
}

function List<T>({
  target,
  reducer = appendData as never,
  options,
  counter,
  initial = [],
}: {
  initial?: unknown
  target: Connection | string | null
  reducer?: (state: unknown[], message: MessageOf<T>) => unknown[]
  options?: UseMessagesOptions<T>
  counter?: { hit(): void }
}) {
  counter?.hit()
  const items = useMessages(target, reducer, initial as unknown[], options)
  return <output data-testid="items">{JSON.stringify(items)}</output>
}

/** Counts messages `{"n": k}` and checks they come as 0, 1, 2, ... (linear, unlike copying a list). */
function countInOrder(state: { count: number; inOrder: boolean }, message: MessageOf<unknown>) {
  const n = (message.json as { n?: number } | undefined)?.n
  return { count: state.count + 1, inOrder: state.inOrder && n === state.count }
}

const items = () => JSON.parse(screen.getByTestId('items').textContent ?? 'null')

afterEach(() => vi.restoreAllMocks())

describe('useMessages', () => {
  test('reduces every message in order, even a burst React renders once', () => {
    const { connection } = openConnection()
    const counter = createRenderCounter()
    render(
      <List
        target={connection}
        reducer={countInOrder as never}
        initial={{ count: 0, inOrder: true }}
        counter={counter}
      />,
    )
    expect(counter.count).toBe(1)
    step(() => {
      for (let n = 0; n < 20_000; n++) lastSocket().receive(`{"n":${n}}`)
    })
    expect(items()).toEqual({ count: 20_000, inOrder: true })
    expect(counter.count).toBe(2)
  })

  test('json is the parsed JSON, undefined when the data is not JSON', () => {
    const { connection } = openConnection()
    const reducer = (list: unknown[], message: MessageOf<unknown>) => [
      ...list,
      message.json === undefined ? 'undefined' : message.json,
    ]
    render(<List target={connection} reducer={reducer} />)
    step(() => {
      for (const data of ['{"a":1}', 'null', 'plain text', '7']) lastSocket().receive(data)
    })
    expect(items()).toEqual([{ a: 1 }, null, 'undefined', 7])
  })

  test('filter picks the messages the reducer sees', () => {
    const { connection } = openConnection()
    render(<List target={connection} options={{ filter: (data) => String(data).startsWith('keep') }} />)
    step(() => {
      for (const data of ['keep 1', 'drop', 'keep 2']) lastSocket().receive(data)
    })
    expect(items()).toEqual(['keep 1', 'keep 2'])
  })

  test("filter gets the same arguments as useWebSocket's, and both say undefined for not JSON", () => {
    const { connection } = openConnection()
    const fromMessages: [unknown, unknown][] = []
    const fromWebSocket: [unknown, unknown][] = []
    function Both() {
      useMessages(connection, (list: unknown[]) => list, [], {
        filter: (data, message) => {
          fromMessages.push([data, message.json])
          return true
        },
      })
      useWebSocket(connection, {
        filter: (data, message) => {
          fromWebSocket.push([data, message.json])
          return true
        },
      })
      return null
    }
    render(<Both />)
    step(() => {
      for (const data of ['{"a":1}', 'null', 'plain text']) lastSocket().receive(data)
    })
    const expected = [
      ['{"a":1}', { a: 1 }],
      ['null', null],
      ['plain text', undefined],
    ]
    expect(fromMessages).toEqual(expected)
    expect(fromWebSocket).toEqual(expected)
  })

  test.each([
    ['zod', z.object({ text: z.string() })],
    ['valibot', v.object({ text: v.string() })],
  ])('a %s schema types json; invalid messages are counted and reported, not reduced', (_name, schema) => {
    const { connection } = openConnection()
    const onError = vi.fn()
    const reducer = (list: unknown[], message: MessageOf<{ text: string }>) => [...list, message.json!.text]
    render(<List target={connection} reducer={reducer} options={{ schema, onError }} />)
    step(() => {
      for (const data of ['{"text":"one"}', '{"text":2}', 'not json', '{"text":"two"}']) {
        lastSocket().receive(data)
      }
    })
    expect(items()).toEqual(['one', 'two'])
    expect(onError).toHaveBeenCalledTimes(2)
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(Error)
    expect(onError.mock.calls[0]![0].message).toMatch(/failed its schema/)
    expect(connection.getStats().messagesInvalid).toBe(2)
  })

  test('a reducer that throws is reported; the state stays and later messages still arrive', () => {
    const { connection } = openConnection()
    const reported = vi.fn()
    vi.stubGlobal('reportError', reported)
    const reducer = (list: unknown[], message: MessageOf<unknown>) => {
      if (message.data === 'bad') throw new Error('reducer broke')
      return [...list, message.data]
    }
    render(<List target={connection} reducer={reducer} />)
    step(() => {
      for (const data of ['a', 'bad', 'b']) lastSocket().receive(data)
    })
    expect(items()).toEqual(['a', 'b'])
    expect(reported).toHaveBeenCalledTimes(1)
    expect(reported.mock.calls[0]![0].message).toBe('reducer broke')
    vi.unstubAllGlobals()
  })

  test('the latest reducer is used, and a new target starts again from initial', () => {
    const first = openConnection()
    const view = render(<List target={first.connection} />)
    step(() => lastSocket().receive('from first'))
    expect(items()).toEqual(['from first'])
    const upper = (list: unknown[], message: MessageOf<unknown>) => [
      ...list,
      String(message.data).toUpperCase(),
    ]
    view.rerender(<List target={first.connection} reducer={upper} />)
    step(() => lastSocket().receive('again'))
    expect(items()).toEqual(['from first', 'AGAIN'])

    const second = openConnection()
    view.rerender(<List target={second.connection} />)
    expect(items()).toEqual([])
    step(() => lastSocket().receive('from second'))
    expect(items()).toEqual(['from second'])
  })

  test('nothing after unmount; null has no messages; the server sees the initial state', () => {
    const { connection } = openConnection()
    const reducer = vi.fn(appendData)
    const view = render(<List target={connection} reducer={reducer} />)
    view.unmount()
    step(() => lastSocket().receive('late'))
    expect(reducer).not.toHaveBeenCalled()
    render(<List target={null} />)
    expect(items()).toEqual([])
    expect(renderOnServer(<List target="ws://lifeline.test/ssr" />)).toContain('[]')
  })

  test('a URL follows the shared connection when it lingers out and a new one starts', () => {
    const clock = new FakeClock()
    const url = 'ws://lifeline.test/follow'
    function Shared({ enabled }: { enabled: boolean }) {
      useWebSocket(url, { ...fakeOptions(clock), lingerMs: 0, enabled })
      const list = useMessages(url, appendData, [] as unknown[])
      return <output data-testid="items">{JSON.stringify(list)}</output>
    }
    const view = render(<Shared enabled />)
    step(() => lastSocket().open())
    step(() => lastSocket().receive('first socket'))
    view.rerender(<Shared enabled={false} />)
    step(() => clock.advance(1))
    view.rerender(<Shared enabled />)
    step(() => lastSocket().open())
    step(() => lastSocket().receive('second socket'))
    expect(items()).toEqual(['first socket', 'second socket'])
  })

  test('StrictMode reduces each message once', () => {
    const { connection } = openConnection()
    const reducer = vi.fn(appendData)
    render(
      <StrictMode>
        <List target={connection} reducer={reducer} />
      </StrictMode>,
    )
    step(() => lastSocket().receive('once'))
    expect(reducer).toHaveBeenCalledTimes(1)
    expect(items()).toEqual(['once'])
  })
})

describe('useMessages against a real ws server', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  function Feed({ url, counter }: { url: string; counter: { hit(): void } }) {
    counter.hit()
    const { status } = useWebSocket(url, { lingerMs: 0 })
    const { count, inOrder } = useMessages(url, countInOrder, { count: 0, inOrder: true })
    return (
      <p data-testid="feed">
        {status} {count} {inOrder ? 'in order' : 'out of order'}
      </p>
    )
  }

  test('a burst of 20,000 messages ends with all 20,000 in the state', async () => {
    const url = server.urlFor('/burst')
    const counter = createRenderCounter()
    render(<Feed url={url} counter={counter} />)
    await waitFor(() => expect(screen.getByTestId('feed').textContent).toBe('open 0 in order'))
    const client = await server.waitForConnection()
    const rendersBefore = counter.count
    await act(async () => {
      for (let n = 0; n < 20_000; n++) client.send(`{"n":${n}}`)
    })
    await waitFor(() => expect(screen.getByTestId('feed').textContent).toBe('open 20000 in order'), {
      timeout: 15_000,
    })
    const renders = counter.count - rendersBefore
    console.info(
      `useMessages burst (React ${process.env.LIFELINE_EXPECT_REACT}): 20000 in state, ${renders} renders`,
    )
    expect(renders).toBeLessThan(20_000)
  }, 30_000)
})
