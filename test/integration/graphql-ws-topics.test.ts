import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { useServer } from 'graphql-ws/use/ws'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { graphqlWsHandshake, graphqlWsTopics } from '../../src/core'
import type { Topic, TopicState } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { waitFor, waitForStatus } from '../support/wait'

// graphql is loaded the way graphql-ws loads it (Node's resolution gives its CommonJS build),
// so the schema and the server share one instance of the module.
const { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(import.meta.url)(
  'graphql',
) as typeof import('graphql')

// graphqlWsTopics() against the real graphql-ws server (graphql-ws/use/ws on `ws`): a topic is
// one subscription operation; ids are fresh per subscribe, so a resubscribe after a reconnect
// never collides (the server would close with 4409), and the last release sends `complete`.

/** In-memory publish/subscribe behind the schema's `room(name)` subscription. */
class Rooms {
  readonly listeners = new Map<string, Set<(message: string) => void>>()
  readonly changes = new Set<() => void>()

  publish(room: string, message: string): void {
    for (const listener of this.listeners.get(room) ?? []) listener(message)
  }

  subscribers(room: string): number {
    return this.listeners.get(room)?.size ?? 0
  }

  /**
   * An async iterator written out, so that graphql-ws's `return()` ends it at once even while
   * it waits for the next message (a generator would finish only after that message).
   */
  stream(room: string): AsyncIterableIterator<{ room: string }> {
    const waiting: string[] = []
    let pending: ((result: IteratorResult<{ room: string }>) => void) | null = null
    let done = false
    const set = this.listeners.get(room) ?? new Set()
    this.listeners.set(room, set)
    const listener = (message: string) => {
      if (!pending) return void waiting.push(message)
      const resolve = pending
      pending = null
      resolve({ value: { room: message }, done: false })
    }
    set.add(listener)
    this.#changed()
    const finish = (): Promise<IteratorResult<{ room: string }>> => {
      if (!done) {
        done = true
        set.delete(listener)
        pending?.({ value: undefined, done: true })
        pending = null
        this.#changed()
      }
      return Promise.resolve({ value: undefined, done: true })
    }
    return {
      next: () => {
        if (waiting.length > 0) return Promise.resolve({ value: { room: waiting.shift()! }, done: false })
        if (done) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve) => {
          pending = resolve
        })
      },
      return: finish,
      throw: finish,
      [Symbol.asyncIterator]() {
        return this
      },
    }
  }

  #changed(): void {
    for (const change of [...this.changes]) change()
  }
}

interface GraphqlServer {
  url: string
  rooms: Rooms
  ids: string[]
  closeCodes: number[]
  dropAll(): void
  close(): Promise<void>
}

async function startGraphqlServer(): Promise<GraphqlServer> {
  const rooms = new Rooms()
  const ids: string[] = []
  const closeCodes: number[] = []
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: { hello: { type: GraphQLString, resolve: () => 'hi' } },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        room: {
          type: GraphQLString,
          args: { name: { type: new GraphQLNonNull(GraphQLString) } },
          subscribe: (_root, args: { name: string }) => {
            if (args.name === 'forbidden') throw new Error('You may not read this room.')
            return rooms.stream(args.name)
          },
        },
      },
    }),
  })
  const http: Server = createServer()
  const wss = new WebSocketServer({ server: http })
  wss.on('connection', (socket) => socket.on('close', (code) => closeCodes.push(code)))
  const cleanup = useServer(
    {
      schema,
      onSubscribe: (_ctx, id) => {
        ids.push(id)
      },
    },
    wss,
  )
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
    rooms,
    ids,
    closeCodes,
    dropAll: () => {
      for (const socket of wss.clients) socket.terminate()
    },
    close: async () => {
      for (const socket of wss.clients) socket.terminate()
      await cleanup.dispose()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

const protocol = () =>
  graphqlWsTopics({
    request: (room) => ({
      query: 'subscription ($name: String!) { room(name: $name) }',
      variables: { name: room },
    }),
    data: (payload) => (payload.data as { room: string }).room,
  })

const h = createHarness()
const servers: GraphqlServer[] = []
afterEach(async () => {
  await h.cleanup()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function server() {
  const started = await startGraphqlServer()
  servers.push(started)
  return started
}

const subscribers = (s: GraphqlServer, room: string, n: number) =>
  waitFor(
    (change) => {
      s.rooms.changes.add(change)
      return () => s.rooms.changes.delete(change)
    },
    () => s.rooms.subscribers(room) === n,
    { description: `${n} subscriber(s) of ${room}` },
  )

function collect(topic: Topic<string>) {
  const seen: string[] = []
  topic.onMessage((data) => seen.push(data))
  return seen
}

const messages = (topic: Topic<string>, seen: readonly string[], n: number) =>
  waitFor(
    (change) => topic.onMessage(change),
    () => seen.length >= n,
    { description: `${n} messages` },
  )

describe('graphqlWsTopics() against the graphql-ws server', () => {
  it('subscribes after connection_ack, routes next payloads by id, and completes on the last release', async () => {
    const s = await server()
    const connection = h.connection(s.url, {
      protocols: 'graphql-transport-ws',
      handshake: graphqlWsHandshake({ token: 't' }),
      topics: protocol(),
      lingerMs: 10,
    })
    const keep = connection.retain()
    const lobby = connection.topic<string>('lobby')
    const kitchen = connection.topic<string>('kitchen')
    const releaseLobby = lobby.retain()
    kitchen.retain()
    const seenLobby = collect(lobby)
    const seenKitchen = collect(kitchen)
    await subscribers(s, 'lobby', 1)
    await subscribers(s, 'kitchen', 1)
    expect(lobby.getState()).toMatchObject({ status: 'live', recovered: null, position: null })
    s.rooms.publish('lobby', 'hello lobby')
    s.rooms.publish('kitchen', 'hello kitchen')
    await messages(lobby, seenLobby, 1)
    await messages(kitchen, seenKitchen, 1)
    expect(seenLobby).toEqual(['hello lobby'])
    expect(seenKitchen).toEqual(['hello kitchen'])
    releaseLobby()
    await subscribers(s, 'lobby', 0)
    expect(s.rooms.subscribers('kitchen')).toBe(1)
    expect(connection.getState().status).toBe('open')
    keep()
  })

  it('resubscribes after a reconnect with fresh ids (no 4409) and goes on; at most once across the outage', async () => {
    const s = await server()
    const connection = h.connection(s.url, {
      protocols: 'graphql-transport-ws',
      handshake: graphqlWsHandshake(),
      topics: protocol(),
    })
    const topic = connection.topic<string>('lobby')
    topic.retain()
    const seen = collect(topic)
    await subscribers(s, 'lobby', 1)
    s.rooms.publish('lobby', 'before')
    await messages(topic, seen, 1)
    s.dropAll()
    await waitForStatus(connection, 'reconnecting')
    await subscribers(s, 'lobby', 0)
    s.rooms.publish('lobby', 'while away')
    await waitForStatus(connection, 'open')
    await subscribers(s, 'lobby', 1)
    s.rooms.publish('lobby', 'after')
    await messages(topic, seen, 2)
    expect(seen).toEqual(['before', 'after'])
    expect(new Set(s.ids).size).toBe(s.ids.length)
    expect(s.ids).toHaveLength(2)
    expect(s.closeCodes).not.toContain(4409)
    expect(topic.getState()).toMatchObject({ status: 'live', recovered: null, gaps: 0 })
  })

  it('an operation error puts that topic in error; the socket and other topics go on', async () => {
    const s = await server()
    const connection = h.connection(s.url, {
      protocols: 'graphql-transport-ws',
      handshake: graphqlWsHandshake(),
      topics: protocol(),
    })
    const forbidden = connection.topic<string>('forbidden')
    const lobby = connection.topic<string>('lobby')
    forbidden.retain()
    lobby.retain()
    const seen = collect(lobby)
    const failed = await waitFor(
      forbidden.subscribe,
      () => forbidden.getState().status === 'error' && forbidden.getState(),
      { description: 'the error' },
    )
    expect((failed as TopicState).error?.message).toMatch(/You may not read this room/)
    await subscribers(s, 'lobby', 1)
    s.rooms.publish('lobby', 'still here')
    await messages(lobby, seen, 1)
    expect(connection.getState().status).toBe('open')
  })
})
