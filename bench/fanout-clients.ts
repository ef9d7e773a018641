import { WebSocket } from 'ws'
import { when } from './bench-env'

/**
 * The client process of the fan-out bench (bench/fanout.ts): `count` clients of one kind, each
 * holding one of `topics` topics (round robin), all in this process. `lifeline`: the core
 * (createConnection + lifelineTopics(), `ws`, heartbeat on); `socket.io`: socket.io-client 4.8
 * over the websocket transport, joining a room. IPC: `expect` (count deliveries until n, then
 * report when and the publish-to-deliver latencies).
 * `node bench/.out/fanout-clients.mjs <impl> <port> <count> <topics>`
 */
const [impl, port, countText, topicsText] = process.argv.slice(2)
const count = Number(countText)
const topics = Array.from({ length: Number(topicsText) }, (_, i) => `topic-${i}`)
const send = (message: object) => process.send?.(message)
const clock = () => Number(process.hrtime.bigint()) / 1e6

let expected = Number.POSITIVE_INFINITY
let delivered = 0
let latencies: Float64Array | null = null
let cpuAtStart = process.cpuUsage()
const deliver = (data: { at: number }) => {
  const now = clock()
  if (latencies && delivered < latencies.length) latencies[delivered] = now - data.at
  delivered++
  if (delivered === expected) {
    const used = process.cpuUsage(cpuAtStart)
    let summary = null
    if (latencies) {
      const sorted = latencies.slice(0, Math.min(delivered, latencies.length)).sort()
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
      summary = { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] }
    }
    send({ type: 'done', at: now, cpuMs: (used.user + used.system) / 1000, latency: summary })
  }
}

const closers: (() => void)[] = []
if (impl === 'lifeline-ws') {
  // A diagnostic: the lifeline server with bare `ws` clients that send the subscribe frame and
  // parse each message, so the client library's share of the cost shows apart from the server's.
  const subscribed: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`)
    const topic = topics[i % topics.length]!
    closers.push(() => socket.terminate())
    subscribed.push(
      new Promise((resolve) => {
        socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', topic })))
        socket.on('message', (data) => {
          const frame = JSON.parse(String(data))
          if (frame.type === 'message') deliver(frame.data)
          else if (frame.type === 'subscribed') resolve()
        })
      }),
    )
    if (i % 100 === 99) await Promise.all(subscribed)
  }
  await Promise.all(subscribed)
} else if (impl === 'lifeline') {
  const { createConnection, lifelineTopics } = await import('../src/core')
  const url = `ws://127.0.0.1:${port}/`
  const live: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const connection = createConnection(url, {
      WebSocket: WebSocket as never,
      topics: lifelineTopics(),
      heartbeat: true,
    })
    const topic = connection.topic<{ at: number }>(topics[i % topics.length]!)
    topic.retain()
    topic.onMessage(deliver)
    connection.connect()
    closers.push(() => connection.destroy())
    if (process.env.FANOUT_DEBUG) {
      connection.on('close', (close) => console.error('[clients] close', close.code, close.reason))
      topic.subscribe(() => {
        const st = topic.getState()
        if (st.gaps || st.error) console.error('[clients] topic', st.status, st.gaps, String(st.error))
      })
    }
    live.push(when(topic.subscribe, () => topic.getState().status === 'live'))
    if (i % 100 === 99) await Promise.all(live)
  }
  await Promise.all(live)
} else {
  const { io } = await import('socket.io-client')
  const joined: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true })
    socket.on('message', deliver)
    closers.push(() => socket.close())
    joined.push(
      new Promise((resolve) =>
        socket.on('connect', () => socket.emit('join', topics[i % topics.length], resolve)),
      ),
    )
    if (i % 100 === 99) await Promise.all(joined)
  }
  await Promise.all(joined)
}

process.on('message', (message: any) => {
  if (message.type === 'expect') {
    expected = message.count
    delivered = 0
    latencies = message.sample ? new Float64Array(message.count) : null
    cpuAtStart = process.cpuUsage()
    send({ type: 'expecting' })
  }
  if (message.type === 'progress') send({ type: 'progress', delivered })
  if (message.type === 'close') {
    for (const close of closers) close()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
if (process.env.FANOUT_DEBUG)
  setInterval(() => console.error(`[clients] delivered ${delivered} of ${expected}`), 1000).unref()
send({ type: 'ready' })
