import { describe, expectTypeOf, it } from 'vitest'
import {
  type ConnectionTarget,
  createConnection,
  type StandardSchemaV1,
  type UseWebSocketOptions,
  useConnectionState,
  useMessages,
  useWebSocket,
  type WebSocketHookOptions,
  type WebSocketResult,
} from '../../src/index'

// Which options a hook takes with which target: connection options only beside a URL, where
// they join the shared connection's merged options; beside a Connection, only the hook's own.
const live = createConnection('wss://example.com/live', { heartbeat: true })
const url = 'wss://example.com/live'
declare const either: ConnectionTarget
declare const schema: StandardSchemaV1<unknown, { room: string }>

describe('options beside a target', () => {
  it('takes connection options and hook options beside a URL', () => {
    useWebSocket(url, { heartbeat: true, share: 'origin', onOpen: () => {}, enabled: false })
    useWebSocket(null, { heartbeat: true })
    useConnectionState(url, (state) => state.status, undefined, { heartbeat: true })
  })

  it('takes only the hook options beside a Connection', () => {
    useWebSocket(live, {
      onOpen: () => {},
      enabled: false,
      filter: (_data, message) => message.json !== undefined,
    })
    // @ts-expect-error a Connection keeps the options it was created with
    useWebSocket(live, { heartbeat: true, share: 'origin' })
    // @ts-expect-error not even beside the hook's own options
    useWebSocket(live, { onOpen: () => {}, lingerMs: 0 })
    // @ts-expect-error useConnectionState takes no options beside a Connection
    useConnectionState(live, (state) => state.status, undefined, { heartbeat: true })
  })

  it('rejects connection options held in a variable, not only in a literal', () => {
    const options: UseWebSocketOptions = { heartbeat: true }
    // @ts-expect-error the variable's type allows connection options
    useWebSocket(live, options)
    const own: WebSocketHookOptions = { enabled: true }
    useWebSocket(live, own)
  })

  it('gives useMessages connection options with a URL only (API.md 0.3: a URL target carries topics)', () => {
    const append = (list: unknown[], message: { data: unknown }) => [...list, message.data]
    useMessages(live, append, [], { filter: (_data, message) => message.json !== undefined })
    useMessages(url, append, [], { heartbeat: true })
    // @ts-expect-error a Connection keeps the options it was created with
    useMessages(live, append, [], { heartbeat: true })
  })

  it('treats a target that may be a Connection as one', () => {
    useWebSocket(either, { onClose: () => {} })
    // @ts-expect-error the target may be a Connection
    useWebSocket(either, { heartbeat: true })
  })

  it('keeps the schema overloads for both kinds of target', () => {
    expectTypeOf(useWebSocket(url, { schema, heartbeat: true })).toEqualTypeOf<
      WebSocketResult<{ room: string }>
    >()
    expectTypeOf(useWebSocket(live, { schema })).toEqualTypeOf<WebSocketResult<{ room: string }>>()
    // @ts-expect-error connection options beside a Connection, with a schema too
    useWebSocket(live, { schema, heartbeat: true })
  })

  it('keeps an explicit message type working with a URL and its options', () => {
    expectTypeOf(useWebSocket<{ text: string }>(url, { heartbeat: true }).lastJsonMessage).toEqualTypeOf<{
      text: string
    } | null>()
    expectTypeOf(useWebSocket<{ text: string }>(live).lastJsonMessage).toEqualTypeOf<{
      text: string
    } | null>()
  })
})
