import { act, render, screen, waitFor } from '@testing-library/react'
import { StrictMode, Suspense } from 'react'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { z } from 'zod'
import {
  createConnection,
  findConnection,
  getConnection,
  type LifelineConnection,
  lifelineTopics,
} from '../../src/core/index'
import type { Connection, ConnectionOptions, TopicState } from '../../src/core/types'
import { useMessages, useTopic, useWebSocket } from '../../src/react/index'
import { FakeClock } from '../support/fake-clock'
import { startTopicServer, type TopicServer } from '../support/topic-server'
import { waitFor as waitForEvent } from '../support/wait'
import { renderOnServer } from './helpers'

// useTopic and useMessages({ topic }) in jsdom (its own WebSocket) against a real `ws` server
// on 127.0.0.1 that speaks the lifeline topic protocol (test/support/topic-server.ts).

let server: TopicServer
let path = 0
let url = ''

beforeAll(async () => {
  server = await startTopicServer({ historySize: 1000 })
})
afterAll(() => server.close())
beforeEach(() => {
  // A fresh path per test keeps the shared connections of earlier tests apart.
  path += 1
  url = `${server.url}topics-${path}`
})

const TOPICS: ConnectionOptions = { topics: lifelineTopics(), lingerMs: 0 }
const FAST_RETRY: ConnectionOptions = { ...TOPICS, retry: { initialDelay: 10, maxDelay: 20 } }

/** The client frames of one topic the server received, by type. */
function framesOf(topic: string, type: 'subscribe' | 'unsubscribe') {
  return server.received
    .map((text) => JSON.parse(text) as { type: string; topic: string; from?: { offset: number } })
    .filter((frame) => frame.type === type && frame.topic === topic)
}

const whenReceived = (check: () => boolean, description: string) =>
  waitForEvent(server.onReceive, check, { description })

/** A frame the server records and answers with an error: once it is in, everything sent before it is too. */
async function fence(connection: Connection) {
  const marker = `fence-${Math.random()}`
  connection.send(JSON.stringify({ type: 'fence', marker }))
  await whenReceived(() => server.received.some((text) => text.includes(marker)), 'the fence')
}

function uniqueTopic(name: string) {
  return `${name}-${path}`
}

describe('useTopic against a real server', () => {
  test('components that each write { topics: lifelineTopics() } inline agree (no differing-option report)', async () => {
    const room = uniqueTopic('inline')
    // console-clean fails this test on any warning, such as error 37 for differing options.
    function Reader({ id }: { id: string }) {
      const { status } = useTopic(url, room, { topics: lifelineTopics(), lingerMs: 0 })
      return <p data-testid={id}>{status}</p>
    }
    render(
      <>
        <Reader id="a" />
        <Reader id="b" />
      </>,
    )
    await waitFor(() => expect(screen.getByTestId('b').textContent).toBe('live'))
    expect(screen.getByTestId('a').textContent).toBe('live')
  })

  test('a hand-written protocol passed with a URL target works without topicProtocol()', async () => {
    const room = uniqueTopic('plain')
    const lifeline = lifelineTopics()
    // Plain functions, not lifelineTopics()' own: nothing on them carries the topic engine.
    const plain = {
      subscribe: (topic: string, from: Parameters<typeof lifeline.subscribe>[1]) =>
        lifeline.subscribe(topic, from),
      unsubscribe: (topic: string) => lifeline.unsubscribe(topic),
      read: (message: Parameters<typeof lifeline.read>[0]) => lifeline.read(message),
    }
    const options = { topics: plain, lingerMs: 0 }
    function Room() {
      const { status, lastMessage } = useTopic<{ text: string }>(url, room, options)
      return <p data-testid="room">{`${status} ${lastMessage?.text ?? '-'}`}</p>
    }
    render(<Room />)
    await waitFor(() => expect(screen.getByTestId('room').textContent).toBe('live -'))
    act(() => {
      server.publish(room, { text: 'hello' })
    })
    await waitFor(() => expect(screen.getByTestId('room').textContent).toBe('live hello'))
  })

  test('StrictMode and two holders send one subscribe; messages reach the topic, live', async () => {
    const ticker = uniqueTopic('ticker')
    function Price({ id }: { id: string }) {
      const { status, lastMessage } = useTopic<{ price: number }>(url, ticker, TOPICS)
      return <p data-testid={id}>{`${status} ${lastMessage?.price ?? '-'}`}</p>
    }
    render(
      <StrictMode>
        <Price id="one" />
        <Price id="two" />
      </StrictMode>,
    )
    await waitFor(() => expect(screen.getByTestId('one').textContent).toBe('live -'))
    act(() => {
      server.publish(ticker, { price: 101 })
    })
    await waitFor(() => expect(screen.getByTestId('two').textContent).toBe('live 101'))
    expect(screen.getByTestId('one').textContent).toBe('live 101')
    await fence(getConnection(url))
    expect(framesOf(ticker, 'subscribe')).toHaveLength(1)
    expect(framesOf(ticker, 'unsubscribe')).toHaveLength(0)
  })

  test('a message on one topic re-renders only the components of that topic', async () => {
    const [a, b] = [uniqueTopic('a'), uniqueTopic('b')]
    const renders = { a: 0, b: 0, status: 0, socket: 0 }
    function Card({ topic, count }: { topic: string; count: 'a' | 'b' }) {
      renders[count] += 1
      const { lastMessage } = useTopic<number>(url, topic, TOPICS)
      return <p data-testid={count}>{String(lastMessage ?? '-')}</p>
    }
    function Status() {
      renders.status += 1
      const { status } = useTopic(url, a, TOPICS)
      return <p data-testid="status">{status}</p>
    }
    function Socket() {
      renders.socket += 1
      const { status } = useWebSocket(url, TOPICS)
      return <p data-testid="socket">{status}</p>
    }
    render(
      <>
        <Card topic={a} count="a" />
        <Card topic={b} count="b" />
        <Status />
        <Socket />
      </>,
    )
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('live'))
    await waitFor(() => expect(getConnection(url).topic(b).getState().status).toBe('live'))
    const before = { ...renders }
    for (let i = 1; i <= 5; i++) {
      act(() => {
        server.publish(a, i)
      })
      await waitFor(() => expect(screen.getByTestId('a').textContent).toBe(String(i)))
    }
    // Five messages on `a`: its card rendered for each; `b`, the status reader and useWebSocket never.
    expect(renders.a - before.a).toBe(5)
    expect(renders.b - before.b).toBe(0)
    expect(renders.status - before.status).toBe(0)
    expect(renders.socket - before.socket).toBe(0)
    expect(screen.getByTestId('b').textContent).toBe('-')
  })

  test('null target or topic holds nothing and opens nothing', () => {
    function Nothing({ target, topic }: { target: string | null; topic: string | null }) {
      const { status, lastMessage, gaps } = useTopic(target, topic, TOPICS)
      return <p data-testid="nothing">{`${status} ${String(lastMessage)} ${gaps}`}</p>
    }
    render(
      <>
        <Nothing target={null} topic="room" />
        <Nothing target={url} topic={null} />
      </>,
    )
    for (const element of screen.getAllByTestId('nothing'))
      expect(element.textContent).toBe('idle undefined 0')
    expect(findConnection(url)).toBeUndefined()
  })

  test('a topic change subscribes the new one, drops the old one after its linger and starts empty', async () => {
    const clock = new FakeClock()
    const connection = createConnection(url, { topics: lifelineTopics(), lingerMs: 500, clock })
    const keep = connection.retain()
    const [red, blue] = [uniqueTopic('red'), uniqueTopic('blue')]
    function Room({ topic }: { topic: string }) {
      const { status, lastMessage } = useTopic<string>(connection, topic)
      return <p data-testid="room">{`${topic.split('-')[0]} ${status} ${lastMessage ?? '-'}`}</p>
    }
    const view = render(<Room topic={red} />)
    await waitFor(() => expect(screen.getByTestId('room').textContent).toBe('red live -'))
    act(() => {
      server.publish(red, 'hello red')
    })
    await waitFor(() => expect(screen.getByTestId('room').textContent).toBe('red live hello red'))

    view.rerender(<Room topic={blue} />)
    // Never the old topic's message under the new name.
    expect(screen.getByTestId('room').textContent).not.toContain('hello red')
    await waitFor(() => expect(screen.getByTestId('room').textContent).toBe('blue live -'))
    await fence(connection)
    expect(framesOf(red, 'unsubscribe')).toHaveLength(0)
    // The old topic lingers, then goes.
    act(() => clock.advance(500))
    await whenReceived(() => framesOf(red, 'unsubscribe').length === 1, 'the unsubscribe of red')
    act(() => {
      server.publish(blue, 'hello blue')
    })
    await waitFor(() => expect(screen.getByTestId('room').textContent).toBe('blue live hello blue'))
    view.unmount()
    keep()
    connection.destroy()
  })

  test('unmount lingers, then unsubscribes; a remount within the linger sends nothing', async () => {
    const clock = new FakeClock()
    const connection = createConnection(url, { topics: lifelineTopics(), lingerMs: 1000, clock })
    const keep = connection.retain()
    const room = uniqueTopic('room')
    function Room() {
      const { status } = useTopic(connection, room)
      return <p data-testid="room">{status}</p>
    }
    const first = render(<Room />)
    await waitFor(() => expect(screen.getByTestId('room').textContent).toBe('live'))
    first.unmount()
    act(() => clock.advance(999))
    const second = render(<Room />)
    expect(screen.getByTestId('room').textContent).toBe('live')
    act(() => clock.advance(5000))
    await fence(connection)
    expect(framesOf(room, 'subscribe')).toHaveLength(1)
    expect(framesOf(room, 'unsubscribe')).toHaveLength(0)

    second.unmount()
    await fence(connection)
    expect(framesOf(room, 'unsubscribe')).toHaveLength(0)
    act(() => clock.advance(1000))
    await whenReceived(() => framesOf(room, 'unsubscribe').length === 1, 'the unsubscribe')
    expect(connection.topic(room).getState().status).toBe('idle')
    keep()
    connection.destroy()
  })

  test('a gap is shown and onGap fires once when the outage outlasted the history', async () => {
    const small = await startTopicServer({ historySize: 3 })
    try {
      const news = 'news'
      const gaps: TopicState[] = []
      function Notice() {
        const {
          gaps: count,
          recovered,
          lastMessage,
        } = useTopic<number>(`${small.url}gap`, news, {
          ...FAST_RETRY,
          onGap: (state) => gaps.push(state),
        })
        return (
          <p data-testid="notice">
            {count > 0 ? `missed messages (${count}, recovered ${String(recovered)})` : 'all here'}{' '}
            {lastMessage ?? '-'}
          </p>
        )
      }
      render(<Notice />)
      const connection = getConnection(`${small.url}gap`)
      await waitForEvent(
        connection.topic(news).subscribe,
        () => connection.topic(news).getState().status === 'live',
      )
      act(() => {
        small.publish(news, 1)
      })
      await waitFor(() => expect(screen.getByTestId('notice').textContent).toBe('all here 1'))
      small.dropAll()
      await waitForEvent(connection.subscribe, () => connection.getState().status !== 'open')
      for (let i = 2; i <= 10; i++) small.publish(news, i)
      await waitFor(() =>
        expect(screen.getByTestId('notice').textContent).toBe('missed messages (1, recovered false) 1'),
      )
      expect(gaps).toHaveLength(1)
      expect(gaps[0]).toMatchObject({ gaps: 1, recovered: false })
      act(() => {
        small.publish(news, 11)
      })
      await waitFor(() => expect(screen.getByTestId('notice').textContent).toContain(' 11'))
    } finally {
      await small.close()
    }
  })

  test('schema: a message that does not fit goes to onError and the stats, never to lastMessage', async () => {
    const quotes = uniqueTopic('quotes')
    const errors: Error[] = []
    const seen: number[] = []
    const Quote = z.object({ price: z.number() })
    function Card() {
      const { lastMessage } = useTopic(url, quotes, {
        ...TOPICS,
        schema: Quote,
        onError: (error) => errors.push(error),
        onMessage: (data) => seen.push(data.price),
      })
      return <p data-testid="quote">{lastMessage ? lastMessage.price.toFixed(2) : '-'}</p>
    }
    render(
      <>
        <Card />
        <Card />
      </>,
    )
    const connection = getConnection(url)
    await waitForEvent(
      connection.topic(quotes).subscribe,
      () => connection.topic(quotes).getState().status === 'live',
    )
    act(() => {
      server.publish(quotes, { price: 1 })
      server.publish(quotes, { price: 'free' })
    })
    await waitFor(() => expect(errors).toHaveLength(2))
    for (const element of screen.getAllByTestId('quote')) expect(element.textContent).toBe('1.00')
    expect(seen).toEqual([1, 1])
    expect(errors[0]?.message).toMatch(/price/)
    // Two hooks rejected it; the connection counts the message once.
    expect(connection.getStats().messagesInvalid).toBe(1)
  })

  test('a connection without the topics option gives an error state that says what to pass', async () => {
    const errors: Error[] = []
    function Card() {
      const { status, error } = useTopic(url, 'prices', { lingerMs: 0, onError: (e) => errors.push(e) })
      return <p data-testid="card">{`${status}: ${error?.message ?? ''}`}</p>
    }
    render(<Card />)
    await waitFor(() => expect(screen.getByTestId('card').textContent).toMatch(/^error: .*topics option/))
    expect(errors).toHaveLength(1)
  })
})

describe('options', () => {
  test('hooks that pass only their own options leave the shared connection to the one that configures it', async () => {
    const prices = uniqueTopic('prices')
    function Watchers() {
      useMessages(url, (n: number) => n + 1, 0, { filter: () => true })
      useTopic(url, prices, { onMessage: () => {}, onGap: () => {} })
      return null
    }
    function Owner() {
      const { status } = useTopic(url, prices, { ...TOPICS, lingerMs: 1234 })
      return <p data-testid="owner">{status}</p>
    }
    // The watchers mount first; the owner's options still configure the connection.
    render(
      <>
        <Watchers />
        <Owner />
      </>,
    )
    await waitFor(() => expect(screen.getByTestId('owner').textContent).toBe('live'))
    expect((getConnection(url) as LifelineConnection).options.lingerMs).toBe(1234)
  })
})

describe('useMessages with a topic', () => {
  test('sees every message of its topic once, in order: bursts React batches and the replay after a drop', async () => {
    const chat = uniqueTopic('chat')
    const other = uniqueTopic('other')
    let rendersOfLog = 0
    function Log() {
      rendersOfLog += 1
      const lines = useMessages<number[], number>(
        url,
        (all, message) => [...all, message.json as number],
        [],
        {
          ...FAST_RETRY,
          topic: chat,
        },
      )
      return <p data-testid="log">{`${lines.length}:${lines.join(',')}`}</p>
    }
    function Other() {
      useTopic(url, other, FAST_RETRY)
      return null
    }
    render(
      <StrictMode>
        <Log />
        <Other />
      </StrictMode>,
    )
    const connection = getConnection(url)
    const topic = connection.topic(chat)
    await waitForEvent(topic.subscribe, () => topic.getState().status === 'live')
    await waitForEvent(
      connection.topic(other).subscribe,
      () => connection.topic(other).getState().status === 'live',
    )
    const rendersBefore = rendersOfLog
    // A burst in one task: React batches it into far fewer renders, the reducer still sees each.
    act(() => {
      for (let i = 1; i <= 50; i++) {
        server.publish(chat, i)
        server.publish(other, -i)
      }
    })
    const expected = (n: number) => `${n}:${Array.from({ length: n }, (_, i) => i + 1).join(',')}`
    await waitFor(() => expect(screen.getByTestId('log').textContent).toBe(expected(50)))
    expect(rendersOfLog - rendersBefore).toBeLessThan(50)

    // Published while the socket is down: the resubscribe from offset 50 replays them.
    server.dropAll()
    await waitForEvent(connection.subscribe, () => connection.getState().status !== 'open')
    for (let i = 51; i <= 60; i++) server.publish(chat, i)
    await waitFor(() => expect(screen.getByTestId('log').textContent).toBe(expected(60)))
    expect(framesOf(chat, 'subscribe').at(-1)?.from?.offset).toBe(50)
    act(() => {
      server.publish(chat, 61)
    })
    await waitFor(() => expect(screen.getByTestId('log').textContent).toBe(expected(61)))
  })

  test('topic null reduces nothing and opens nothing', () => {
    function Log() {
      const count = useMessages(url, (n: number) => n + 1, 0, { ...TOPICS, topic: null })
      return <p data-testid="log">{count}</p>
    }
    render(<Log />)
    expect(screen.getByTestId('log').textContent).toBe('0')
    expect(findConnection(url)).toBeUndefined()
  })
})

describe('useTopic on a server', () => {
  test('renders idle and registers nothing', () => {
    function Card() {
      const { status, lastMessage, gaps, position } = useTopic(url, 'prices', TOPICS)
      const count = useMessages(url, (n: number) => n + 1, 0, { ...TOPICS, topic: 'prices' })
      return <p>{`${status} ${String(lastMessage)} ${gaps} ${String(position)} ${count}`}</p>
    }
    expect(renderOnServer(<Card />)).toContain('idle undefined 0 null 0')
    expect(findConnection(url)).toBeUndefined()
  })
})

describe('renders register nothing', () => {
  test('a suspended tree that never commits creates no connection and subscribes nothing', () => {
    const never = new Promise<never>(() => {})
    function Suspends(): never {
      throw never
    }
    function Card() {
      useTopic(url, 'prices', TOPICS)
      useMessages(url, (n: number) => n + 1, 0, { ...TOPICS, topic: 'prices' })
      return null
    }
    const received = server.received.length
    render(
      <Suspense fallback={<p>loading</p>}>
        <Card />
        <Suspends />
      </Suspense>,
    )
    expect(screen.getByText('loading')).toBeTruthy()
    expect(findConnection(url)).toBeUndefined()
    expect(server.received.length).toBe(received)
  })
})
