import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import type { LifelineConnection } from '../../src/core/connection'
import { getConnection, resetConnections } from '../../src/core/registry'
import type { ConnectionOptions, WebSocketConstructor } from '../../src/core/types'
import { countingClock } from '../support/counting-clock'
import { FakeNetwork, FakeVisibility } from '../support/fake-network'
import { startTestServer, type TestServer } from '../support/ws-server'

// Thousands of connect / drop / reconnect cycles against a real `ws` server on 127.0.0.1,
// with several holders sharing each URL through getConnection and letting go and coming back
// all the time. Afterwards nothing may be left: no open server connection, no client socket,
// no timer, no network or visibility listener, no message listener.
//
// `npm test` runs the short version; CI_DEEP=1 (`npm run test:deep`) the long one. Both are
// bounded by a cycle count and a wall-clock cap, whichever comes first.

const DEEP = process.env.CI_DEEP === '1'
const TARGET_CYCLES = DEEP ? 20_000 : 2_000
const WALL_CAP_MS = DEEP ? 240_000 : 30_000
const HOLDERS_PER_URL = 3
const LINGER_MS = 5

/** The `ws` client, counting the sockets that are not closed yet. */
function countingWebSocket() {
  const open = new Set<WebSocket>()
  let created = 0
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols)
      created += 1
      open.add(this)
      // A listener of our own: the connection may set onclose to null when it lets a socket go.
      this.on('close', () => open.delete(this))
    }
  }
  return {
    WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
    get open() {
      return open.size
    },
    get created() {
      return created
    },
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) return false
    await sleep(5)
  }
  return true
}

/** One component's hold on a shared connection: the release and its message subscription. */
interface Holder {
  url: string
  connection: LifelineConnection | null
  release: (() => void) | null
  stopMessages: (() => void) | null
}

let server: TestServer | null = null
afterEach(async () => {
  resetConnections()
  await server?.close()
  server = null
})

describe('soak: connect / drop / reconnect against a real server', () => {
  it(
    `survives ${TARGET_CYCLES} cycles with shared connections and leaves nothing behind`,
    async () => {
      const warn = vi.spyOn(console, 'warn')
      const clock = countingClock()
      const network = new FakeNetwork()
      const visibility = new FakeVisibility()
      const sockets = countingWebSocket()
      let tally = 0 // message listeners added minus removed
      let messages = 0
      let serverTimers = 0

      // Every accepted socket gets a message or not, then is dropped with no close frame
      // (terminate) within a few milliseconds: a crash loop seen from the client.
      server = await startTestServer({
        onConnection: (client) => {
          if (client.id % 3 === 0) client.send(`hello ${client.id}`)
          serverTimers += 1
          setTimeout(() => {
            serverTimers -= 1
            client.destroy()
          }, client.id % 4)
        },
      })
      const urls = [server.urlFor('/a'), server.urlFor('/b')]
      // Options per URL, the same on every call so the registry never warns.
      const optionsFor = (url: string): ConnectionOptions => ({
        WebSocket: sockets.WebSocket,
        clock,
        network,
        visibility,
        lingerMs: LINGER_MS,
        connectTimeout: 2000,
        heartbeat: { interval: 20, timeout: 1000 },
        retry: { initialDelay: url.endsWith('/a') ? 0 : 5, maxDelay: 5 },
      })

      const seen = new Set<LifelineConnection>()
      const holders: Holder[] = urls.flatMap((url) =>
        Array.from({ length: HOLDERS_PER_URL }, () => ({
          url,
          connection: null,
          release: null,
          stopMessages: null,
        })),
      )
      const acquire = (holder: Holder) => {
        const connection = getConnection(holder.url, optionsFor(holder.url))
        seen.add(connection)
        holder.connection = connection
        holder.release = connection.retain()
        tally += 1
        const stop = connection.onMessage(() => {
          messages += 1
        })
        holder.stopMessages = () => {
          tally -= 1
          stop()
        }
      }
      const letGo = (holder: Holder) => {
        holder.stopMessages?.()
        holder.release?.()
        holder.connection = null
        holder.release = null
        holder.stopMessages = null
      }

      for (const holder of holders) acquire(holder)
      const started = Date.now()
      let churns = 0
      let lingeredOut = 0
      let round = 0
      // Holders let go and come back (sometimes after the linger, so the registry makes a new
      // connection), send while up or down, and ask for reconnects, while the server drops everyone.
      while (server.totalConnections < TARGET_CYCLES && Date.now() - started < WALL_CAP_MS) {
        round += 1
        if (round % 50 === 0) {
          // Every holder of one URL lets go past the linger: the shared connection goes idle and
          // leaves the registry, and the next getConnection makes a new one.
          const url = urls[(round / 50) % urls.length] as string
          const group = holders.filter((holder) => holder.url === url)
          const previous = group[0]?.connection
          for (const holder of group) letGo(holder)
          await until(() => previous?.getState().status === 'idle', 1000)
          if (previous?.getState().status === 'idle') lingeredOut += 1
          for (const holder of group) acquire(holder)
        }
        const holder = holders[round % holders.length] as Holder
        if (holder.connection) {
          if (round % 7 === 0) holder.connection.sendJson({ round })
          if (round % 11 === 0) holder.connection.reconnect()
          letGo(holder)
          churns += 1
          await sleep(round % 5 === 0 ? LINGER_MS * 3 : 0)
          acquire(holder)
        }
        await sleep(2)
      }
      const cycles = server.totalConnections
      const duration = Date.now() - started

      // Everyone lets go; every connection lingers out to idle and leaves the registry.
      for (const holder of holders) letGo(holder)
      const allIdle = await until(
        () => [...seen].every((connection) => connection.getState().status === 'idle'),
        5000,
      )
      const serverDrained = await until(() => server?.connections === 0 && serverTimers === 0, 5000)
      const clientDrained = await until(() => sockets.open === 0, 5000)
      const listenerSets = [...seen].map((connection) => Reflect.get(connection, 'messageListeners'))
      const privateListeners = listenerSets.reduce((sum, set) => sum + (set instanceof Set ? set.size : 0), 0)
      const leftovers = {
        serverConnections: server.connections,
        clientSockets: sockets.open,
        timers: clock.pending,
        networkListeners: network.listenerCount,
        visibilityListeners: visibility.listenerCount,
        messageListeners: tally,
        messageListenersInConnections: privateListeners,
        notIdle: [...seen].filter((connection) => connection.getState().status !== 'idle').length,
      }
      console.log(
        `soak${DEEP ? ' (deep)' : ''}: ${cycles} cycles in ${duration} ms ` +
          `(${Math.round((cycles / Math.max(1, duration)) * 1000)}/s); ` +
          `${sockets.created} client sockets, ${seen.size} shared connections, ${churns} let-go/come-back, ` +
          `${lingeredOut} lingered out, ` +
          `${clock.scheduled} timers scheduled, ${messages} messages delivered; leftovers ${JSON.stringify(leftovers)}`,
      )

      expect(cycles).toBeGreaterThanOrEqual(Math.min(TARGET_CYCLES, 200))
      expect(lingeredOut).toBeGreaterThan(0)
      expect(allIdle).toBe(true)
      expect(serverDrained).toBe(true)
      expect(clientDrained).toBe(true)
      expect(leftovers).toEqual({
        serverConnections: 0,
        clientSockets: 0,
        timers: 0,
        networkListeners: 0,
        visibilityListeners: 0,
        messageListeners: 0,
        messageListenersInConnections: 0,
        notIdle: 0,
      })
      // Lingered-out connections left the registry: the next call makes a fresh one.
      for (const url of urls) {
        const fresh = getConnection(url, optionsFor(url))
        expect(seen.has(fresh)).toBe(false)
        fresh.destroy()
      }
      expect(warn).not.toHaveBeenCalled()
      warn.mockRestore()
    },
    WALL_CAP_MS + 30_000,
  )
})
