import { WebSocket } from 'ws'
import { createConnection } from '../../src/core'
import type { Connection, ConnectionOptions, WebSocketConstructor } from '../../src/core/types'
import { maxInWindow, waitForState } from '../../test/support/wait'
import { startTestServer } from '../../test/support/ws-server'

// The figures issue 10 asks for, against real `ws` servers on 127.0.0.1:
// - attempts (or pings, or lost sockets) per second with durations past the timer limit;
// - how 100 clients shed with 1013 Try Again Later come back: the busiest 100 ms window.
// `node bench/hardening/run.mjs [--quick]`; --quick skips the 30 s default-settings herd.

const quick = process.argv.includes('--quick')
const WS = WebSocket as unknown as WebSocketConstructor
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function connect(url: string, options: ConnectionOptions): Connection | string {
  try {
    return createConnection(url, { WebSocket: WS, ...options })
  } catch (error) {
    return `refused at creation: ${(error as Error).message}`
  }
}

async function attemptsPerSecond(label: string, options: ConnectionOptions, seconds = 2) {
  const server = await startTestServer()
  await server.stop() // the port refuses connections from now on
  const connection = connect(server.url, options)
  if (typeof connection === 'string') {
    console.log(`${label}: ${connection}`)
    await server.close()
    return
  }
  connection.connect()
  await sleep(seconds * 1000)
  const { attempts } = connection.getStats()
  const { nextRetryAt } = connection.getState()
  connection.destroy()
  await server.close()
  const waits = nextRetryAt === null ? 'none' : `${Math.round((nextRetryAt - Date.now()) / 86_400_000)} days`
  console.log(
    `${label}: ${(attempts / seconds).toFixed(1)} attempts/s over ${seconds} s; nextRetryAt in ${waits}`,
  )
}

async function pingsPerSecond(label: string, options: ConnectionOptions, seconds = 1) {
  const server = await startTestServer()
  const connection = connect(server.url, options)
  if (typeof connection === 'string') {
    console.log(`${label}: ${connection}`)
    await server.close()
    return
  }
  connection.connect()
  await waitForState(connection, (s) => s.status === 'open')
  const before = server.pings
  await sleep(seconds * 1000)
  console.log(`${label}: ${((server.pings - before) / seconds).toFixed(0)} pings/s`)
  connection.destroy()
  await server.close()
}

async function lingerFigure(label: string, options: ConnectionOptions, seconds = 2) {
  const server = await startTestServer()
  const connection = connect(server.url, options) as Connection
  const release = connection.retain()
  await waitForState(connection, (s) => s.status === 'open')
  const releasedAt = Date.now()
  release()
  await server.waitUntil(() => server.connections === 0, { timeoutMs: seconds * 1000 }).catch(() => null)
  const held = server.connections === 1
  console.log(
    `${label}: ${held ? `socket still open ${seconds} s after release` : `socket closed ${Date.now() - releasedAt} ms after release`}`,
  )
  connection.destroy()
  await server.close()
}

async function connectTimeoutFigure(label: string, options: ConnectionOptions, seconds = 2) {
  const server = await startTestServer()
  const connection = connect(server.url, options) as Connection
  connection.connect()
  await sleep(seconds * 1000)
  const { attempts, opens } = connection.getStats()
  console.log(
    `${label}: ${attempts} attempts, ${opens} opens, status ${connection.getState().status} after ${seconds} s`,
  )
  connection.destroy()
  await server.close()
}

/** 100 clients open on one server, which closes them all with 1013; how do they come back? */
async function herdAfter1013(label: string, retry: ConnectionOptions['retry'], clients = 100) {
  const server = await startTestServer()
  const connections = Array.from({ length: clients }, () =>
    createConnection(server.url, { WebSocket: WS, retry }),
  )
  for (const connection of connections) connection.connect()
  await server.waitForConnections(clients, { timeoutMs: 20_000 })
  await Promise.all(connections.map((connection) => waitForState(connection, (s) => s.status === 'open')))
  // When each client is open again, seen from the client: the server's log would also count
  // any stray handshake.
  const shedAt = Date.now()
  const returns = connections.map((connection) =>
    waitForState(connection, (s) => s.status === 'open' && s.lastOpenAt! > shedAt, { timeoutMs: 120_000 }),
  )
  await server.closeAll(1013, 'overloaded')
  const times = (await Promise.all(returns)).map((state) => state.lastOpenAt!)
  const first = Math.min(...times) - shedAt
  const last = Math.max(...times) - shedAt
  console.log(
    `${label}: ${times.length} open again between ${first} and ${last} ms after the 1013; busiest 100 ms window: ${maxInWindow(times, 100)}`,
  )
  for (const connection of connections) connection.destroy()
  await server.close()
}

console.log('-- durations past the timer limit (2^31 - 1 ms) --')
// Full jitter draws below 2^31, so the overflow shows with 'none' (or 'equal').
await attemptsPerSecond("retry { initialDelay: 2**31, maxDelay: 2**31, jitter: 'none' }, refused port", {
  retry: { initialDelay: 2 ** 31, maxDelay: 2 ** 31, jitter: 'none' },
})
await attemptsPerSecond('random () => NaN, default retry, refused port', { random: () => Number.NaN })
await pingsPerSecond('heartbeat { interval: 2**31 }', { heartbeat: { interval: 2 ** 31 } })
await lingerFigure('lingerMs: 2**31', { lingerMs: 2 ** 31 })
await connectTimeoutFigure('connectTimeout: 2**31', { connectTimeout: 2 ** 31 })

console.log('-- 100 clients shed with 1013 Try Again Later --')
await herdAfter1013('retry { maxDelay: 2000 }', { maxDelay: 2000 })
if (!quick) await herdAfter1013('default retry (maxDelay 30000)', undefined)
process.exit(0)
