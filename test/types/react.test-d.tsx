import type { ReactElement } from 'react'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type CloseInfo,
  type Connection,
  ConnectionBanner,
  type ConnectionStatus,
  createConnection,
  createDisconnectReport,
  diagnose,
  type SendResult,
  useConnectionState,
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
})
