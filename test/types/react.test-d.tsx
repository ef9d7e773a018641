import type { ReactElement } from 'react'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  type CloseInfo,
  type Connection,
  ConnectionBanner,
  type ConnectionStatus,
  createConnection,
  createDisconnectReport,
  diagnose,
  lifelineTopics,
  type SendResult,
  type TopicMessageMeta,
  type TopicResult,
  type TopicState,
  useConnectionState,
  useMessages,
  useTopic,
  useWebSocket,
  type WebSocketResult,
} from '../../src/index'

const URL = 'wss://example.com/chat'

describe('react-lifeline', () => {
  it('types the README quick start', () => {
    function Messages(): ReactElement {
      const { lastJsonMessage, sendJson } = useWebSocket<{ text: string }>(URL, { heartbeat: true })
      expectTypeOf(lastJsonMessage).toEqualTypeOf<{ text: string } | null>()
      expectTypeOf(sendJson).returns.toEqualTypeOf<SendResult>()
      return (
        <p>
          {lastJsonMessage?.text}{' '}
          <button type="button" onClick={() => sendJson({ type: 'like' })}>
            Like
          </button>
        </p>
      )
    }
    function Status(): ReactElement {
      const { status } = useWebSocket(URL)
      expectTypeOf(status).toEqualTypeOf<ConnectionStatus>()
      return <span>{status}</span>
    }
    const app = (
      <>
        <ConnectionBanner target={URL} />
        <ConnectionBanner target={URL} messages={{ offline: 'Keine Verbindung', retry: 'Jetzt verbinden' }} />
        <Status />
        <Messages />
      </>
    )
    expectTypeOf(app).toExtend<ReactElement>()
  })

  it('gives the hook result a connection with on() and getStats()', () => {
    const result = useWebSocket(URL)
    expectTypeOf(result).toEqualTypeOf<WebSocketResult<unknown>>()
    expectTypeOf(result.connection).toEqualTypeOf<Connection | null>()
    const connection = result.connection
    if (connection) {
      connection.on('close', (close) => {
        expectTypeOf(close).toEqualTypeOf<CloseInfo>()
        createDisconnectReport(connection, close)
      })
      expectTypeOf(connection.getStats().messagesReceived).toBeNumber()
      diagnose(connection.getHistory())
    }
  })

  it('takes a URL, a connection or null, and options with callbacks', () => {
    useWebSocket(null)
    useWebSocket(createConnection(URL))
    useWebSocket(URL, {
      enabled: false,
      onMessage: (data) => expectTypeOf(data).toBeUnknown(),
      filter: () => true,
    })
    expectTypeOf(useConnectionState(URL, (state) => state.status)).toEqualTypeOf<ConnectionStatus>()
    expectTypeOf(useConnectionState(URL, (state) => state.attempt > 2)).toBeBoolean()
  })

  it('refuses what the runtime refuses', () => {
    // @ts-expect-error a port is not a target
    useWebSocket(8080)
    // @ts-expect-error the banner needs a target
    void (<ConnectionBanner />)
    // @ts-expect-error options are an object
    useWebSocket(URL, 'heartbeat')
  })

  it('types useTopic: the message type, the schema output, and options by target', () => {
    const prices = useTopic<{ price: number }>(URL, 'prices', { topics: lifelineTopics(), lingerMs: 500 })
    expectTypeOf(prices).toEqualTypeOf<TopicResult<{ price: number }>>()
    expectTypeOf(prices.lastMessage).toEqualTypeOf<{ price: number } | undefined>()
    expectTypeOf(prices).toExtend<TopicState>()
    const Quote = z.object({ price: z.number() })
    const quotes = useTopic(URL, 'quotes', {
      topics: lifelineTopics(),
      schema: Quote,
      onMessage: (data, meta) => {
        expectTypeOf(data).toEqualTypeOf<{ price: number }>()
        expectTypeOf(meta).toEqualTypeOf<TopicMessageMeta>()
      },
      onGap: (state) => expectTypeOf(state).toEqualTypeOf<TopicState>(),
    })
    expectTypeOf(quotes.lastMessage).toEqualTypeOf<{ price: number } | undefined>()
    const live = createConnection(URL, { topics: lifelineTopics() })
    useTopic(live, 'prices', { onGap: () => {} })
    useTopic(live, null)
    useTopic(null, 'prices')
    const fromConnection = useTopic(live, 'quotes', { schema: Quote })
    expectTypeOf(fromConnection.lastMessage).toEqualTypeOf<{ price: number } | undefined>()
    // @ts-expect-error a Connection keeps the options it was created with: connection options beside it are refused
    useTopic(live, 'prices', { topics: lifelineTopics() })
    // @ts-expect-error the topic is a name
    useTopic(URL, 42)
    const lines = useMessages(
      URL,
      (all: string[], message) => [...all, String(message.meta?.position?.offset)],
      [],
      {
        topic: 'chat',
        topics: lifelineTopics(),
      },
    )
    expectTypeOf(lines).toEqualTypeOf<string[]>()
  })
})
