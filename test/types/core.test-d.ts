import { describe, expectTypeOf, it } from 'vitest'
import {
  type CloseInfo,
  type Connection,
  type ConnectionStats,
  type ConnectionStatus,
  createConnection,
  createDisconnectReport,
  type Diagnosis,
  describeCloseCode,
  diagnose,
  getConnection,
  type LifelineConnection,
  type SendResult,
} from '../../src/core/index'
import * as fromReactEntry from '../../src/index'

describe('react-lifeline/core', () => {
  it('types the README quick start', () => {
    const live = createConnection('wss://example.com/live', { heartbeat: true })
    expectTypeOf(live).toEqualTypeOf<LifelineConnection>()
    expectTypeOf(live.subscribe(() => live.getState().status)).toEqualTypeOf<() => void>()
    expectTypeOf(live.getState().status).toEqualTypeOf<ConnectionStatus>()
    live.onMessage((data, event) => {
      expectTypeOf(data).toBeUnknown()
      expectTypeOf(event).toEqualTypeOf<MessageEvent>()
    })
    expectTypeOf(live.sendJson({ type: 'hello' })).toEqualTypeOf<SendResult>()
    expectTypeOf(live.getState().lastClose?.info.name).toEqualTypeOf<string | undefined>()
  })

  it('types the diagnosis example', () => {
    const connection = getConnection('wss://example.com/live')
    expectTypeOf(diagnose(connection.getHistory())).toEqualTypeOf<Diagnosis[]>()
    connection.on('close', (close) => {
      expectTypeOf(close).toEqualTypeOf<CloseInfo>()
      createDisconnectReport(connection, close)
    })
    expectTypeOf(connection.getStats()).toEqualTypeOf<Readonly<ConnectionStats>>()
    expectTypeOf(connection.getStats().messagesReceived).toBeNumber()
    expectTypeOf(describeCloseCode(1008).retry).toBeBoolean()
  })

  it('makes a connection from either entry fit the other', () => {
    expectTypeOf(createConnection('ws://h')).toExtend<Connection>()
    expectTypeOf(fromReactEntry.createConnection('ws://h')).toEqualTypeOf<LifelineConnection>()
  })

  it('refuses what the runtime refuses', () => {
    // @ts-expect-error a port is not a URL
    createConnection(8080)
    // @ts-expect-error the close code is a number
    createConnection('ws://h').close('1000')
    // @ts-expect-error no such event
    createConnection('ws://h').on('open', () => {})
  })
})
