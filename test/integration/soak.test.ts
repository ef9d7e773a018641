import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import type { LifelineConnection } from '../../src/core/connection'
import { getConnection, resetConnections } from '../../src/core/registry'
import type { ConnectionOptions, WebSocketConstructor } from '../../src/core/types'
import { countingClock } from '../support/counting-clock'
import { FakeNetwork, FakeVisibility } from '../support/fake-network'
import { waitFor } from '../support/wait'
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
// On a loaded machine the wall-clock cap can come first; fewer cycles than this fails the test.
const MIN_CYCLES = 200
const HOLDERS_PER_URL = 3
const LINGER_MS = 5

/** The `ws` client, counting the sockets that are not closed yet; `subscribe` hears every close. */
function countingWebSocket() {
  const open = new Set<WebSocket>()
  const changes = new Set<() => void>()
  let created = 0
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols)
      created += 1
      open.add(this)
      // A listener of our own: the connection may set onclose to null when it lets a socket go.
      this.on('close', () => {
        open.delete(this)
        for (const change of [...changes]) change()
      })
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
    subscribe(change: () => void) {
      changes.add(change)
      return () => changes.delete(change)
    },
  }
}

/** Hears a state change of any of `connections`, for waitFor. */
function anyStateChange(connections: Iterable<LifelineConnection>) {
  return (change: () => void) => {
    const stops = [...connections].map((connection) => connection.subscribe(change))
    return () => {
      for (const stop of stops) stop()
    }
  }
}

/** Paces the churn loop so the server and the sockets get a turn; nothing waits on it. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

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
    `runs up to ${TARGET_CYCLES} cycles (at least ${MIN_CYCLES}, or fewer than ${TARGET_CYCLES} only at the ${WALL_CAP_MS / 1000} s cap) with shared connections and leaves nothing behind`,
    async () => {
      const warn = vi.spyOn(console, 'warn')
      const clock = countingClock()
      const network = new FakeNetwork()
      const visibility = new FakeVisibility()
      const sockets = countingWebSocket()
      let tally = 0 // message listeners added minus removed
      let messages = 0
      let serverTimers = 0
      // The last timer may fire for a socket the client already closed, which changes nothing on
      // the server, so the drain wait also listens to the timers themselves.
      const timerListeners = new Set<() => void>()

      // Every accepted socket gets a message or not, then is dropped with no close frame
      // (terminate) within a few milliseconds: a crash loop seen from the client.
      server = await startTestServer({
        onConnection: (client) => {
          if (client.id % 3 === 0) client.send(`hello ${client.id}`)
          serverTimers += 1
          setTimeout(() => {
            serverTimers -= 1
            client.destroy()
            for (const listener of timerListeners) listener()
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
          if (previous) {
            const idle = () => previous.getState().status === 'idle'
            await waitFor(anyStateChange([previous]), idle, { timeoutMs: 1000 }).catch(() => {})
            if (idle()) lingeredOut += 1
          }
          for (const holder of group) acquire(holder)
        }
        const holder = holders[round % holders.length] as Holder
        if (holder.connection) {
          if (round % 7 === 0) holder.connection.sendJson({ round })
          if (round % 11 === 0) holder.connection.reconnect()
          letGo(holder)
          churns += 1
          await pause(round % 5 === 0 ? LINGER_MS * 3 : 0)
          acquire(holder)
        }
        await pause(2)
      }
      const cycles = server.totalConnections
      const duration = Date.now() - started

      // Everyone lets go; every connection lingers out to idle and leaves the registry.
      for (const holder of holders) letGo(holder)
      const drained = (wait: Promise<unknown>) =>
        wait.then(
          () => true,
          () => false,
        )
      const allIdle = await drained(
        waitFor(anyStateChange(seen), () => [...seen].every((c) => c.getState().status === 'idle')),
      )
      const serverDrained = await drained(
        Promise.all([
          server.waitUntil(() => server?.connections === 0),
          waitFor(
            (onChange) => {
              timerListeners.add(onChange)
              return () => timerListeners.delete(onChange)
            },
            () => serverTimers === 0,
          ),
        ]),
      )
      const clientDrained = await drained(waitFor(sockets.subscribe, () => sockets.open === 0))
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

      expect(cycles).toBeGreaterThanOrEqual(MIN_CYCLES)
      // Fewer than the target only because the wall-clock cap came first.
      if (cycles < TARGET_CYCLES) expect(duration).toBeGreaterThanOrEqual(WALL_CAP_MS)
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
