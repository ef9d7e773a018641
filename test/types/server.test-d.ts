import type { IncomingMessage } from 'node:http'
import { createClient } from 'redis'
import { describe, expectTypeOf, it } from 'vitest'
import type { WebSocket } from 'ws'
import {
  createLifelineServer,
  type LifelineServer,
  memoryStore,
  redisStore,
  type TopicPosition,
  type TopicStore,
} from '../../src/server/index'

describe('react-lifeline/server', () => {
  it('types the server as docs/server.md writes it', () => {
    const server = createLifelineServer({
      port: 8080,
      store: memoryStore({ historySize: 100, historyMs: 60_000 }),
      authorize: async (request, topic) => {
        expectTypeOf(request).toEqualTypeOf<IncomingMessage>()
        expectTypeOf(topic).toBeString()
        return true
      },
      onMessage: (socket, frame) => {
        expectTypeOf(socket).toEqualTypeOf<WebSocket>()
        expectTypeOf(frame.text).toEqualTypeOf<string | null>()
      },
    })
    expectTypeOf(server).toEqualTypeOf<LifelineServer>()
    expectTypeOf(server.publish('t', { any: 'json' })).toEqualTypeOf<Promise<TopicPosition>>()
    expectTypeOf(server.drain({ windowMs: 20_000 })).toEqualTypeOf<Promise<void>>()
    expectTypeOf(server.clients).toBeNumber()
  })

  it('takes a node-redis client as it comes from createClient()', () => {
    const client = createClient({ url: 'redis://127.0.0.1:6379' })
    expectTypeOf(redisStore(client, { maxLen: 1000 })).toEqualTypeOf<TopicStore>()
    // authorize must answer a boolean, sync or async
    // @ts-expect-error a string is not an answer
    createLifelineServer({ authorize: () => 'yes' })
  })
})
