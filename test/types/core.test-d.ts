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
  graphqlWsTopics,
  type LifelineConnection,
  lifelineTopics,
  type SendResult,
  type Topic,
  type TopicMessageMeta,
  type TopicProtocol,
  type TopicState,
  topicProtocol,
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

  it('types topics as API.md writes them', () => {
    const live = createConnection('wss://example.com/live', { topics: lifelineTopics() })
    const room = live.topic<{ text: string }>('room:1')
    expectTypeOf(room).toEqualTypeOf<Topic<{ text: string }>>()
    expectTypeOf(room.retain()).toEqualTypeOf<() => void>()
    expectTypeOf(room.getState()).toEqualTypeOf<TopicState>()
    room.onMessage((data, meta) => {
      expectTypeOf(data).toEqualTypeOf<{ text: string }>()
      expectTypeOf(meta).toEqualTypeOf<TopicMessageMeta>()
    })
    expectTypeOf(room.getState().recovered).toEqualTypeOf<boolean | null>()
    const plain: TopicProtocol = {
      subscribe: (topic, from) => ({ type: 'subscribe', topic, after: from?.offset }),
      unsubscribe: () => null,
      read: () => null,
    }
    expectTypeOf(topicProtocol(plain)).toEqualTypeOf<TopicProtocol>()
    createConnection('ws://h', { topics: topicProtocol(plain) })
    expectTypeOf(
      graphqlWsTopics({ request: () => ({ query: 'subscription { a }' }) }),
    ).toEqualTypeOf<TopicProtocol>()
    // @ts-expect-error a topic is named by a string
    live.topic(7)
  })
})
